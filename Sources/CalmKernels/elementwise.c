// Elementwise binary and unary kernels over strided operands (float and double).
// The innermost dimension gets contiguous and broadcast-scalar fast paths, which the
// compiler vectorizes for each dispatched instruction set.
#include <math.h>
#include "calm_kernels.h"
#include "simd.h"
#include "strided.h"
#include "vmath.h"

#define BINARY_INNER(T, NAME, EXPR)                                                          \
    CALM_INLINE void NAME(int64_t n, T *o, int64_t os, const T *a, int64_t as,               \
                          const T *b, int64_t bs) {                                          \
        if (os == 1 && as == 1 && bs == 1) {                                                 \
            for (int64_t i = 0; i < n; i++) { T x = a[i], y = b[i]; o[i] = (EXPR); }         \
        } else if (os == 1 && as == 1 && bs == 0) {                                          \
            const T y = b[0];                                                                \
            for (int64_t i = 0; i < n; i++) { T x = a[i]; o[i] = (EXPR); }                   \
        } else if (os == 1 && as == 0 && bs == 1) {                                          \
            const T x = a[0];                                                                \
            for (int64_t i = 0; i < n; i++) { T y = b[i]; o[i] = (EXPR); }                   \
        } else {                                                                             \
            for (int64_t i = 0; i < n; i++) { T x = a[i * as], y = b[i * bs]; o[i * os] = (EXPR); } \
        }                                                                                    \
    }

#define UNARY_INNER(T, NAME, EXPR)                                                           \
    CALM_INLINE void NAME(int64_t n, T *o, int64_t os, const T *src, int64_t xs, T p, T q) { \
        (void)p; (void)q;                                                                    \
        if (os == 1 && xs == 1) {                                                            \
            for (int64_t i = 0; i < n; i++) { T x = src[i]; o[i] = (EXPR); }                 \
        } else {                                                                             \
            for (int64_t i = 0; i < n; i++) { T x = src[i * xs]; o[i * os] = (EXPR); }       \
        }                                                                                    \
    }

// Walks the outer dimensions and calls INNER on each innermost run of three operands.
#define WALK3(T, INNER)                                                                      \
    do {                                                                                     \
        const int64_t *strides[3] = {os, as, bs};                                            \
        int64_t off[3] = {0, 0, 0}, index[CALM_MAX_DIMS] = {0};                              \
        int64_t n = shape[ndim - 1], count = calm_outer_count(ndim, shape);                  \
        for (int64_t it = 0; it < count; it++) {                                             \
            INNER(n, out + off[0], os[ndim - 1], a + off[1], as[ndim - 1], b + off[2], bs[ndim - 1]); \
            calm_outer_step(ndim, shape, index, 3, strides, off);                            \
        }                                                                                    \
    } while (0)

#define WALK2(T, INNER)                                                                      \
    do {                                                                                     \
        const int64_t *strides[2] = {os, xs};                                                \
        int64_t off[2] = {0, 0}, index[CALM_MAX_DIMS] = {0};                                 \
        int64_t n = shape[ndim - 1], count = calm_outer_count(ndim, shape);                  \
        for (int64_t it = 0; it < count; it++) {                                             \
            INNER(n, out + off[0], os[ndim - 1], x + off[1], xs[ndim - 1], p, q);            \
            calm_outer_step(ndim, shape, index, 2, strides, off);                            \
        }                                                                                    \
    } while (0)

#define DEFINE_ELEMENTWISE(T, SUF, EXP, LOG, SQRT, TANH, POW)                               \
    BINARY_INNER(T, add_##SUF, x + y)                                                        \
    BINARY_INNER(T, sub_##SUF, x - y)                                                        \
    BINARY_INNER(T, mul_##SUF, x * y)                                                        \
    BINARY_INNER(T, div_##SUF, x / y)                                                        \
    BINARY_INNER(T, max_##SUF, x > y ? x : y)                                                \
    BINARY_INNER(T, min_##SUF, x < y ? x : y)                                                \
    BINARY_INNER(T, eq_##SUF, x == y ? (T)1 : (T)0)                                          \
    UNARY_INNER(T, neg_##SUF, -x)                                                            \
    UNARY_INNER(T, exp_##SUF, EXP(x))                                                        \
    UNARY_INNER(T, log_##SUF, LOG(x))                                                        \
    UNARY_INNER(T, sqrt_##SUF, SQRT(x))                                                      \
    UNARY_INNER(T, rsqrt_##SUF, (T)1 / SQRT(x))                                              \
    UNARY_INNER(T, tanh_##SUF, TANH(x))                                                      \
    UNARY_INNER(T, pow_##SUF, POW(x, p))                                                     \
    UNARY_INNER(T, affine_##SUF, x * p + q)                                                  \
                                                                                             \
    CALM_CLONES void calm_binary_##SUF(int op, int ndim, const int64_t *shape,               \
                                       T *out, const int64_t *os, const T *a,                \
                                       const int64_t *as, const T *b, const int64_t *bs) {   \
        if (ndim == 0) {                                                                     \
            static const int64_t one = 1, zero = 0;                                          \
            calm_binary_##SUF(op, 1, &one, out, &zero, a, &zero, b, &zero);                  \
            return;                                                                          \
        }                                                                                    \
        switch (op) {                                                                        \
        case CALM_BINARY_ADD: WALK3(T, add_##SUF); break;                                    \
        case CALM_BINARY_SUB: WALK3(T, sub_##SUF); break;                                    \
        case CALM_BINARY_MUL: WALK3(T, mul_##SUF); break;                                    \
        case CALM_BINARY_DIV: WALK3(T, div_##SUF); break;                                    \
        case CALM_BINARY_MAX: WALK3(T, max_##SUF); break;                                    \
        case CALM_BINARY_MIN: WALK3(T, min_##SUF); break;                                    \
        case CALM_BINARY_EQ: WALK3(T, eq_##SUF); break;                                      \
        }                                                                                    \
    }                                                                                        \
                                                                                             \
    CALM_CLONES void calm_unary_##SUF(int op, T p, T q, int ndim, const int64_t *shape,      \
                                      T *out, const int64_t *os,                             \
                                      const T *x, const int64_t *xs) {                       \
        if (ndim == 0) {                                                                     \
            static const int64_t one = 1, zero = 0;                                          \
            calm_unary_##SUF(op, p, q, 1, &one, out, &zero, x, &zero);                       \
            return;                                                                          \
        }                                                                                    \
        switch (op) {                                                                        \
        case CALM_UNARY_NEG: WALK2(T, neg_##SUF); break;                                     \
        case CALM_UNARY_EXP: WALK2(T, exp_##SUF); break;                                     \
        case CALM_UNARY_LOG: WALK2(T, log_##SUF); break;                                     \
        case CALM_UNARY_SQRT: WALK2(T, sqrt_##SUF); break;                                   \
        case CALM_UNARY_RSQRT: WALK2(T, rsqrt_##SUF); break;                                 \
        case CALM_UNARY_TANH: WALK2(T, tanh_##SUF); break;                                   \
        case CALM_UNARY_POW: WALK2(T, pow_##SUF); break;                                     \
        case CALM_UNARY_AFFINE: WALK2(T, affine_##SUF); break;                               \
        }                                                                                    \
    }

DEFINE_ELEMENTWISE(float, f32, calm_expf, logf, sqrtf, calm_tanhf, powf)
DEFINE_ELEMENTWISE(double, f64, exp, log, sqrt, tanh, pow)
