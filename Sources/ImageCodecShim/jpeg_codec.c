// JPEG decoding to 8-bit RGB with libjpeg-turbo, setjmp kept in C.
//
// libjpeg's default error handler calls exit(); ours longjmps back with the message.
// Warnings (a truncated file, corrupt entropy data that was noticed) are errors too:
// otherwise a truncated JPEG "decodes" with a grey lower half.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <jpeglib.h>
#include "image_codec_shim.h"

typedef struct {
    struct jpeg_error_mgr base;
    jmp_buf jump;
    char *message;
    size_t capacity;
} jpeg_error_handler;

static void on_error(j_common_ptr cinfo) {
    jpeg_error_handler *handler = (jpeg_error_handler *)cinfo->err;
    char text[JMSG_LENGTH_MAX];
    handler->base.format_message(cinfo, text);
    snprintf(handler->message, handler->capacity, "%s", text);
    longjmp(handler->jump, 1);
}

static void on_message(j_common_ptr cinfo, int level) {
    if (level < 0) on_error(cinfo);  // level -1 is a warning; higher levels are traces
}

/// Reads the EXIF orientation tag (0x0112) from an APP1 "Exif" marker; 1 when absent.
static int exif_orientation(const uint8_t *data, size_t size) {
    if (size < 14 || memcmp(data, "Exif\0\0", 6) != 0) return 1;
    const uint8_t *tiff = data + 6;
    size_t length = size - 6;
    int little = tiff[0] == 'I' && tiff[1] == 'I';
    if (!little && !(tiff[0] == 'M' && tiff[1] == 'M')) return 1;
#define U16(p) (little ? (uint32_t)(p)[0] | (uint32_t)(p)[1] << 8 : (uint32_t)(p)[0] << 8 | (uint32_t)(p)[1])
#define U32(p) (little ? U16(p) | U16((p) + 2) << 16 : U16(p) << 16 | U16((p) + 2))
    uint32_t ifd = U32(tiff + 4);
    if (ifd > length - 2 || length < 8) return 1;
    uint32_t count = U16(tiff + ifd);
    for (uint32_t i = 0; i < count; i++) {
        size_t entry = (size_t)ifd + 2 + (size_t)i * 12;
        if (entry + 12 > length) return 1;
        const uint8_t *p = tiff + entry;
        if (U16(p) == 0x0112) {
            uint32_t value = U16(p + 8);  // type SHORT, count 1: the value sits in the first 2 bytes
            return value >= 1 && value <= 8 ? (int)value : 1;
        }
    }
#undef U32
#undef U16
    return 1;
}

/// CMYK to RGB. Adobe writes inverted CMYK (255 = no ink), which almost every CMYK JPEG is.
static void cmyk_row_to_rgb(const uint8_t *cmyk, uint8_t *rgb, int width, int inverted) {
    for (int x = 0; x < width; x++) {
        int c = cmyk[4 * x], m = cmyk[4 * x + 1], y = cmyk[4 * x + 2], k = cmyk[4 * x + 3];
        if (!inverted) { c = 255 - c; m = 255 - m; y = 255 - y; k = 255 - k; }
        rgb[3 * x] = (uint8_t)((c * k + 127) / 255);
        rgb[3 * x + 1] = (uint8_t)((m * k + 127) / 255);
        rgb[3 * x + 2] = (uint8_t)((y * k + 127) / 255);
    }
}

int calm_jpeg_decode(const uint8_t *data, size_t size, int min_shorter_side, calm_decoded_image *out) {
    out->pixels = NULL;
    out->width = out->height = 0;
    out->orientation = 1;
    out->error[0] = 0;
    struct jpeg_decompress_struct cinfo;
    jpeg_error_handler handler;
    cinfo.err = jpeg_std_error(&handler.base);
    handler.base.error_exit = on_error;
    handler.base.emit_message = on_message;
    handler.message = out->error;
    handler.capacity = sizeof out->error;
    // Volatile: these change after setjmp and are read after a longjmp back to it.
    uint8_t *volatile pixels = NULL;
    uint8_t *volatile cmyk_row = NULL;
    if (setjmp(handler.jump)) {
        free(pixels);
        free(cmyk_row);
        jpeg_destroy_decompress(&cinfo);
        return -1;
    }
    jpeg_create_decompress(&cinfo);
    jpeg_mem_src(&cinfo, data, (unsigned long)size);
    jpeg_save_markers(&cinfo, JPEG_APP0 + 1, 0xffff);
    jpeg_read_header(&cinfo, TRUE);

    for (jpeg_saved_marker_ptr marker = cinfo.marker_list; marker; marker = marker->next) {
        if (marker->marker == JPEG_APP0 + 1) {
            out->orientation = exif_orientation(marker->data, marker->data_length);
            if (out->orientation != 1) break;
        }
    }
    int is_cmyk = cinfo.jpeg_color_space == JCS_CMYK || cinfo.jpeg_color_space == JCS_YCCK;
    cinfo.out_color_space = is_cmyk ? JCS_CMYK : JCS_RGB;
    if (min_shorter_side > 0) {
        unsigned shorter = cinfo.image_width < cinfo.image_height ? cinfo.image_width : cinfo.image_height;
        unsigned denominator = 8;  // scaled sides are rounded up: ceil(side / denominator)
        while (denominator > 1 && (shorter + denominator - 1) / denominator < (unsigned)min_shorter_side) denominator /= 2;
        cinfo.scale_num = 1;
        cinfo.scale_denom = denominator;
    }
    jpeg_start_decompress(&cinfo);

    size_t width = cinfo.output_width, height = cinfo.output_height;
    if ((uint64_t)width * height > (uint64_t)CALM_MAX_PIXELS) {
        snprintf(out->error, sizeof out->error, "image too large (%zux%zu)", width, height);
        longjmp(handler.jump, 1);
    }
    pixels = malloc(width * height * 3);
    if (is_cmyk) cmyk_row = malloc(width * 4);
    if (!pixels || (is_cmyk && !cmyk_row)) {
        snprintf(out->error, sizeof out->error, "out of memory");
        longjmp(handler.jump, 1);
    }
    while (cinfo.output_scanline < height) {
        uint8_t *row = pixels + (size_t)cinfo.output_scanline * width * 3;
        JSAMPROW target = is_cmyk ? cmyk_row : row;
        jpeg_read_scanlines(&cinfo, &target, 1);
        if (is_cmyk) cmyk_row_to_rgb(cmyk_row, row, (int)width, cinfo.saw_Adobe_marker);
    }
    jpeg_finish_decompress(&cinfo);
    jpeg_destroy_decompress(&cinfo);
    free(cmyk_row);
    out->pixels = pixels;
    out->width = (int)width;
    out->height = (int)height;
    return 0;
}
