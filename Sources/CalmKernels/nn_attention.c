// Scaled-dot-product attention, FlashAttention-2 style on the CPU: queries and keys are
// walked in blocks, block products go to BLAS, and the softmax is computed online (a
// running max and sum per query row), so the [q_len, kv_len] probability matrix never
// exists in memory. The forward pass saves one log-sum-exp per query row; the backward
// pass rebuilds each probability block from it.
#ifndef NN_T
#define NN_SELF "nn_attention.c"
#include <stdlib.h>
#include "nn_template.h"
#else

#ifndef NN_ATTENTION_BLOCK
#define NN_ATTENTION_BLOCK 96  // at most this many rows of Q and of K per block (score buffers' stride)
#endif

// Rows per block for a sequence of n: blocks as even as possible, so that 65 tokens make one
// block rather than 64 + 1 (each block costs a few BLAS calls, and a sliver block costs as many).
static size_t NN_FN(nn_attention_block)(size_t n) {
    size_t blocks = (n + NN_ATTENTION_BLOCK - 1) / NN_ATTENTION_BLOCK;
    return blocks == 0 ? 1 : (n + blocks - 1) / blocks;
}

// Scaled scores of one block, S = scale * Q_blk K_blk^T, with the causal limit and the
// boolean mask applied as -inf. Rows are NN_ATTENTION_BLOCK apart.
static void NN_FN(nn_attention_scores)(const calm_nn_attention_params *p, const NN_T *qb,
                                       const NN_T *kb, size_t b, size_t h, size_t q0, size_t nq,
                                       size_t k0, size_t nk, NN_T *s) {
    const size_t ld = NN_ATTENTION_BLOCK;
    NN_GEMM(CblasRowMajor, CblasNoTrans, CblasTrans, (int)nq, (int)nk, (int)p->head_dim,
            (NN_T)p->scale, qb, (int)p->head_dim, kb, (int)p->head_dim, 0, s, (int)ld);
    for (size_t i = 0; i < nq; i++) {
        NN_T *row = s + i * ld;
        if (p->causal) {
            // Query q0+i sees keys up to q0+i + kv_len - q_len (may be negative: none).
            ptrdiff_t last = (ptrdiff_t)(q0 + i + p->kv_len) - (ptrdiff_t)p->q_len - (ptrdiff_t)k0;
            for (size_t j = last < 0 ? 0 : (size_t)last + 1; j < nk; j++) row[j] = -INFINITY;
        }
        if (p->mask) {
            const uint8_t *m = p->mask + b * p->mask_batch_stride + h * p->mask_head_stride
                               + (q0 + i) * p->kv_len + k0;
            for (size_t j = 0; j < nk; j++) row[j] = m[j] ? row[j] : -INFINITY;
        }
    }
}

// Number of key blocks query block [q0, q0+nq) can see under the causal limit.
static size_t NN_FN(nn_attention_key_end)(const calm_nn_attention_params *p, size_t q0, size_t nq) {
    if (!p->causal) return p->kv_len;
    ptrdiff_t end = (ptrdiff_t)(q0 + nq + p->kv_len) - (ptrdiff_t)p->q_len;
    return end < 0 ? 0 : (size_t)end < p->kv_len ? (size_t)end : p->kv_len;
}

CALM_CLONES int NN_FN(calm_nn_attention_forward)(const calm_nn_attention_params *p, const NN_T *q,
                                               const NN_T *k, const NN_T *v, NN_T *out, NN_T *lse) {
    const size_t B = NN_ATTENTION_BLOCK, D = p->head_dim, Dv = p->value_dim;
    const size_t QB = NN_FN(nn_attention_block)(p->q_len), KB = NN_FN(nn_attention_block)(p->kv_len);
    const size_t group = p->q_heads / p->kv_heads;
    NN_T *s = malloc(sizeof(NN_T) * (B * B + B * Dv + 2 * B));
    if (!s) return -1;
    NN_T *acc = s + B * B, *row_max = acc + B * Dv, *row_sum = row_max + B;

    for (size_t b = 0; b < p->batch; b++)
        for (size_t h = 0; h < p->q_heads; h++) {
            size_t kvh = b * p->kv_heads + h / group, qh = b * p->q_heads + h;
            const NN_T *K = k + kvh * p->kv_len * D, *V = v + kvh * p->kv_len * Dv;
            for (size_t q0 = 0; q0 < p->q_len; q0 += QB) {
                size_t nq = p->q_len - q0 < QB ? p->q_len - q0 : QB;
                const NN_T *Q = q + (qh * p->q_len + q0) * D;
                size_t key_end = NN_FN(nn_attention_key_end)(p, q0, nq);
                memset(acc, 0, sizeof(NN_T) * nq * Dv);
                for (size_t i = 0; i < nq; i++) row_max[i] = -INFINITY, row_sum[i] = 0;

                for (size_t k0 = 0; k0 < key_end; k0 += KB) {
                    size_t nk = key_end - k0 < KB ? key_end - k0 : KB;
                    NN_FN(nn_attention_scores)(p, Q, K + k0 * D, b, h, q0, nq, k0, nk, s);
                    for (size_t i = 0; i < nq; i++) {
                        NN_T *row = s + i * B, m = row_max[i], sum = 0;
                        for (size_t j = 0; j < nk; j++) m = fmax(m, row[j]);
                        if (m == -INFINITY) {  // nothing visible yet, unless NaN scores hide
                            int has_nan = 0;   // behind fmax: those must reach the output
                            for (size_t j = 0; j < nk; j++) has_nan |= isnan(row[j]);
                            if (!has_nan) {
                                memset(row, 0, sizeof(NN_T) * nk);
                                continue;
                            }
                            m = NAN;
                        }
                        for (size_t j = 0; j < nk; j++) {
                            row[j] = NN_EXP(row[j] - m);
                            sum += row[j];
                        }
                        // Rescale what was accumulated under the previous, smaller max.
                        NN_T alpha = NN_EXP(row_max[i] - m);
                        for (size_t c = 0; c < Dv; c++) acc[i * Dv + c] *= alpha;
                        row_sum[i] = row_sum[i] * alpha + sum;
                        row_max[i] = m;
                    }
                    NN_GEMM(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)nq, (int)Dv, (int)nk, 1,
                            s, (int)B, V + k0 * Dv, (int)Dv, 1, acc, (int)Dv);
                }
                for (size_t i = 0; i < nq; i++) {
                    NN_T inv = row_sum[i] == 0 ? 0 : (NN_T)1 / row_sum[i];  // NaN stays NaN
                    NN_T *o = out + (qh * p->q_len + q0 + i) * Dv;
                    for (size_t c = 0; c < Dv; c++) o[c] = acc[i * Dv + c] * inv;
                    lse[qh * p->q_len + q0 + i] =
                        row_sum[i] == 0 ? -INFINITY : row_max[i] + log(row_sum[i]);
                }
            }
        }
    free(s);
    return 0;
}

