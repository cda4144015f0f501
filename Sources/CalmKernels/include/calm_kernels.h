#ifndef CALM_KERNELS_H
#define CALM_KERNELS_H
#include <stddef.h>
#include <stdint.h>

// Which instruction set the run-time dispatched kernels use on this CPU:
// "avx512f", "avx2" or "baseline".
const char *calm_kernels_isa(void);

// Strided n-d kernels. Every operand is described by a base pointer and one stride per
// dimension (in elements, 0 for a broadcast dimension); `shape` is shared. The caller
// coalesces dimensions first, so the innermost dimension is the long, vectorized one.

typedef enum {
    CALM_BINARY_ADD = 0,
    CALM_BINARY_SUB = 1,
    CALM_BINARY_MUL = 2,
    CALM_BINARY_DIV = 3,
    CALM_BINARY_MAX = 4,
    CALM_BINARY_MIN = 5,
    CALM_BINARY_EQ = 6,   // 1 where equal, 0 elsewhere
} calm_binary_op;

typedef enum {
    CALM_UNARY_NEG = 0,
    CALM_UNARY_EXP = 1,
    CALM_UNARY_LOG = 2,
    CALM_UNARY_SQRT = 3,
    CALM_UNARY_RSQRT = 4,
    CALM_UNARY_TANH = 5,
    CALM_UNARY_POW = 6,     // x ** p
    CALM_UNARY_AFFINE = 7,  // x * p + q
} calm_unary_op;

typedef enum {
    CALM_REDUCE_SUM = 0,
    CALM_REDUCE_MAX = 1,
} calm_reduce_op;

// out = a (op) b, elementwise with broadcasting strides.
void calm_binary_f32(int op, int ndim, const int64_t *shape,
                     float *out, const int64_t *out_strides,
                     const float *a, const int64_t *a_strides,
                     const float *b, const int64_t *b_strides);
void calm_binary_f64(int op, int ndim, const int64_t *shape,
                     double *out, const int64_t *out_strides,
                     const double *a, const int64_t *a_strides,
                     const double *b, const int64_t *b_strides);

// out = f(x; p, q), elementwise.
void calm_unary_f32(int op, float p, float q, int ndim, const int64_t *shape,
                    float *out, const int64_t *out_strides,
                    const float *x, const int64_t *x_strides);
void calm_unary_f64(int op, double p, double q, int ndim, const int64_t *shape,
                    double *out, const int64_t *out_strides,
                    const double *x, const int64_t *x_strides);

// out (op)= x over `shape` (the input's shape); out_strides are 0 along reduced dimensions.
// The caller initializes `out` (0 for sum, -inf for max).
void calm_reduce_f32(int op, int ndim, const int64_t *shape,
                     float *out, const int64_t *out_strides,
                     const float *x, const int64_t *x_strides);
void calm_reduce_f64(int op, int ndim, const int64_t *shape,
                     double *out, const int64_t *out_strides,
                     const double *x, const int64_t *x_strides);

// out = x for elements of `element_size` bytes (1, 2, 4 or 8), any strides.
void calm_copy_strided(size_t element_size, int ndim, const int64_t *shape,
                       void *out, const int64_t *out_strides,
                       const void *x, const int64_t *x_strides);

// One AdamW update of n float32 parameters in place: p ← p·decay, then the moments m and v
// and the bias-corrected step (the formula in CalmTraining's AdamW).
void calm_adamw_f32(int64_t n, float *p, float *m, float *v, const float *g, float decay,
                    float beta1, float beta2, float step_size, float bias2_root, float eps);

#endif
