// Dropout and masked fill: elementwise selects. Each kernel is its own backward pass
// (dropout on dy with the same mask; masked fill on dy with value 0).
#ifndef NN_T
#define NN_SELF "nn_mask.c"
#include "nn_template.h"
#else

CALM_CLONES void NN_FN(calm_nn_dropout)(const NN_T *x, const uint8_t *keep, NN_T *y, size_t n, double p) {
    NN_T scale = p < 1 ? (NN_T)(1 / (1 - p)) : 0;
    for (size_t i = 0; i < n; i++) y[i] = keep[i] ? x[i] * scale : 0;
}

CALM_CLONES void NN_FN(calm_nn_masked_fill)(const NN_T *x, const uint8_t *mask, NN_T *y, size_t n,
                                          double value) {
    for (size_t i = 0; i < n; i++) y[i] = mask[i] ? (NN_T)value : x[i];
}

#endif