// With P = exp(S - lse) and delta_i = <dO_i, O_i>:
// dV = P^T dO, dS = P * (dO V^T - delta) * scale, dQ = dS K, dK = dS^T Q.
CALM_CLONES int NN_FN(calm_nn_attention_backward)(const calm_nn_attention_params *p, const NN_T *q,
                                                const NN_T *k, const NN_T *v, const NN_T *out,
                                                const NN_T *lse, const NN_T *dout, NN_T *dq,
                                                NN_T *dk, NN_T *dv) {
    const size_t B = NN_ATTENTION_BLOCK, D = p->head_dim, Dv = p->value_dim;
    const size_t QB = NN_FN(nn_attention_block)(p->q_len), KB = NN_FN(nn_attention_block)(p->kv_len);
    const size_t group = p->q_heads / p->kv_heads;
    NN_T *s = malloc(sizeof(NN_T) * (2 * B * B + B));
    if (!s) return -1;
    NN_T *dp = s + B * B, *delta = dp + B * B;
    const NN_T scale = (NN_T)p->scale;
    memset(dq, 0, sizeof(NN_T) * p->batch * p->q_heads * p->q_len * D);
    memset(dk, 0, sizeof(NN_T) * p->batch * p->kv_heads * p->kv_len * D);
    memset(dv, 0, sizeof(NN_T) * p->batch * p->kv_heads * p->kv_len * Dv);

    for (size_t b = 0; b < p->batch; b++)
        for (size_t h = 0; h < p->q_heads; h++) {
            size_t kvh = b * p->kv_heads + h / group, qh = b * p->q_heads + h;
            const NN_T *K = k + kvh * p->kv_len * D, *V = v + kvh * p->kv_len * Dv;
            NN_T *dK = dk + kvh * p->kv_len * D, *dV = dv + kvh * p->kv_len * Dv;
            for (size_t q0 = 0; q0 < p->q_len; q0 += QB) {
                size_t nq = p->q_len - q0 < QB ? p->q_len - q0 : QB;
                size_t row0 = qh * p->q_len + q0;
                const NN_T *Q = q + row0 * D, *dO = dout + row0 * Dv, *L = lse + row0;
                NN_T *dQ = dq + row0 * D;
                for (size_t i = 0; i < nq; i++) {
                    NN_T d = 0;
                    for (size_t c = 0; c < Dv; c++) d += dO[i * Dv + c] * out[(row0 + i) * Dv + c];
                    delta[i] = d;
                }
                size_t key_end = NN_FN(nn_attention_key_end)(p, q0, nq);
                for (size_t k0 = 0; k0 < key_end; k0 += KB) {
                    size_t nk = key_end - k0 < KB ? key_end - k0 : KB;
                    NN_FN(nn_attention_scores)(p, Q, K + k0 * D, b, h, q0, nq, k0, nk, s);
                    for (size_t i = 0; i < nq; i++) {
                        NN_T *row = s + i * B;
                        if (L[i] == -INFINITY) memset(row, 0, sizeof(NN_T) * nk);
                        else for (size_t j = 0; j < nk; j++) row[j] = NN_EXP(row[j] - L[i]);
                    }
                    NN_GEMM(CblasRowMajor, CblasTrans, CblasNoTrans, (int)nk, (int)Dv, (int)nq, 1, s,
                            (int)B, dO, (int)Dv, 1, dV + k0 * Dv, (int)Dv);
                    NN_GEMM(CblasRowMajor, CblasNoTrans, CblasTrans, (int)nq, (int)nk, (int)Dv, 1, dO,
                            (int)Dv, V + k0 * Dv, (int)Dv, 0, dp, (int)B);
                    for (size_t i = 0; i < nq; i++) {
                        NN_T *ds = s + i * B, d = delta[i];
                        const NN_T *dpi = dp + i * B;
                        for (size_t j = 0; j < nk; j++) ds[j] *= (dpi[j] - d) * scale;
                    }
                    NN_GEMM(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)nq, (int)D, (int)nk, 1, s,
                            (int)B, K + k0 * D, (int)D, 1, dQ, (int)D);
                    NN_GEMM(CblasRowMajor, CblasTrans, CblasNoTrans, (int)nk, (int)D, (int)nq, 1, s,
                            (int)B, Q, (int)D, 1, dK + k0 * D, (int)D);
                }
            }
        }
    free(s);
    return 0;
}

#endif
