// Layer norm and RMS norm over the last axis. The forward pass saves the per-row
// statistics (mean, 1/std) so that the backward pass is one more sweep over x.
#ifndef NN_T
#define NN_SELF "nn_norm.c"
#include "nn_template.h"
#else

CALM_CLONES void NN_FN(calm_nn_layer_norm_forward)(const NN_T *x, const NN_T *weight, const NN_T *bias,
                                                 NN_T *y, NN_T *mean, NN_T *rstd, size_t rows,
                                                 size_t cols, double eps) {
    for (size_t r = 0; r < rows; r++) {
        const NN_T *xr = x + r * cols;
        NN_T *yr = y + r * cols;
        NN_T sum = 0, sq = 0;
        for (size_t j = 0; j < cols; j++) sum += xr[j];
        NN_T mu = sum / (NN_T)cols;
        for (size_t j = 0; j < cols; j++) sq += (xr[j] - mu) * (xr[j] - mu);  // two-pass: no cancellation
        NN_T rs = (NN_T)1 / sqrt(sq / (NN_T)cols + (NN_T)eps);
        mean[r] = mu;
        rstd[r] = rs;
        for (size_t j = 0; j < cols; j++) {
            NN_T v = (xr[j] - mu) * rs;
            if (weight) v *= weight[j];
            if (bias) v += bias[j];
            yr[j] = v;
        }
    }
}

// With xhat = (x - mean) * rstd and g = dy * weight:
// dx = rstd * (g - mean(g) - xhat * mean(g * xhat)), dweight = sum dy * xhat, dbias = sum dy.
CALM_CLONES void NN_FN(calm_nn_layer_norm_backward)(const NN_T *dy, const NN_T *x, const NN_T *weight,
                                                  const NN_T *mean, const NN_T *rstd, NN_T *dx,
                                                  NN_T *dweight, NN_T *dbias, size_t rows,
                                                  size_t cols) {
    if (dweight) memset(dweight, 0, cols * sizeof(NN_T));
    if (dbias) memset(dbias, 0, cols * sizeof(NN_T));
    for (size_t r = 0; r < rows; r++) {
        const NN_T *xr = x + r * cols, *dyr = dy + r * cols;
        NN_T *dxr = dx + r * cols;
        NN_T mu = mean[r], rs = rstd[r];
        NN_T g_sum = 0, gx_sum = 0;
        for (size_t j = 0; j < cols; j++) {
            NN_T g = weight ? dyr[j] * weight[j] : dyr[j];
            g_sum += g;
            gx_sum += g * (xr[j] - mu) * rs;
        }
        NN_T g_mean = g_sum / (NN_T)cols, gx_mean = gx_sum / (NN_T)cols;
        for (size_t j = 0; j < cols; j++) {
            NN_T xhat = (xr[j] - mu) * rs;
            NN_T g = weight ? dyr[j] * weight[j] : dyr[j];
            dxr[j] = rs * (g - g_mean - xhat * gx_mean);
            if (dweight) dweight[j] += dyr[j] * xhat;
            if (dbias) dbias[j] += dyr[j];
        }
    }
}

CALM_CLONES void NN_FN(calm_nn_rms_norm_forward)(const NN_T *x, const NN_T *weight, NN_T *y, NN_T *rstd,
                                               size_t rows, size_t cols, double eps) {
    for (size_t r = 0; r < rows; r++) {
        const NN_T *xr = x + r * cols;
        NN_T sq = 0;
        for (size_t j = 0; j < cols; j++) sq += xr[j] * xr[j];
        NN_T rs = (NN_T)1 / sqrt(sq / (NN_T)cols + (NN_T)eps);
        rstd[r] = rs;
        for (size_t j = 0; j < cols; j++)
            y[r * cols + j] = weight ? xr[j] * rs * weight[j] : xr[j] * rs;
    }
}

// With xhat = x * rstd and g = dy * weight: dx = rstd * (g - xhat * mean(g * xhat)).
CALM_CLONES void NN_FN(calm_nn_rms_norm_backward)(const NN_T *dy, const NN_T *x, const NN_T *weight,
                                                const NN_T *rstd, NN_T *dx, NN_T *dweight,
                                                size_t rows, size_t cols) {
    if (dweight) memset(dweight, 0, cols * sizeof(NN_T));
    for (size_t r = 0; r < rows; r++) {
        const NN_T *xr = x + r * cols, *dyr = dy + r * cols;
        NN_T rs = rstd[r], gx_sum = 0;
        for (size_t j = 0; j < cols; j++)
            gx_sum += (weight ? dyr[j] * weight[j] : dyr[j]) * xr[j] * rs;
        NN_T gx_mean = gx_sum / (NN_T)cols;
        for (size_t j = 0; j < cols; j++) {
            NN_T xhat = xr[j] * rs;
            NN_T g = weight ? dyr[j] * weight[j] : dyr[j];
            dx[r * cols + j] = rs * (g - xhat * gx_mean);
            if (dweight) dweight[j] += dyr[j] * xhat;
        }
    }
}

#endif
