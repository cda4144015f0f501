// Sum and max reductions over strided operands: the output has stride 0 along reduced
// dimensions, so one walker serves every choice of axes. Horizontal runs use 16
// independent accumulators, which vectorize without reassociation flags.
#include <math.h>
#include "calm_kernels.h"
#include "simd.h"
#include "strided.h"

#define LANES 16

#define REDUCE_INNER(T, NAME, COMBINE)                                                       \
    CALM_INLINE void NAME(int64_t n, T *o, int64_t os, const T *x, int64_t xs) {             \
        if (os == 0 && xs == 1 && n >= LANES) {                                              \
            T acc[LANES];                                                                    \
            for (int j = 0; j < LANES; j++) acc[j] = x[j];                                   \
            int64_t i = LANES;                                                               \
            for (; i + LANES <= n; i += LANES)                                               \
                for (int j = 0; j < LANES; j++) acc[j] = COMBINE(acc[j], x[i + j]);          \
            T r = o[0];                                                                      \
            for (int j = 0; j < LANES; j++) r = COMBINE(r, acc[j]);                          \
            for (; i < n; i++) r = COMBINE(r, x[i]);                                         \
            o[0] = r;                                                                        \
        } else if (os == 0) {                                                                \
            T r = o[0];                                                                      \
            for (int64_t i = 0; i < n; i++) r = COMBINE(r, x[i * xs]);                       \
            o[0] = r;                                                                        \
        } else if (os == 1 && xs == 1) {                                                     \
            for (int64_t i = 0; i < n; i++) o[i] = COMBINE(o[i], x[i]);                      \
        } else {                                                                             \
            for (int64_t i = 0; i < n; i++) o[i * os] = COMBINE(o[i * os], x[i * xs]);       \
        }                                                                                    \
    }

#define SUM(a, b) ((a) + (b))
#define MAX(a, b) ((b) > (a) ? (b) : (a))

#define DEFINE_REDUCE(T, SUF)                                                                \
    REDUCE_INNER(T, sum_##SUF, SUM)                                                          \
    REDUCE_INNER(T, max_##SUF, MAX)                                                          \
    CALM_CLONES void calm_reduce_##SUF(int op, int ndim, const int64_t *shape,               \
                                       T *out, const int64_t *os,                            \
                                       const T *x, const int64_t *xs) {                      \
        if (ndim == 0) {                                                                     \
            out[0] = op == CALM_REDUCE_SUM ? SUM(out[0], x[0]) : MAX(out[0], x[0]);          \
            return;                                                                          \
        }                                                                                    \
        const int64_t *strides[2] = {os, xs};                                                \
        int64_t off[2] = {0, 0}, index[CALM_MAX_DIMS] = {0};                                 \
        int64_t n = shape[ndim - 1], count = calm_outer_count(ndim, shape);                  \
        for (int64_t it = 0; it < count; it++) {                                             \
            if (op == CALM_REDUCE_SUM)                                                       \
                sum_##SUF(n, out + off[0], os[ndim - 1], x + off[1], xs[ndim - 1]);          \
            else                                                                             \
                max_##SUF(n, out + off[0], os[ndim - 1], x + off[1], xs[ndim - 1]);          \
            calm_outer_step(ndim, shape, index, 2, strides, off);                            \
        }                                                                                    \
    }

DEFINE_REDUCE(float, f32)
DEFINE_REDUCE(double, f64)
