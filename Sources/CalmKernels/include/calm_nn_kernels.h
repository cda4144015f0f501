#ifndef CALM_NN_KERNELS_H
#define CALM_NN_KERNELS_H
// Fused neural-network kernels with their backward passes, for float (_f32) and double
// (_f64). All tensors are dense row-major. Backward kernels *write* their gradients
// (they never accumulate into them); the autodiff engine adds them up.
#include <stddef.h>
#include <stdint.h>

/// Shape and options of one scaled-dot-product attention call.
/// q: [batch, q_heads, q_len, head_dim], k: [batch, kv_heads, kv_len, head_dim],
/// v: [batch, kv_heads, kv_len, value_dim], out: [batch, q_heads, q_len, value_dim],
/// lse (saved log-sum-exp of each score row): [batch, q_heads, q_len].
/// Query head h reads KV head h / (q_heads / kv_heads) (grouped-query attention).
typedef struct {
    size_t batch, q_heads, kv_heads, q_len, kv_len, head_dim, value_dim;
    double scale;
    /// Nonzero: query i sees keys j <= i + (kv_len - q_len) (aligned bottom-right, so
    /// that a KV-cache decoding step sees the whole cache; equals PyTorch's is_causal
    /// when q_len == kv_len).
    int causal;
    /// Optional boolean mask, nonzero = may attend, rows of kv_len bytes laid out as
    /// [batch or 1, heads or 1, q_len, kv_len]; a stride of 0 broadcasts that axis.
    const uint8_t *mask;
    size_t mask_batch_stride, mask_head_stride;
} calm_nn_attention_params;

