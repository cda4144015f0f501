// Strided copy for any element type of 1, 2, 4 or 8 bytes: what `contiguous()`, slice
// assignment and concatenation are made of. Contiguous runs become memcpy.
#include <string.h>
#include "calm_kernels.h"
#include "strided.h"

#define COPY_WALK(T)                                                                         \
    do {                                                                                     \
        T *o = (T *)out;                                                                     \
        const T *s = (const T *)x;                                                           \
        const int64_t *strides[2] = {os, xs};                                                \
        int64_t off[2] = {0, 0}, index[CALM_MAX_DIMS] = {0};                                 \
        int64_t n = shape[ndim - 1], count = calm_outer_count(ndim, shape);                  \
        int64_t oi = os[ndim - 1], xi = xs[ndim - 1];                                        \
        for (int64_t it = 0; it < count; it++) {                                             \
            if (oi == 1 && xi == 1) memcpy(o + off[0], s + off[1], (size_t)n * sizeof(T));   \
            else for (int64_t i = 0; i < n; i++) o[off[0] + i * oi] = s[off[1] + i * xi];    \
            calm_outer_step(ndim, shape, index, 2, strides, off);                            \
        }                                                                                    \
    } while (0)

void calm_copy_strided(size_t element_size, int ndim, const int64_t *shape,
                       void *out, const int64_t *os, const void *x, const int64_t *xs) {
    if (ndim == 0) { memcpy(out, x, element_size); return; }
    switch (element_size) {
    case 1: COPY_WALK(uint8_t); break;
    case 2: COPY_WALK(uint16_t); break;
    case 4: COPY_WALK(uint32_t); break;
    case 8: COPY_WALK(uint64_t); break;
    }
}
