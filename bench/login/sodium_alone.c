/* The reference for bench/login/run.sh: libsodium's argon2id verify alone, at the server's default parameters
 * (64 MiB, 3 passes, 1 lane), N times in a row on one thread; prints the median in ms. A sign-in is one verify.
 * Usage: sodium_alone [N] [MEMORY_KIB] [ITERATIONS] */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static int compare(const void* a, const void* b) {
    const double x = *(const double*)a, y = *(const double*)b;
    return (x > y) - (x < y);
}

int main(int argc, char** argv) {
    const int n = argc > 1 ? atoi(argv[1]) : 20;
    const size_t memory = (size_t)(argc > 2 ? atol(argv[2]) : 65536) * 1024;
    const unsigned long long passes = argc > 3 ? strtoull(argv[3], NULL, 10) : 3;
    const char password[] = "bench password 123";
    char hash[crypto_pwhash_STRBYTES];
    if (n < 1 || sodium_init() < 0 ||
        crypto_pwhash_str_alg(hash, password, sizeof password - 1, passes, memory, crypto_pwhash_ALG_ARGON2ID13) != 0)
        return 1;
    double* ms = malloc(sizeof(double) * (size_t)n);
    if (!ms) return 1;
    for (int i = 0; i < n; ++i) {
        struct timespec a, b;
        clock_gettime(CLOCK_MONOTONIC, &a);
        if (crypto_pwhash_str_verify(hash, password, sizeof password - 1) != 0) return 1;
        clock_gettime(CLOCK_MONOTONIC, &b);
        ms[i] = (double)(b.tv_sec - a.tv_sec) * 1e3 + (double)(b.tv_nsec - a.tv_nsec) / 1e6;
    }
    qsort(ms, (size_t)n, sizeof(double), compare);
    printf("%.1f %.1f %.1f\n", n % 2 ? ms[n / 2] : (ms[n / 2 - 1] + ms[n / 2]) / 2, ms[0], ms[n - 1]);
    free(ms);
    return 0;
}