#define CALM_NN_DECLARE(T, S)                                                                    \
    /* Activations, elementwise over n values; backward takes the forward input x. */          \
    void calm_nn_gelu_erf_forward_##S(const T *x, T *y, size_t n);                               \
    void calm_nn_gelu_erf_backward_##S(const T *x, const T *dy, T *dx, size_t n);                \
    void calm_nn_gelu_tanh_forward_##S(const T *x, T *y, size_t n);                              \
    void calm_nn_gelu_tanh_backward_##S(const T *x, const T *dy, T *dx, size_t n);               \
    void calm_nn_quick_gelu_forward_##S(const T *x, T *y, size_t n);                             \
    void calm_nn_quick_gelu_backward_##S(const T *x, const T *dy, T *dx, size_t n);              \
    void calm_nn_silu_forward_##S(const T *x, T *y, size_t n);                                   \
    void calm_nn_silu_backward_##S(const T *x, const T *dy, T *dx, size_t n);                    \
                                                                                                 \
    /* Softmax / log-softmax over the last axis of [rows, cols]; backward takes the output y. */ \
    void calm_nn_softmax_forward_##S(const T *x, T *y, size_t rows, size_t cols);                \
    void calm_nn_softmax_backward_##S(const T *y, const T *dy, T *dx, size_t rows, size_t cols); \
    void calm_nn_log_softmax_forward_##S(const T *x, T *y, size_t rows, size_t cols);            \
    void calm_nn_log_softmax_backward_##S(const T *y, const T *dy, T *dx, size_t rows,           \
                                          size_t cols);                                          \
                                                                                                 \
    /* Layer norm over the last axis; weight/bias (and dweight/dbias) may be NULL.            \
       mean and rstd ([rows]) are saved for the backward pass. */                               \
    void calm_nn_layer_norm_forward_##S(const T *x, const T *weight, const T *bias, T *y,        \
                                        T *mean, T *rstd, size_t rows, size_t cols,              \
                                        double eps);                                             \
    void calm_nn_layer_norm_backward_##S(const T *dy, const T *x, const T *weight,               \
                                         const T *mean, const T *rstd, T *dx, T *dweight,        \
                                         T *dbias, size_t rows, size_t cols);                    \
    /* RMS norm (Llama): y = weight * x / sqrt(mean(x^2) + eps); weight may be NULL. */         \
    void calm_nn_rms_norm_forward_##S(const T *x, const T *weight, T *y, T *rstd, size_t rows,   \
                                      size_t cols, double eps);                                  \
    void calm_nn_rms_norm_backward_##S(const T *dy, const T *x, const T *weight,                 \
                                       const T *rstd, T *dx, T *dweight, size_t rows,            \
                                       size_t cols);                                             \
                                                                                                 \
    /* Embedding rows table[ids[i]] -> out [n, dim]. Returns -1, or the position of the      \
       first id outside [0, vocab) (nothing is written then). Backward zeroes dtable         \
       [vocab, dim] and scatter-adds dy into it. */                                             \
    ptrdiff_t calm_nn_embedding_forward_i32_##S(const int32_t *ids, size_t n, const T *table,    \
                                                size_t vocab, size_t dim, T *out);               \
    ptrdiff_t calm_nn_embedding_forward_i64_##S(const int64_t *ids, size_t n, const T *table,    \
                                                size_t vocab, size_t dim, T *out);               \
    ptrdiff_t calm_nn_embedding_backward_i32_##S(const int32_t *ids, size_t n, const T *dy,      \
                                                 size_t vocab, size_t dim, T *dtable);           \
    ptrdiff_t calm_nn_embedding_backward_i64_##S(const int64_t *ids, size_t n, const T *dy,      \
                                                 size_t vocab, size_t dim, T *dtable);           \
                                                                                                 \
    /* Rotary position embedding (HF Llama rotate_half) of x [outer, seq, inner, head_dim]:   \
       position of row s is s + position_offset, frequencies theta^(-2i/head_dim). */           \
    void calm_nn_rope_forward_##S(const T *x, T *y, size_t outer, size_t seq, size_t inner,      \
                                  size_t head_dim, double theta, size_t position_offset);        \
    void calm_nn_rope_backward_##S(const T *dy, T *dx, size_t outer, size_t seq, size_t inner,   \
                                   size_t head_dim, double theta, size_t position_offset);       \
                                                                                                 \
    /* Fused attention, softmax(scale * q k^T + mask) v, saving only lse. A row that may     \
       attend nowhere gives out = 0, lse = -inf, and zero gradients. Backward writes dq, dk,  \
       dv (shapes of q, k, v) and recomputes the probabilities from lse. Both return 0, or   \
       -1 when the scratch blocks cannot be allocated. */                                        \
    int calm_nn_attention_forward_##S(const calm_nn_attention_params *p, const T *q,             \
                                      const T *k, const T *v, T *out, T *lse);                   \
    int calm_nn_attention_backward_##S(const calm_nn_attention_params *p, const T *q,            \
                                       const T *k, const T *v, const T *out, const T *lse,       \
                                       const T *dout, T *dq, T *dk, T *dv);                      \
                                                                                                 \
    /* Cross-entropy of logits [rows, classes] against targets [rows], mean over targets     \
       != ignore_index (0 when every target is ignored). Saves lse [rows] and the number of  \
       counted rows. Returns -1, or the first row whose target is outside [0, classes). */     \
    ptrdiff_t calm_nn_cross_entropy_forward_i32_##S(const T *logits, const int32_t *targets,     \
                                                    size_t rows, size_t classes,                 \
                                                    int64_t ignore_index, T *loss, T *lse,       \
                                                    size_t *count);                              \
    ptrdiff_t calm_nn_cross_entropy_forward_i64_##S(const T *logits, const int64_t *targets,     \
                                                    size_t rows, size_t classes,                 \
                                                    int64_t ignore_index, T *loss, T *lse,       \
                                                    size_t *count);                              \
    /* dlogits = dloss / count * (softmax(logits) - onehot(target)), 0 on ignored rows. */     \
    void calm_nn_cross_entropy_backward_i32_##S(const T *logits, const int32_t *targets,         \
                                                const T *lse, size_t rows, size_t classes,       \
                                                int64_t ignore_index, size_t count, double dloss, \
                                                T *dlogits);                                     \
    void calm_nn_cross_entropy_backward_i64_##S(const T *logits, const int64_t *targets,         \
                                                const T *lse, size_t rows, size_t classes,       \
                                                int64_t ignore_index, size_t count, double dloss, \
                                                T *dlogits);                                     \
                                                                                                 \
    /* Non-overlapping patches of image [batch, channels, height, width] into                \
       [batch, (height/patch)*(width/patch), channels*patch*patch], inner order (c, ky, kx)   \
       as in Conv2d weights, so the convolution is patches @ W^T. Pixels past the last whole  \
       patch are dropped (their gradient is 0). */                                              \
    void calm_nn_patchify_forward_##S(const T *image, T *patches, size_t batch,                  \
                                      size_t channels, size_t height, size_t width,              \
                                      size_t patch);                                             \
    void calm_nn_patchify_backward_##S(const T *dpatches, T *dimage, size_t batch,               \
                                       size_t channels, size_t height, size_t width,             \
                                       size_t patch);                                            \
    /* Average pool of tokens [batch, grid_h*grid_w, channels] (a row-major grid) with a     \
       kernel x kernel window and stride = kernel, into [batch, (grid_h/kernel)*(grid_w/kernel), \
       channels]. */                                                                            \
    void calm_nn_token_avg_pool_forward_##S(const T *x, T *y, size_t batch, size_t grid_h,       \
                                            size_t grid_w, size_t channels, size_t kernel);      \
    void calm_nn_token_avg_pool_backward_##S(const T *dy, T *dx, size_t batch, size_t grid_h,    \
                                             size_t grid_w, size_t channels, size_t kernel);     \
                                                                                                 \
    /* y = keep ? x / (1 - p) : 0. The same kernel is the backward pass (on dy). */            \
    void calm_nn_dropout_##S(const T *x, const uint8_t *keep, T *y, size_t n, double p);         \
    /* y = mask ? value : x. The backward pass is this kernel on dy with value 0. */           \
    void calm_nn_masked_fill_##S(const T *x, const uint8_t *mask, T *y, size_t n, double value);

CALM_NN_DECLARE(float, f32)
CALM_NN_DECLARE(double, f64)
#undef CALM_NN_DECLARE

#endif
