#ifndef CALM_KERNELS_H
#define CALM_KERNELS_H
#include <stddef.h>
#include <stdint.h>

// Which instruction set the run-time dispatched kernels use on this CPU:
// "avx512f", "avx2" or "baseline".
const char *calm_kernels_isa(void);

#endif
