#ifndef CALM_IMAGE_CODEC_SHIM_H
#define CALM_IMAGE_CODEC_SHIM_H
#include <stddef.h>
#include <stdint.h>

// Library versions, for `calm doctor`.
const char *calm_png_version(void);
int calm_jpeg_lib_version(void);
int calm_webp_decoder_version(void);

#endif
