// The glossary: one definition per term, rendered by notebooks/glossary.html and linked from prose with term(key),
// whose tooltip carries the first sentence, so the full entry is one click away from any notebook that uses it.

export interface GlossaryEntry {
  /** anchor id and term() key: "kv-cache" */
  key: string;
  term: string;
  /** Markdown-free text; the first sentence is the tooltip */
  definition: string;
  /** keys of related entries */
  see?: string[];
}

export const GLOSSARY: readonly GlossaryEntry[] = [
  {
    key: "token",
    term: "token",
    definition:
      "A piece of text the model reads as one unit, given by its id in the tokenizer's vocabulary. A byte-level tokenizer (the seeded built-in model's) uses one token per byte; llama2.c tokenizers merge frequent byte sequences (sentencepiece-style BPE) into single tokens.",
    see: ["bos", "tokenizer"]
  },
  {
    key: "bos",
    term: "BOS",
    definition:
      "Beginning of sequence: token 1 in llama2.c, fed before the prompt. Every prompt starts with it, and it is where many attention heads look when they have nothing better to attend to."
  },
  {
    key: "tokenizer",
    term: "tokenizer",
    definition:
      "The table from token ids to byte strings (llama2.c's tokenizer.bin) plus the merge scores that turn text into ids. A checkpoint only works with the tokenizer it was trained with: the vocabulary size must match.",
    see: ["token", "checkpoint"]
  },
  {
    key: "checkpoint",
    term: "checkpoint (llama2.c)",
    definition:
      "A model file: a header of 7 integers (dim, hidden_dim, n_layers, n_heads, n_kv_heads, vocab_size, seq_len) followed by every weight matrix in float32. Glassbox reads the legacy format of llama2.c's export.py --version 0.",
    see: ["tokenizer"]
  },
  {
    key: "bigram",
    term: "bigram",
    definition:
      "A pair of neighbouring tokens. A bigram model predicts the next token from the current one alone, by counting how often each token follows it; its loss is the bar a language model has to clear to show it uses more context.",
    see: ["token", "induction-head"]
  },
  {
    key: "embedding",
    term: "embedding",
    definition:
      "The vector (one row of token_embd, width dim) that stands for a token when it enters the model. It is the first value of the residual stream.",
    see: ["residual-stream"]
  },
  {
    key: "residual-stream",
    term: "residual stream",
    definition:
      "The running vector per position that every block reads from and adds to: x ← x + attention(x), then x ← x + mlp(x). Its hooks are blocks.l.hook_resid_pre, hook_resid_mid and hook_resid_post.",
    see: ["embedding", "attention", "mlp"]
  },
  {
    key: "rmsnorm",
    term: "RMSNorm",
    definition:
      "Normalization before attention, before the MLP and before the classifier: x · w / sqrt(mean(x²) + 1e-5). It rescales the vector to unit root-mean-square and applies a learned per-dimension gain w."
  },
  {
    key: "attention",
    term: "attention",
    definition:
      "The step where a position gathers information from earlier positions: each head compares its query with every earlier key (q·k / sqrt(d_head)), turns the scores into weights with a softmax, and sums the values with those weights.",
    see: ["attention-head", "attention-pattern", "kv-cache", "gqa"]
  },
  {
    key: "attention-head",
    term: "attention head",
    definition:
      "One of the n_heads independent attention computations of a block, each on its own slice of width d_head = dim / n_heads. The heads' outputs (hook_z) are concatenated and mixed by wo.",
    see: ["attention", "ablation"]
  },
  {
    key: "attention-pattern",
    term: "attention pattern",
    definition:
      "The softmax of a head's scores (blocks.l.attn.hook_pattern): row q says how much position q takes from each earlier position k. Rows sum to 1; the causal mask keeps every k ≤ q."
  },
  {
    key: "attention-sink",
    term: "attention sink",
    definition:
      "A position, usually the first token (BOS), that many heads give most of their attention to whatever it holds: a softmax must put its weight somewhere, and a head with nothing to take from parks it there. Drop the sink from a KV cache and generation breaks (StreamingLLM keeps it for that reason).",
    see: ["bos", "attention-pattern", "massive-activation"]
  },
  {
    key: "massive-activation",
    term: "massive activation",
    definition:
      "One of a few activations, in the same few dimensions of the residual stream and usually at the first token or at delimiters, that are hundreds or thousands of times larger than the rest. They act as fixed biases that help heads form attention sinks, and they are why activations are hard to quantize with one scale per tensor.",
    see: ["attention-sink", "residual-stream", "quantization"]
  },
  {
    key: "induction-head",
    term: "induction head",
    definition:
      "An attention head that continues a repeat: at a token A it attends to the token that followed an earlier A and copies it, so … A B … A predicts B. It needs a previous-token head in an earlier layer to mark what came before each token. The built-in model's card says it did not learn them.",
    see: ["attention-head", "attention-pattern"]
  },
  {
    key: "rope",
    term: "RoPE",
    definition:
      "Rotary position embedding: queries and keys are rotated pair by pair by an angle proportional to their position (theta 10000), so q·k depends on the distance between positions."
  },
  {
    key: "gqa",
    term: "GQA (grouped-query attention)",
    definition:
      "Several query heads share one key/value head (n_kv_heads < n_heads). The KV cache shrinks by n_heads / n_kv_heads at little cost in quality.",
    see: ["kv-cache"]
  },
  {
    key: "kv-cache",
    term: "KV cache",
    definition:
      "The keys and values of every earlier position, kept so that each new token computes attention without recomputing the past. Its size is 2 · n_layers · seq_len · kv_dim floats.",
    see: ["gqa", "prefill-decode"]
  },
  {
    key: "mlp",
    term: "MLP (SwiGLU)",
    definition:
      "The per-position feed-forward part of a block: silu(ffn_gate · x) · (ffn_up · x), then ffn_down back to the model width (llama2.c calls them w1, w3 and w2); hook_post is the hidden_dim activation between them."
  },
  {
    key: "logits",
    term: "logits",
    definition:
      "The classifier's score for every token of the vocabulary at a position; softmax turns them into next-token probabilities. The highest one is the greedy (top-1) choice.",
    see: ["softmax"]
  },
  {
    key: "softmax",
    term: "softmax",
    definition: "p_i = exp(l_i − max l) / Σ_j exp(l_j − max l): turns scores into probabilities that sum to 1."
  },
  {
    key: "logit-lens",
    term: "logit lens",
    definition:
      "Reading the residual stream after an intermediate block through the final RMSNorm and the classifier, as if the model stopped there. It shows at which depth the final prediction appears.",
    see: ["residual-stream", "logits"]
  },
  {
    key: "hook",
    term: "hook",
    definition:
      "A named point of the forward pass (TransformerLens names, e.g. blocks.0.attn.hook_z) where an activation can be read or replaced. Glassbox lists every hook with its shape in src/engine/hooks/names.ts."
  },
  {
    key: "ablation",
    term: "ablation",
    definition:
      "Removing a component to see what it did: zero-ablation sets its output to 0, mean-ablation replaces it by its mean over positions. If the prediction changes, the component mattered for it.",
    see: ["activation-patching", "hook"]
  },
  {
    key: "activation-patching",
    term: "activation patching",
    definition:
      "Running a prompt with one activation replaced by its value from another prompt. If the output moves toward the other prompt's, that activation carries the information that differs between them.",
    see: ["ablation"]
  },
  {
    key: "quantization",
    term: "quantization",
    definition:
      "Storing weights with fewer bits: each block of weights keeps a scale (and maybe an offset) and small integers, w ≈ scale · q. Smaller and faster to read, at the cost of a rounding error.",
    see: ["bits-per-weight", "block", "sqnr"]
  },
  {
    key: "block",
    term: "block (group) size",
    definition:
      "How many consecutive weights share one scale: 32 for Q8_0, Q4_0, Q4_1 and Q5_x; 64 for NF4. Smaller groups follow the weights more closely but spend more bits on scales."
  },
  {
    key: "bits-per-weight",
    term: "bits per weight (bpw)",
    definition:
      "Storage per weight including the scales: Q8_0 stores 32 int8 values and one fp16 scale per block, (32·8 + 16) / 32 = 8.5 bpw; Q4_0 is (32·4 + 16) / 32 = 4.5 bpw; fp32 is 32."
  },
  {
    key: "symmetric",
    term: "symmetric / asymmetric",
    definition:
      "Symmetric quantization maps 0 to 0 and uses only a scale (Q8_0, Q4_0); asymmetric adds an offset, a minimum (Q4_1, Q5_1), which fits weights whose range is not centred on zero."
  },
  {
    key: "nf4",
    term: "NF4",
    definition:
      "4-bit NormalFloat: 16 fixed levels placed at quantiles of a normal distribution and scaled by each block's absolute maximum, so normally distributed weights use every level equally often."
  },
  {
    key: "k-quant",
    term: "K-quant",
    definition:
      "llama.cpp's formats Q2_K to Q6_K: 256 weights form a super-block, split into sub-blocks of 16 or 32 weights that each keep their own scale (Q2_K, Q4_K and Q5_K also a minimum), stored in 4 to 8 bits and multiplied by the super-block's fp16 scale. Two levels of scales cost little: Q4_K takes 4.5 bits per weight, Q6_K 6.5625.",
    see: ["super-block", "block", "importance-matrix"]
  },
  {
    key: "super-block",
    term: "super-block",
    definition:
      "In the K-quants, the group of 256 weights that shares one fp16 scale (and, in the formats with minimums, one fp16 minimum). The scales of its sub-blocks are quantized relative to it, so each costs only 4 to 8 bits instead of 16.",
    see: ["k-quant", "block"]
  },
  {
    key: "importance-matrix",
    term: "importance matrix (imatrix)",
    definition:
      "For each weight matrix, how much each input column matters: llama.cpp's llama-imatrix averages the squared activations entering it over some calibration text. The quantizer then chooses scales that minimize the error weighted by importance rather than the plain error, which helps most at 2 to 4 bits.",
    see: ["k-quant", "quantization"]
  },
  {
    key: "gguf",
    term: "GGUF",
    definition:
      "The model file format of llama.cpp and ggml: a header, key-value metadata (architecture, shapes, tokenizer, chat template) and a table of tensors (name, shape, type, offset), then the aligned tensor data, each tensor in its own type (F32, F16, Q4_0, Q4_K, ...). Glassbox reads GGUF v2 and v3 and writes v3.",
    see: ["checkpoint", "k-quant"]
  },
  {
    key: "qat",
    term: "QAT (quantization-aware training)",
    definition:
      "Training, usually a short fine-tuning, with the weights rounded to the target grid in every forward pass (fake quantization), so the model learns weights that lose little when quantized. Float weights are kept and updated underneath; the gradient passes the rounding by the straight-through estimator.",
    see: ["ste", "quantization"]
  },
  {
    key: "ste",
    term: "STE (straight-through estimator)",
    definition:
      "The gradient used through a step whose true derivative is zero almost everywhere, such as rounding: the backward pass treats round(w) as the identity (gradient 1, and often 0 for values the grid clips), so the float weights under a quantizer still learn.",
    see: ["qat"]
  },
  {
    key: "sqnr",
    term: "SQNR",
    definition:
      "Signal-to-quantization-noise ratio, 10 · log10(Σ w² / Σ (w − ŵ)²) in dB. Higher is better; each extra bit of a uniform grid adds about 6.02 dB.",
    see: ["quantization", "kld"]
  },
  {
    key: "kld",
    term: "KLD",
    definition:
      "Kullback–Leibler divergence Σ p · log(p / q) between the fp32 model's next-token distribution p and the quantized one's q, averaged over positions. 0 means identical predictions.",
    see: ["same-top-1", "ppl"]
  },
  {
    key: "same-top-1",
    term: "same top-1",
    definition: "The share of positions where the quantized model's most likely next token is the fp32 model's."
  },
  {
    key: "ppl",
    term: "perplexity (PPL, ΔPPL)",
    definition:
      "exp of the mean negative log-probability of the actual next tokens: how many choices the model is effectively torn between. ΔPPL is the quantized model's perplexity minus the fp32 one's."
  },
  {
    key: "get-w",
    term: "get_w",
    definition:
      "Fetching a weight matrix as float32 for a matrix product. With packed quantized weights this means dequantizing; doing that on every step is the cost the get_w notebook measures.",
    see: ["dequantize", "fused-kernel"]
  },
  {
    key: "dequantize",
    term: "dequantize / cached",
    definition:
      "Turning packed integers back into floats (scale · q). The dequant mode does it on every step; the cached mode does it once and keeps an fp32 copy, fast but as large as the fp32 model.",
    see: ["get-w"]
  },
  {
    key: "fused-kernel",
    term: "fused kernel",
    definition:
      "A matrix-vector product that reads the packed weights directly and dequantizes inside its inner loop, so nothing is materialized: the speed of the cache at the packed size."
  },
  {
    key: "roofline",
    term: "roofline",
    definition:
      "A model of a kernel's speed: it runs at most at min(peak arithmetic, memory bandwidth × arithmetic intensity), the intensity being operations per byte it reads. A decode step's matrix-vector products do about 2 operations per weight read, far below what a processor could do per byte, so they wait on memory: reading fewer bytes per weight makes them faster.",
    see: ["prefill-decode", "fused-kernel", "bits-per-weight"]
  },
  {
    key: "prefill-decode",
    term: "prefill and decode",
    definition:
      "Prefill pushes the whole prompt through at once (matrix-matrix products); decode then generates one token per step (matrix-vector products), which reads every weight once per token."
  },
  {
    key: "fp32",
    term: "fp32",
    definition: "32-bit IEEE float, the reference precision: the model as trained, before any quantization."
  },
  {
    key: "deep-link",
    term: "deep link",
    definition:
      "A URL that holds a notebook and its input values (?quant=q4_0&cache=off), so a link brings back the exact view. An invalid value shows invalid <name>: <value> and the input keeps its default."
  }
];

const BY_KEY = new Map(GLOSSARY.map((e) => [e.key, e]));

export function glossaryEntry(key: string): GlossaryEntry {
  const entry = BY_KEY.get(key);
  if (!entry) throw new Error(`invalid glossary term: ${key}`);
  return entry;
}

/** The first sentence of a definition (the tooltip of a term link). */
export function firstSentence(text: string): string {
  return /^.*?[.!?](?=\s|$)/.exec(text)?.[0] ?? text;
}

/** A link to the glossary entry `key`, its first sentence as tooltip: `${term("kld")}` in a Markdown cell. */
export function term(key: string, text?: string): HTMLAnchorElement {
  const entry = glossaryEntry(key);
  const a = document.createElement("a");
  a.className = "gb-term";
  a.href = `./glossary.html#${entry.key}`;
  a.title = `${entry.term}: ${firstSentence(entry.definition)} (click for the glossary)`;
  a.textContent = text ?? entry.term;
  return a;
}
