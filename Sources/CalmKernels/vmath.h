// Branch-free float32 exp, tanh and erf that the compiler vectorizes (libm's expf/tanhf/erff
// are scalar calls). exp and tanh: Cephes polynomials, about 1-2 ulp over the float range.
#ifndef CALM_VMATH_H
#define CALM_VMATH_H
#include <stdint.h>
#include <string.h>
#include "simd.h"

CALM_INLINE float calm_pow2i(int32_t n) {  // 2^n for n in [-126, 127]
    int32_t bits = (n + 127) << 23;
    float f;
    memcpy(&f, &bits, sizeof f);
    return f;
}

CALM_INLINE float calm_expf(float x) {
    // Clamp only to keep the exponent arithmetic in range: beyond it exp is inf or 0 anyway.
    x = x < -104.0f ? -104.0f : (x > 89.0f ? 89.0f : x);
    float n = __builtin_rintf(x * 1.44269504088896341f);
    float r = x - n * 0.693359375f + n * 2.12194440e-4f;  // x - n ln2, in two parts
    float p = 1.9875691500e-4f;
    p = p * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    float y = p * r * r + r + 1.0f;
    // 2^n as two factors, so both stay normal floats when n is -150 or 128.
    int32_t k = (int32_t)n, half = k >> 1;
    return y * calm_pow2i(half) * calm_pow2i(k - half);
}

CALM_INLINE float calm_tanhf(float x) {
    float a = x < 0 ? -x : x;
    // Small |x|: odd polynomial (keeps relative accuracy near 0); else 1 - 2/(e^2|x| + 1).
    float z = x * x;
    float p = -5.70498872745e-3f;
    p = p * z + 2.06390887954e-2f;
    p = p * z - 5.37397155531e-2f;
    p = p * z + 1.33314422036e-1f;
    p = p * z - 3.33332819422e-1f;
    float small = x + x * z * p;
    float large = 1.0f - 2.0f / (calm_expf(2.0f * a) + 1.0f);
    large = x < 0 ? -large : large;
    return a < 0.625f ? small : large;
}

// Abramowitz & Stegun 7.1.26: |error| < 1.5e-7 absolute, about one float ulp of 1 + erf(x),
// which is all exact GELU's 0.5 x (1 + erf(x / sqrt 2)) keeps.
CALM_INLINE float calm_erff(float x) {
    float a = x < 0 ? -x : x;
    float t = 1.0f / (1.0f + 0.3275911f * a);
    float p = 1.061405429f;
    p = p * t - 1.453152027f;
    p = p * t + 1.421413741f;
    p = p * t - 0.284496736f;
    p = p * t + 0.254829592f;
    float y = 1.0f - p * t * calm_expf(-a * a);
    return x < 0 ? -y : y;
}
#endif
