// Rotary position embedding, HF Llama convention: the head dimension splits into halves
// (x1, x2) and pair i rotates by angle pos * theta^(-2i/d):
//   y1 = x1 cos - x2 sin,  y2 = x2 cos + x1 sin.
// The rotation is orthogonal, so the backward pass is the same rotation by -angle.
#ifndef NN_T
#define NN_SELF "nn_rope.c"
#include "nn_template.h"
#else

// Rotates every head_dim vector of x [outer, seq, inner, head_dim] by sign * angle.
CALM_CLONES static void NN_FN(nn_rope_rotate)(const NN_T *x, NN_T *y, size_t outer, size_t seq,
                                            size_t inner, size_t head_dim, double theta,
                                            size_t position_offset, NN_T sign) {
    size_t half = head_dim / 2;
    NN_T cos_t[half ? half : 1], sin_t[half ? half : 1];
    for (size_t s = 0; s < seq; s++) {
        // Angles in double: positions in the thousands times float frequencies lose digits.
        double pos = (double)(s + position_offset);
        for (size_t i = 0; i < half; i++) {
            double angle = pos * pow(theta, -(double)(2 * i) / (double)head_dim);
            cos_t[i] = (NN_T)cos(angle);
            sin_t[i] = sign * (NN_T)sin(angle);
        }
        for (size_t o = 0; o < outer; o++)
            for (size_t h = 0; h < inner; h++) {
                size_t base = ((o * seq + s) * inner + h) * head_dim;
                const NN_T *x1 = x + base, *x2 = x + base + half;
                NN_T *y1 = y + base, *y2 = y + base + half;
                for (size_t i = 0; i < half; i++) {
                    NN_T a = x1[i], b = x2[i];
                    y1[i] = a * cos_t[i] - b * sin_t[i];
                    y2[i] = b * cos_t[i] + a * sin_t[i];
                }
            }
    }
}

void NN_FN(calm_nn_rope_forward)(const NN_T *x, NN_T *y, size_t outer, size_t seq, size_t inner,
                                 size_t head_dim, double theta, size_t position_offset) {
    NN_FN(nn_rope_rotate)(x, y, outer, seq, inner, head_dim, theta, position_offset, 1);
}

void NN_FN(calm_nn_rope_backward)(const NN_T *dy, NN_T *dx, size_t outer, size_t seq, size_t inner,
                                  size_t head_dim, double theta, size_t position_offset) {
    NN_FN(nn_rope_rotate)(dy, dx, outer, seq, inner, head_dim, theta, position_offset, -1);
}

#endif
