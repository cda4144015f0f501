// Run-time dispatch: each kernel marked CALM_CLONES is compiled three times (AVX-512,
// AVX2+FMA, baseline SSE2) and the loader picks the best one for the CPU (ifunc).
#ifndef CALM_SIMD_H
#define CALM_SIMD_H
#define CALM_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#define CALM_INLINE static inline __attribute__((always_inline))
#endif
