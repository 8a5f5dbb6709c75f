// The native side of the roofline: how fast this machine streams memory. Reads a buffer far larger than the caches
// once per pass, summing its 64-bit words (so the compiler cannot drop the reads; gcc -O3 -march=native vectorizes
// the loop), and prints the median rate over the passes. Built by bench/native.ts like run.c, with -fopenmp for the
// 2-thread figure (OMP_NUM_THREADS).
// Usage: bandwidth <MiB> <passes>   prints one JSON line: {"bytes", "passes", "gb_s", "checksum"}
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static int by_value(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: bandwidth <MiB> <passes>\n");
        return EXIT_FAILURE;
    }
    long mib = atol(argv[1]), passes = atol(argv[2]);
    if (mib <= 0 || passes <= 0 || passes > 1000) {
        fprintf(stderr, "bandwidth: invalid MiB or passes\n");
        return EXIT_FAILURE;
    }
    size_t n = (size_t)mib << 17; // 64-bit words
    uint64_t *buf = malloc(n * sizeof *buf);
    double *gbs = malloc(passes * sizeof *gbs);
    if (!buf || !gbs) {
        fprintf(stderr, "bandwidth: out of memory\n");
        return EXIT_FAILURE;
    }
    for (size_t i = 0; i < n; i++) buf[i] = i * 0x9E3779B97F4A7C15ull; // touched: every page is real
    uint64_t checksum = 0;
    for (long p = -1; p < passes; p++) { // pass -1 warms up
        uint64_t sum = 0;
        double t0 = now_ms();
#pragma omp parallel for reduction(+ : sum) schedule(static)
        for (size_t i = 0; i < n; i++) sum += buf[i];
        double ms = now_ms() - t0;
        checksum += sum;
        if (p >= 0) gbs[p] = (double)(n * sizeof *buf) / ms / 1e6;
    }
    qsort(gbs, passes, sizeof *gbs, by_value);
    double median = passes % 2 ? gbs[passes / 2] : (gbs[passes / 2 - 1] + gbs[passes / 2]) / 2;
    printf("{\"bytes\": %zu, \"passes\": %ld, \"gb_s\": %.3f, \"checksum\": %llu}\n", n * sizeof *buf, passes, median,
           (unsigned long long)checksum);
    free(buf);
    free(gbs);
    return 0;
}
