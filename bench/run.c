// The native baseline: the same Llama forward pass as src/engine (llama2.c's run.c structure, fp32), reading the same
// legacy llama2.c checkpoint, timed the same way. Built by scripts/bench.ts with Debian's gcc at -Ofast -march=native
// (llama2.c's `runfast`), and with -fopenmp for the 2-thread figure (llama2.c's `runomp`).
// Usage: run <checkpoint> <steps> [prefill-warmup-steps]   prints one JSON line: {"steps", "ms", "tok_s", "checksum"}
// Greedy decode from token 1 (BOS), so the work is the same as the TS engine's decode benchmark.
// D = dim, H = hidden_dim, L = n_layers, KV = kv_dim, V = vocab_size, S = seq_len
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct {
    int dim, hidden_dim, n_layers, n_heads, n_kv_heads, vocab_size, seq_len;
} Config;

typedef struct {
    float *token_embedding_table; // (V, D)
    float *rms_att_weight;        // (L, D)
    float *rms_ffn_weight;        // (L, D)
    float *wq, *wk, *wv, *wo;     // (L, D, D) (L, KV, D) (L, KV, D) (L, D, D)
    float *w1, *w2, *w3;          // (L, H, D) (L, D, H) (L, H, D)
    float *rms_final_weight;      // (D,)
    float *wcls;                  // (V, D)
} Weights;

typedef struct {
    float *x, *xb, *xb2, *hb, *hb2, *q, *k, *v, *att, *logits; // (D) (D) (D) (H) (H) (D) (KV) (KV) (NH, S) (V)
    float *key_cache, *value_cache;                            // (L, S, KV)
} RunState;

static void fail(const char *what) {
    fprintf(stderr, "run: %s\n", what);
    exit(EXIT_FAILURE);
}

static float *take(float **p, size_t n) {
    float *r = *p;
    *p += n;
    return r;
}

static void read_checkpoint(const char *path, Config *c, Weights *w) {
    FILE *f = fopen(path, "rb");
    if (!f) fail("cannot open checkpoint");
    if (fread(c, sizeof(Config), 1, f) != 1) fail("cannot read header");
    int shared = c->vocab_size > 0;
    c->vocab_size = abs(c->vocab_size);
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, sizeof(Config), SEEK_SET);
    float *data = malloc(size);
    if (!data || fread(data, 1, size - sizeof(Config), f) != (size_t)(size - sizeof(Config))) fail("cannot read weights");
    fclose(f);
    int D = c->dim, H = c->hidden_dim, L = c->n_layers, hs = D / c->n_heads, KV = c->n_kv_heads * hs;
    float *p = data;
    w->token_embedding_table = take(&p, (size_t)c->vocab_size * D);
    w->rms_att_weight = take(&p, (size_t)L * D);
    w->wq = take(&p, (size_t)L * D * D);
    w->wk = take(&p, (size_t)L * KV * D);
    w->wv = take(&p, (size_t)L * KV * D);
    w->wo = take(&p, (size_t)L * D * D);
    w->rms_ffn_weight = take(&p, (size_t)L * D);
    w->w1 = take(&p, (size_t)L * H * D);
    w->w2 = take(&p, (size_t)L * D * H);
    w->w3 = take(&p, (size_t)L * H * D);
    w->rms_final_weight = take(&p, D);
    p += (size_t)c->seq_len * hs; // freq_cis_real and freq_cis_imag (unused: RoPE is computed)
    w->wcls = shared ? w->token_embedding_table : p;
}

static float *zeros(size_t n) {
    float *p = calloc(n, sizeof(float));
    if (!p) fail("out of memory");
    return p;
}

static void rmsnorm(float *o, const float *x, const float *weight, int size) {
    float ss = 0.0f;
    for (int j = 0; j < size; j++) ss += x[j] * x[j];
    ss = 1.0f / sqrtf(ss / size + 1e-5f);
    for (int j = 0; j < size; j++) o[j] = weight[j] * (ss * x[j]);
}

static void softmax(float *x, int size) {
    float max_val = x[0];
    for (int i = 1; i < size; i++) if (x[i] > max_val) max_val = x[i];
    float sum = 0.0f;
    for (int i = 0; i < size; i++) {
        x[i] = expf(x[i] - max_val);
        sum += x[i];
    }
    for (int i = 0; i < size; i++) x[i] /= sum;
}

static void matmul(float *xout, const float *x, const float *w, int n, int d) {
    // W (d,n) @ x (n,) -> xout (d,)
    int i;
#pragma omp parallel for private(i)
    for (i = 0; i < d; i++) {
        float val = 0.0f;
        for (int j = 0; j < n; j++) val += w[(size_t)i * n + j] * x[j];
        xout[i] = val;
    }
}

