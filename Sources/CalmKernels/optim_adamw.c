// AdamW's update of one float32 parameter, in one pass over p, m, v and g. Operations run in
// the order of the formula in CalmTraining's AdamW, and contraction into FMA is off, so every
// dispatched instruction set rounds alike.
#include "calm_kernels.h"
#include "simd.h"

#pragma STDC FP_CONTRACT OFF

CALM_CLONES void calm_adamw_f32(int64_t n, float *restrict p, float *restrict m, float *restrict v,
                                const float *restrict g, float decay, float beta1, float beta2,
                                float step_size, float bias2_root, float eps) {
    for (int64_t i = 0; i < n; i++) {
        float pi = p[i] * decay, gi = g[i];
        float mi = m[i] + (1 - beta1) * (gi - m[i]);
        float vi = beta2 * v[i] + (1 - beta2) * gi * gi;
        m[i] = mi;
        v[i] = vi;
        p[i] = pi - step_size * (mi / (__builtin_sqrtf(vi) / bias2_root + eps));
    }
}
