// Softmax, log-softmax and cross-entropy over the last axis: one row at a time, max-shifted
// so that exp never overflows. Cross-entropy lives here because it *is* a log-softmax
// fused with the pick of the target's entry.
#ifndef NN_T
#define NN_SELF "nn_softmax.c"
#include "nn_template.h"
#else

static inline NN_T NN_FN(nn_row_max)(const NN_T *x, size_t n) {
    NN_T m = -INFINITY;
    for (size_t j = 0; j < n; j++) m = fmax(m, x[j]);
    return m;
}

// log(sum(exp(x))), -inf for an empty or all -inf row.
static inline NN_T NN_FN(nn_row_logsumexp)(const NN_T *x, size_t n) {
    NN_T m = NN_FN(nn_row_max)(x, n);
    if (m == -INFINITY) return -INFINITY;
    NN_T s = 0;
    for (size_t j = 0; j < n; j++) s += NN_EXP(x[j] - m);
    return m + log(s);
}

CALM_CLONES void NN_FN(calm_nn_softmax_forward)(const NN_T *x, NN_T *y, size_t rows, size_t cols) {
    for (size_t r = 0; r < rows; r++) {
        const NN_T *xr = x + r * cols;
        NN_T *yr = y + r * cols;
        NN_T m = NN_FN(nn_row_max)(xr, cols);
        if (m == -INFINITY) m = 0;  // an all -inf row: every exp is 0, the row stays 0
        NN_T s = 0;
        for (size_t j = 0; j < cols; j++) {
            yr[j] = NN_EXP(xr[j] - m);
            s += yr[j];
        }
        NN_T inv = s == 0 ? 0 : (NN_T)1 / s;  // NaN stays NaN
        for (size_t j = 0; j < cols; j++) yr[j] *= inv;
    }
}

// dx = y * (dy - <dy, y>)
CALM_CLONES void NN_FN(calm_nn_softmax_backward)(const NN_T *y, const NN_T *dy, NN_T *dx, size_t rows,
                                               size_t cols) {
    for (size_t r = 0; r < rows; r++) {
        const NN_T *yr = y + r * cols, *dyr = dy + r * cols;
        NN_T dot = 0;
        for (size_t j = 0; j < cols; j++) dot += yr[j] * dyr[j];
        for (size_t j = 0; j < cols; j++) dx[r * cols + j] = yr[j] * (dyr[j] - dot);
    }
}

CALM_CLONES void NN_FN(calm_nn_log_softmax_forward)(const NN_T *x, NN_T *y, size_t rows, size_t cols) {
    for (size_t r = 0; r < rows; r++) {
        NN_T lse = NN_FN(nn_row_logsumexp)(x + r * cols, cols);
        for (size_t j = 0; j < cols; j++) y[r * cols + j] = x[r * cols + j] - lse;
    }
}

// dx = dy - softmax * sum(dy), with softmax = exp(y).
CALM_CLONES void NN_FN(calm_nn_log_softmax_backward)(const NN_T *y, const NN_T *dy, NN_T *dx,
                                                   size_t rows, size_t cols) {
    for (size_t r = 0; r < rows; r++) {
        const NN_T *yr = y + r * cols, *dyr = dy + r * cols;
        NN_T s = 0;
        for (size_t j = 0; j < cols; j++) s += dyr[j];
        for (size_t j = 0; j < cols; j++) dx[r * cols + j] = dyr[j] - NN_EXP(yr[j]) * s;
    }
}

// Cross-entropy for one integer type of targets (int32 / int64).
#define NN_CROSS_ENTROPY(ID, IDS)                                                                  \
    CALM_CLONES ptrdiff_t NN_FN(calm_nn_cross_entropy_forward_##IDS)(                                \
        const NN_T *logits, const ID *targets, size_t rows, size_t classes, int64_t ignore_index,  \
        NN_T *loss, NN_T *lse, size_t *count) {                                                    \
        for (size_t r = 0; r < rows; r++)                                                          \
            if ((int64_t)targets[r] != ignore_index &&                                             \
                (targets[r] < 0 || (uint64_t)targets[r] >= classes))                               \
                return (ptrdiff_t)r;                                                               \
        double total = 0;                                                                          \
        size_t counted = 0;                                                                        \
        for (size_t r = 0; r < rows; r++) {                                                        \
            lse[r] = NN_FN(nn_row_logsumexp)(logits + r * classes, classes);                       \
            if ((int64_t)targets[r] == ignore_index) continue;                                     \
            total += lse[r] - logits[r * classes + (size_t)targets[r]];                            \
            counted++;                                                                             \
        }                                                                                          \
        *loss = counted ? (NN_T)(total / (double)counted) : 0;                                     \
        *count = counted;                                                                          \
        return -1;                                                                                 \
    }                                                                                              \
                                                                                                   \
    CALM_CLONES void NN_FN(calm_nn_cross_entropy_backward_##IDS)(                                    \
        const NN_T *logits, const ID *targets, const NN_T *lse, size_t rows, size_t classes,       \
        int64_t ignore_index, size_t count, double dloss, NN_T *dlogits) {                         \
        NN_T scale = count ? (NN_T)(dloss / (double)count) : 0;                                    \
        for (size_t r = 0; r < rows; r++) {                                                        \
            const NN_T *xr = logits + r * classes;                                                 \
            NN_T *gr = dlogits + r * classes;                                                      \
            if ((int64_t)targets[r] == ignore_index) {                                             \
                for (size_t j = 0; j < classes; j++) gr[j] = 0;                                    \
                continue;                                                                          \
            }                                                                                      \
            for (size_t j = 0; j < classes; j++) gr[j] = scale * NN_EXP(xr[j] - lse[r]);           \
            gr[targets[r]] -= scale;                                                               \
        }                                                                                          \
    }

NN_CROSS_ENTROPY(int32_t, i32)
NN_CROSS_ENTROPY(int64_t, i64)
#undef NN_CROSS_ENTROPY

#endif
