#include <stdio.h>
#include <stdlib.h>
#include <png.h>
#include <jpeglib.h>
#include <webp/decode.h>
#include "image_codec_shim.h"

const char *calm_png_version(void) { return png_get_libpng_ver(NULL); }
int calm_jpeg_lib_version(void) { return JPEG_LIB_VERSION; }
int calm_webp_decoder_version(void) { return WebPGetDecoderVersion(); }

void calm_image_free(void *pointer) { free(pointer); }
