// Patch extraction for the ViT's patch embedding (a stride = kernel convolution becomes
// patches @ W^T) and the average pooling of a token grid for the thematic branch. Both
// are pure data movement plus, for pooling, a mean; the backward passes scatter back.
#ifndef NN_T
#define NN_SELF "nn_patch.c"
#include "nn_template.h"
#else

// Copies between image [B, C, H, W] and patches [B, N, C*p*p] in either direction.
static void NN_FN(nn_patch_copy)(NN_T *image, NN_T *patches, size_t batch, size_t channels,
                                 size_t height, size_t width, size_t patch, int to_patches) {
    size_t gh = height / patch, gw = width / patch, row = channels * patch * patch;
    for (size_t b = 0; b < batch; b++)
        for (size_t py = 0; py < gh; py++)
            for (size_t px = 0; px < gw; px++) {
                NN_T *dst = patches + ((b * gh + py) * gw + px) * row;
                for (size_t c = 0; c < channels; c++)
                    for (size_t ky = 0; ky < patch; ky++) {
                        NN_T *pix = image + ((b * channels + c) * height + py * patch + ky) * width
                                    + px * patch;
                        NN_T *seg = dst + (c * patch + ky) * patch;
                        if (to_patches) memcpy(seg, pix, patch * sizeof(NN_T));
                        else memcpy(pix, seg, patch * sizeof(NN_T));
                    }
            }
}

void NN_FN(calm_nn_patchify_forward)(const NN_T *image, NN_T *patches, size_t batch, size_t channels,
                                     size_t height, size_t width, size_t patch) {
    NN_FN(nn_patch_copy)((NN_T *)image, patches, batch, channels, height, width, patch, 1);
}

void NN_FN(calm_nn_patchify_backward)(const NN_T *dpatches, NN_T *dimage, size_t batch,
                                      size_t channels, size_t height, size_t width, size_t patch) {
    memset(dimage, 0, batch * channels * height * width * sizeof(NN_T));  // dropped border: 0
    NN_FN(nn_patch_copy)(dimage, (NN_T *)dpatches, batch, channels, height, width, patch, 0);
}

CALM_CLONES void NN_FN(calm_nn_token_avg_pool_forward)(const NN_T *x, NN_T *y, size_t batch,
                                                     size_t grid_h, size_t grid_w, size_t channels,
                                                     size_t kernel) {
    size_t oh = grid_h / kernel, ow = grid_w / kernel;
    NN_T inv = (NN_T)1 / (NN_T)(kernel * kernel);
    for (size_t b = 0; b < batch; b++)
        for (size_t oy = 0; oy < oh; oy++)
            for (size_t ox = 0; ox < ow; ox++) {
                NN_T *out = y + ((b * oh + oy) * ow + ox) * channels;
                memset(out, 0, channels * sizeof(NN_T));
                for (size_t ky = 0; ky < kernel; ky++)
                    for (size_t kx = 0; kx < kernel; kx++) {
                        const NN_T *tok =
                            x + ((b * grid_h + oy * kernel + ky) * grid_w + ox * kernel + kx) * channels;
                        for (size_t c = 0; c < channels; c++) out[c] += tok[c];
                    }
                for (size_t c = 0; c < channels; c++) out[c] *= inv;
            }
}

CALM_CLONES void NN_FN(calm_nn_token_avg_pool_backward)(const NN_T *dy, NN_T *dx, size_t batch,
                                                      size_t grid_h, size_t grid_w, size_t channels,
                                                      size_t kernel) {
    size_t oh = grid_h / kernel, ow = grid_w / kernel;
    NN_T inv = (NN_T)1 / (NN_T)(kernel * kernel);
    memset(dx, 0, batch * grid_h * grid_w * channels * sizeof(NN_T));  // tokens past the last window: 0
    for (size_t b = 0; b < batch; b++)
        for (size_t oy = 0; oy < oh; oy++)
            for (size_t ox = 0; ox < ow; ox++) {
                const NN_T *g = dy + ((b * oh + oy) * ow + ox) * channels;
                for (size_t ky = 0; ky < kernel; ky++)
                    for (size_t kx = 0; kx < kernel; kx++) {
                        NN_T *tok =
                            dx + ((b * grid_h + oy * kernel + ky) * grid_w + ox * kernel + kx) * channels;
                        for (size_t c = 0; c < channels; c++) tok[c] = g[c] * inv;
                    }
            }
}

#endif
