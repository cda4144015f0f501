// PNG decoding to 8-bit RGB and encoding from it, with libpng's setjmp kept in C.
//
// Decoding rule, checked against PngSuite's reference decodes: palette, low bit depths
// and grey are expanded to 8-bit RGB; 16-bit samples keep their high byte
// (png_set_strip_16); alpha, from an alpha channel or from tRNS, is dropped, so colours
// are the stored ones, never composited; gAMA, cHRM, sRGB, iCCP and bKGD are ignored.
// It reproduces 154 of the 161 valid references exactly; the exceptions are quirks of
// the references themselves (see PngSuiteConformanceTests).
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <png.h>
#include "image_codec_shim.h"

typedef struct {
    const uint8_t *data;
    size_t size;
    size_t offset;
} png_memory_reader;

typedef struct {
    char *message;
    size_t capacity;
} png_error_sink;

static void read_from_memory(png_structp png, png_bytep destination, size_t length) {
    png_memory_reader *reader = png_get_io_ptr(png);
    if (length > reader->size - reader->offset) png_error(png, "unexpected end of file (truncated PNG)");
    memcpy(destination, reader->data + reader->offset, length);
    reader->offset += length;
}

static void on_error(png_structp png, png_const_charp message) {
    png_error_sink *sink = png_get_error_ptr(png);
    snprintf(sink->message, sink->capacity, "%s", message);
    png_longjmp(png, 1);
}

// Ancillary-chunk problems (bad CRC in a text chunk, unknown sRGB intent, ...) are not
// worth rejecting an image for; libpng already skips the offending chunk.
static void on_warning(png_structp png, png_const_charp message) { (void)png; (void)message; }

int calm_png_decode(const uint8_t *data, size_t size, calm_decoded_image *out) {
    out->pixels = NULL;
    out->width = out->height = 0;
    out->orientation = 1;
    out->error[0] = 0;
    if (size < 8 || png_sig_cmp(data, 0, 8) != 0) {
        snprintf(out->error, sizeof out->error, "not a PNG file (bad signature)");
        return -1;
    }
    png_error_sink sink = { out->error, sizeof out->error };
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &sink, on_error, on_warning);
    if (!png) {
        snprintf(out->error, sizeof out->error, "libpng could not allocate its decoder");
        return -1;
    }
    png_infop info = png_create_info_struct(png);
    png_memory_reader reader = { data, size, 0 };
    // Volatile: these change after setjmp and are read after a longjmp back to it.
    uint8_t *volatile pixels = NULL;
    png_bytep *volatile rows = NULL;
    if (!info || setjmp(png_jmpbuf(png))) {
        if (!out->error[0]) snprintf(out->error, sizeof out->error, "libpng failed");
        free(pixels);
        free(rows);
        png_destroy_read_struct(&png, info ? &info : NULL, NULL);
        return -1;
    }
    png_set_read_fn(png, &reader, read_from_memory);
    png_read_info(png, info);

    png_uint_32 width = png_get_image_width(png, info);
    png_uint_32 height = png_get_image_height(png, info);
    if ((uint64_t)width * height > (uint64_t)CALM_MAX_PIXELS) png_error(png, "image too large");
    int color_type = png_get_color_type(png, info);

    png_set_expand(png);  // palette -> RGB, grey 1/2/4 -> 8 bits, tRNS -> alpha
    png_set_strip_16(png);
    if (!(color_type & PNG_COLOR_MASK_COLOR)) png_set_gray_to_rgb(png);
    png_set_strip_alpha(png);
    png_set_interlace_handling(png);
    png_read_update_info(png, info);
    if (png_get_rowbytes(png, info) != (size_t)width * 3) png_error(png, "unexpected row layout after conversion to RGB");

    pixels = malloc((size_t)width * height * 3);
    rows = malloc(sizeof(png_bytep) * height);
    if (!pixels || !rows) png_error(png, "out of memory");
    for (png_uint_32 y = 0; y < height; y++) rows[y] = pixels + (size_t)y * width * 3;
    png_read_image(png, rows);
    png_read_end(png, NULL);

    free(rows);
    png_destroy_read_struct(&png, &info, NULL);
    out->pixels = pixels;
    out->width = (int)width;
    out->height = (int)height;
    return 0;
}

int calm_png_encode(const uint8_t *rgb, int width, int height,
                    uint8_t **out, size_t *out_size, char *error, size_t error_size) {
    *out = NULL;
    *out_size = 0;
    png_image image;
    memset(&image, 0, sizeof image);
    image.version = PNG_IMAGE_VERSION;
    image.width = (png_uint_32)width;
    image.height = (png_uint_32)height;
    image.format = PNG_FORMAT_RGB;
    // The simplified API reports errors through its return value: no setjmp needed here.
    size_t size = 0;
    if (!png_image_write_to_memory(&image, NULL, &size, 0, rgb, 0, NULL)) goto failed;
    uint8_t *buffer = malloc(size);
    if (!buffer) {
        snprintf(error, error_size, "out of memory");
        png_image_free(&image);
        return -1;
    }
    if (!png_image_write_to_memory(&image, buffer, &size, 0, rgb, 0, NULL)) {
        free(buffer);
        goto failed;
    }
    *out = buffer;
    *out_size = size;
    return 0;
failed:
    snprintf(error, error_size, "%s", image.message);
    png_image_free(&image);
    return -1;
}
