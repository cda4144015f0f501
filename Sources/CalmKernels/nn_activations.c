// Pointwise activations and their derivatives. Backward passes take the forward input
// and recompute what they need, so nothing but x is saved.
#ifndef NN_T
#define NN_SELF "nn_activations.c"
#include "nn_template.h"
#else

// Logistic function; NN_EXP saturates cleanly at both ends, so no branch is needed.
static inline NN_T NN_FN(nn_sigmoid)(NN_T x) { return (NN_T)1 / ((NN_T)1 + NN_EXP(-x)); }

CALM_CLONES void NN_FN(calm_nn_gelu_erf_forward)(const NN_T *x, NN_T *y, size_t n) {
    for (size_t i = 0; i < n; i++)
        y[i] = (NN_T)0.5 * x[i] * ((NN_T)1 + NN_ERF(x[i] * (NN_T)M_SQRT1_2));
}

CALM_CLONES void NN_FN(calm_nn_gelu_erf_backward)(const NN_T *x, const NN_T *dy, NN_T *dx, size_t n) {
    const NN_T inv_sqrt_2pi = (NN_T)(0.5 * M_2_SQRTPI * M_SQRT1_2);
    for (size_t i = 0; i < n; i++) {
        NN_T cdf = (NN_T)0.5 * ((NN_T)1 + NN_ERF(x[i] * (NN_T)M_SQRT1_2));
        NN_T pdf = inv_sqrt_2pi * NN_EXP((NN_T)-0.5 * x[i] * x[i]);
        dx[i] = dy[i] * (cdf + x[i] * pdf);
    }
}

// tanh approximation: 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))).
CALM_CLONES void NN_FN(calm_nn_gelu_tanh_forward)(const NN_T *x, NN_T *y, size_t n) {
    const NN_T k = (NN_T)(M_2_SQRTPI * M_SQRT1_2);
    for (size_t i = 0; i < n; i++) {
        NN_T u = k * (x[i] + (NN_T)0.044715 * x[i] * x[i] * x[i]);
        y[i] = (NN_T)0.5 * x[i] * ((NN_T)1 + NN_TANH(u));
    }
}

CALM_CLONES void NN_FN(calm_nn_gelu_tanh_backward)(const NN_T *x, const NN_T *dy, NN_T *dx, size_t n) {
    const NN_T k = (NN_T)(M_2_SQRTPI * M_SQRT1_2);
    for (size_t i = 0; i < n; i++) {
        NN_T x2 = x[i] * x[i];
        NN_T t = NN_TANH(k * (x[i] + (NN_T)0.044715 * x2 * x[i]));
        NN_T du = k * ((NN_T)1 + (NN_T)(3 * 0.044715) * x2);
        dx[i] = dy[i] * ((NN_T)0.5 * ((NN_T)1 + t) + (NN_T)0.5 * x[i] * ((NN_T)1 - t * t) * du);
    }
}

// CLIP's activation: x * sigmoid(1.702 x).
CALM_CLONES void NN_FN(calm_nn_quick_gelu_forward)(const NN_T *x, NN_T *y, size_t n) {
    for (size_t i = 0; i < n; i++) y[i] = x[i] * NN_FN(nn_sigmoid)((NN_T)1.702 * x[i]);
}

CALM_CLONES void NN_FN(calm_nn_quick_gelu_backward)(const NN_T *x, const NN_T *dy, NN_T *dx, size_t n) {
    for (size_t i = 0; i < n; i++) {
        NN_T s = NN_FN(nn_sigmoid)((NN_T)1.702 * x[i]);
        dx[i] = dy[i] * (s + (NN_T)1.702 * x[i] * s * ((NN_T)1 - s));
    }
}

CALM_CLONES void NN_FN(calm_nn_silu_forward)(const NN_T *x, NN_T *y, size_t n) {
    for (size_t i = 0; i < n; i++) y[i] = x[i] * NN_FN(nn_sigmoid)(x[i]);
}

CALM_CLONES void NN_FN(calm_nn_silu_backward)(const NN_T *x, const NN_T *dy, NN_T *dx, size_t n) {
    for (size_t i = 0; i < n; i++) {
        NN_T s = NN_FN(nn_sigmoid)(x[i]);
        dx[i] = dy[i] * s * ((NN_T)1 + x[i] * ((NN_T)1 - s));
    }
}

#endif
