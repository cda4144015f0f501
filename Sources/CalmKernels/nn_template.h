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
// <tgmath.h> makes sqrt/erf/cos pick the float or double libm function from the argument
// type. NN_EXP / NN_TANH / NN_ERF are the vectorizable polynomials of vmath.h for float (the softmax,
// attention and activation hot loops) and libm's for double (gradient-check precision).
#ifndef NN_TEMPLATE_H
#define NN_TEMPLATE_H
#include <math.h>
#include <stdint.h>
#include <string.h>
#include <tgmath.h>
#include <cblas.h>
#include "calm_nn_kernels.h"
#include "simd.h"   // CALM_CLONES: run-time ISA dispatch of the kernel entry points
#include "vmath.h"

// Let sums and maxima over a row vectorize: their order of accumulation may change.
#pragma clang fp reassociate(on)
#endif

#define NN_T float
#define NN_FN(name) name##_f32
#define NN_EXP(x) calm_expf(x)
#define NN_TANH(x) calm_tanhf(x)
#define NN_ERF(x) calm_erff(x)
#define NN_GEMM cblas_sgemm
#include NN_SELF
#undef NN_T
#undef NN_FN
#undef NN_EXP
#undef NN_TANH
#undef NN_ERF
#undef NN_GEMM

#define NN_T double
#define NN_FN(name) name##_f64
#define NN_EXP(x) exp(x)
#define NN_TANH(x) tanh(x)
#define NN_ERF(x) erf(x)
#define NN_GEMM cblas_dgemm
#include NN_SELF
#undef NN_T
#undef NN_FN
#undef NN_EXP
#undef NN_TANH
#undef NN_ERF
#undef NN_GEMM
