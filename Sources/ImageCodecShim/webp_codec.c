// WebP decoding to 8-bit RGB with libwebp (no longjmp there: plain return codes).
#include <stdio.h>
#include <stdlib.h>
#include <webp/decode.h>
#include "image_codec_shim.h"

int calm_webp_decode(const uint8_t *data, size_t size, calm_decoded_image *out) {
    out->pixels = NULL;
    out->width = out->height = 0;
    out->orientation = 1;
    out->error[0] = 0;
    WebPBitstreamFeatures features;
    VP8StatusCode status = WebPGetFeatures(data, size, &features);
    if (status != VP8_STATUS_OK) {
        snprintf(out->error, sizeof out->error, "invalid WebP header (libwebp status %d)", (int)status);
        return -1;
    }
    if (features.has_animation) {
        snprintf(out->error, sizeof out->error, "animated WebP is not supported");
        return -1;
    }
    if ((uint64_t)features.width * features.height > (uint64_t)CALM_MAX_PIXELS) {
        snprintf(out->error, sizeof out->error, "image too large (%dx%d)", features.width, features.height);
        return -1;
    }
    size_t stride = (size_t)features.width * 3;
    size_t bytes = stride * (size_t)features.height;
    uint8_t *pixels = malloc(bytes);
    if (!pixels) {
        snprintf(out->error, sizeof out->error, "out of memory");
        return -1;
    }
    if (!WebPDecodeRGBInto(data, size, pixels, bytes, (int)stride)) {
        free(pixels);
        snprintf(out->error, sizeof out->error, "corrupt or truncated WebP data");
        return -1;
    }
    out->pixels = pixels;
    out->width = features.width;
    out->height = features.height;
    return 0;
}
