// The outer-loop walker shared by the strided kernels: it advances a multi-index over all
// dimensions but the innermost and keeps one element offset per operand.
#ifndef CALM_STRIDED_H
#define CALM_STRIDED_H
#include <stdint.h>

#define CALM_MAX_DIMS 16

typedef struct {
    int ndim;              // number of outer dimensions (all but the innermost)
    int64_t index[CALM_MAX_DIMS];
    int64_t count;         // outer iterations left
} calm_outer_walk;

static inline int64_t calm_outer_count(int ndim, const int64_t *shape) {
    int64_t count = 1;
    for (int d = 0; d < ndim - 1; d++) count *= shape[d];
    return count;
}

// Steps the multi-index over dimensions [0, ndim-1) and updates the offsets of `operands`
// operands (offsets[k] in elements of operand k).
static inline void calm_outer_step(int ndim, const int64_t *shape, int64_t *index,
                                   int operands, const int64_t *const *strides, int64_t *offsets) {
    for (int d = ndim - 2; d >= 0; d--) {
        index[d]++;
        for (int k = 0; k < operands; k++) offsets[k] += strides[k][d];
        if (index[d] < shape[d]) return;
        for (int k = 0; k < operands; k++) offsets[k] -= strides[k][d] * shape[d];
        index[d] = 0;
    }
}

#endif