static float *forward(const Config *p, const Weights *w, RunState *s, int token, int pos) {
    int D = p->dim, H = p->hidden_dim, hs = D / p->n_heads, KV = p->n_kv_heads * hs;
    int kv_mul = p->n_heads / p->n_kv_heads;
    memcpy(s->x, w->token_embedding_table + (size_t)token * D, D * sizeof(float));
    for (int l = 0; l < p->n_layers; l++) {
        // attention rmsnorm
        rmsnorm(s->xb, s->x, w->rms_att_weight + l * D, D);
        // qkv matmuls for this position, k and v straight into the cache
        size_t loff = (size_t)l * p->seq_len * KV;
        s->k = s->key_cache + loff + (size_t)pos * KV;
        s->v = s->value_cache + loff + (size_t)pos * KV;
        matmul(s->q, s->xb, w->wq + (size_t)l * D * D, D, D);
        matmul(s->k, s->xb, w->wk + (size_t)l * D * KV, D, KV);
        matmul(s->v, s->xb, w->wv + (size_t)l * D * KV, D, KV);
        // RoPE relative positional encoding
        for (int i = 0; i < D; i += 2) {
            int head_dim = i % hs;
            float freq = 1.0f / powf(10000.0f, head_dim / (float)hs);
            float val = pos * freq, fcr = cosf(val), fci = sinf(val);
            int rotn = i < KV ? 2 : 1;
            for (int v = 0; v < rotn; v++) {
                float *vec = v == 0 ? s->q : s->k;
                float v0 = vec[i], v1 = vec[i + 1];
                vec[i] = v0 * fcr - v1 * fci;
                vec[i + 1] = v0 * fci + v1 * fcr;
            }
        }
        // multihead attention
        int h;
#pragma omp parallel for private(h)
        for (h = 0; h < p->n_heads; h++) {
            float *q = s->q + h * hs;
            float *att = s->att + h * p->seq_len;
            for (int t = 0; t <= pos; t++) {
                float *k = s->key_cache + loff + (size_t)t * KV + (h / kv_mul) * hs;
                float score = 0.0f;
                for (int i = 0; i < hs; i++) score += q[i] * k[i];
                att[t] = score / sqrtf(hs);
            }
            softmax(att, pos + 1);
            float *xb = s->xb + h * hs;
            memset(xb, 0, hs * sizeof(float));
            for (int t = 0; t <= pos; t++) {
                float *v = s->value_cache + loff + (size_t)t * KV + (h / kv_mul) * hs;
                float a = att[t];
                for (int i = 0; i < hs; i++) xb[i] += a * v[i];
            }
        }
        matmul(s->xb2, s->xb, w->wo + (size_t)l * D * D, D, D);
        for (int i = 0; i < D; i++) s->x[i] += s->xb2[i];
        // ffn rmsnorm, then self.w2(F.silu(self.w1(x)) * self.w3(x))
        rmsnorm(s->xb, s->x, w->rms_ffn_weight + l * D, D);
        matmul(s->hb, s->xb, w->w1 + (size_t)l * D * H, D, H);
        matmul(s->hb2, s->xb, w->w3 + (size_t)l * D * H, D, H);
        for (int i = 0; i < H; i++) {
            float val = s->hb[i];
            s->hb[i] = val * (1.0f / (1.0f + expf(-val))) * s->hb2[i];
        }
        matmul(s->xb, s->hb, w->w2 + (size_t)l * D * H, H, D);
        for (int i = 0; i < D; i++) s->x[i] += s->xb[i];
    }
    rmsnorm(s->x, s->x, w->rms_final_weight, D);
    matmul(s->logits, s->x, w->wcls, D, p->vocab_size);
    return s->logits;
}

static double now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

int main(int argc, char **argv) {
    if (argc < 3) fail("usage: run <checkpoint> <steps> [warmup]");
    Config c;
    Weights w;
    read_checkpoint(argv[1], &c, &w);
    int steps = atoi(argv[2]), warmup = argc > 3 ? atoi(argv[3]) : 0;
    if (steps < 1 || warmup < 0 || warmup + steps > c.seq_len) fail("steps + warmup must be 1..seq_len");
    int hs = c.dim / c.n_heads, KV = c.n_kv_heads * hs;
    RunState s = {zeros(c.dim), zeros(c.dim), zeros(c.dim), zeros(c.hidden_dim), zeros(c.hidden_dim), zeros(c.dim),
                  NULL, NULL, zeros((size_t)c.n_heads * c.seq_len), zeros(c.vocab_size),
                  zeros((size_t)c.n_layers * c.seq_len * KV), zeros((size_t)c.n_layers * c.seq_len * KV)};
    int token = 1;
    double checksum = 0, start = 0;
    for (int pos = 0; pos < warmup + steps; pos++) {
        if (pos == warmup) start = now_ms();
        float *logits = forward(&c, &w, &s, token, pos);
        int next = 0;
        for (int i = 1; i < c.vocab_size; i++) if (logits[i] > logits[next]) next = i;
        checksum += logits[next];
        token = next;
    }
    double ms = now_ms() - start;
    printf("{\"steps\": %d, \"ms\": %.3f, \"tok_s\": %.2f, \"checksum\": %.6f}\n", steps, ms, steps * 1000.0 / ms, checksum);
    return 0;
}
