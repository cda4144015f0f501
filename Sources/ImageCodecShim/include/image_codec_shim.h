#ifndef CALM_IMAGE_CODEC_SHIM_H
#define CALM_IMAGE_CODEC_SHIM_H
#include <stddef.h>
#include <stdint.h>

// Library versions, for `calm doctor`.
const char *calm_png_version(void);
int calm_jpeg_lib_version(void);
int calm_webp_decoder_version(void);

// The codecs report errors by longjmp (libpng, libjpeg), which Swift cannot survive;
// every setjmp lives in this shim and surfaces as a return code plus a message.

/// A decoded image: 8-bit RGB, interleaved, rows packed. `pixels` is malloc'ed and owned
/// by the caller (free with calm_image_free). `error` holds a message when decoding fails.
typedef struct {
    uint8_t *pixels;
    int width;
    int height;
    /// EXIF orientation (1-8) found in a JPEG's APP1 marker; 1 when absent or not a JPEG.
    int orientation;
    char error[256];
} calm_decoded_image;

/// Largest accepted image, in pixels: guards against absurd headers exhausting memory.
#define CALM_MAX_PIXELS (1L << 28)

/// Each returns 0 on success, -1 on failure with `out->error` set and `out->pixels` NULL.
int calm_png_decode(const uint8_t *data, size_t size, calm_decoded_image *out);
/// `min_shorter_side` > 0 lets libjpeg decode at 1/2, 1/4 or 1/8 scale (its DCT scaling,
/// much faster) as long as the shorter side stays at least that long; 0 decodes full size.
int calm_jpeg_decode(const uint8_t *data, size_t size, int min_shorter_side, calm_decoded_image *out);
int calm_webp_decode(const uint8_t *data, size_t size, calm_decoded_image *out);

/// Encodes packed 8-bit RGB as PNG into a malloc'ed buffer (`*out`, `*out_size`).
/// Returns 0 on success, -1 with `error` set.
int calm_png_encode(const uint8_t *rgb, int width, int height,
                    uint8_t **out, size_t *out_size, char *error, size_t error_size);

void calm_image_free(void *pointer);

#endif
