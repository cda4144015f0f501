// One source, two precisions: an nn_*.c file defines NN_SELF (its own name) and includes
// this header; the header re-includes the file twice, once with NN_T = float and once
// with NN_T = double, so every kernel exists as name_f32 and name_f64 without hand copies.
//
//   #ifndef NN_T
//   #define NN_SELF "nn_softmax.c"
//   #include "nn_template.h"
//   #else
//   void NN_FN(calm_nn_softmax_forward)(const NN_T *x, ...) { ... }
//   #endif
//
// <tgmath.h> makes sqrt/erf/tanh/cos pick the float or double libm function from the
// argument type. NN_EXP is a vectorizable polynomial exp for float (the softmax and
// attention hot loops) and libm's exp for double (the gradient-check precision).
#ifndef NN_TEMPLATE_H
#define NN_TEMPLATE_H
#include <math.h>
#include <stdint.h>
#include <string.h>
#include <tgmath.h>
#include <cblas.h>
#include "calm_nn_kernels.h"

// Let sums and maxima over a row vectorize: their order of accumulation may change.
#pragma clang fp reassociate(on)

// Run-time ISA dispatch for the kernel entry points.
#define NN_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))

// exp(x) for float, Cephes-style: range reduction to [-ln2/2, ln2/2], a degree-6
// polynomial (about 2 ulp), then a 2^n scale built from the exponent bits. Branch free
// (selects only), so loops calling it vectorize. Below -87.3 (including -inf) it returns
// exactly 0, above 88.37 +inf, and NaN stays NaN.
static inline float nn_expf(float x) {
    const float hi = 88.3762626647949f, lo = -87.3365447504f;
    float xc = x > hi ? hi : x;
    xc = xc < lo ? lo : xc;
    float n = floorf(xc * 1.44269504088896341f + 0.5f);
    float r = xc - n * 0.693359375f + n * 2.12194440e-4f;
    float p = 1.9875691500e-4f;
    p = p * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    p = p * r * r + r + 1.0f;
    int32_t bits = ((int32_t)n + 127) << 23;
    float scale;
    memcpy(&scale, &bits, sizeof scale);
    float y = x > hi ? INFINITY : p * scale;
    y = x < lo ? 0.0f : y;
    return x != x ? x : y;
}
#endif

#define NN_T float
#define NN_FN(name) name##_f32
#define NN_EXP(x) nn_expf(x)
#define NN_GEMM cblas_sgemm
#include NN_SELF
#undef NN_T
#undef NN_FN
#undef NN_EXP
#undef NN_GEMM

#define NN_T double
#define NN_FN(name) name##_f64
#define NN_EXP(x) exp(x)
#define NN_GEMM cblas_dgemm
#include NN_SELF
#undef NN_T
#undef NN_FN
#undef NN_EXP
#undef NN_GEMM
