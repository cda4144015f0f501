// Embedding lookup (a gather of table rows) and its backward (a scatter-add into the
// table's gradient), for int32 and int64 ids.
#ifndef NN_T
#define NN_SELF "nn_embedding.c"
#include "nn_template.h"
#else

#define NN_EMBEDDING(ID, IDS)                                                                      \
    ptrdiff_t NN_FN(calm_nn_embedding_forward_##IDS)(const ID *ids, size_t n, const NN_T *table,   \
                                                     size_t vocab, size_t dim, NN_T *out) {        \
        for (size_t i = 0; i < n; i++)                                                             \
            if (ids[i] < 0 || (uint64_t)ids[i] >= vocab) return (ptrdiff_t)i;                      \
        for (size_t i = 0; i < n; i++)                                                             \
            memcpy(out + i * dim, table + (size_t)ids[i] * dim, dim * sizeof(NN_T));               \
        return -1;                                                                                 \
    }                                                                                              \
                                                                                                   \
    CALM_CLONES ptrdiff_t NN_FN(calm_nn_embedding_backward_##IDS)(                                   \
        const ID *ids, size_t n, const NN_T *dy, size_t vocab, size_t dim, NN_T *dtable) {         \
        for (size_t i = 0; i < n; i++)                                                             \
            if (ids[i] < 0 || (uint64_t)ids[i] >= vocab) return (ptrdiff_t)i;                      \
        memset(dtable, 0, vocab * dim * sizeof(NN_T));                                             \
        for (size_t i = 0; i < n; i++) {                                                           \
            NN_T *row = dtable + (size_t)ids[i] * dim;                                             \
            const NN_T *g = dy + i * dim;                                                          \
            for (size_t j = 0; j < dim; j++) row[j] += g[j];                                       \
        }                                                                                          \
        return -1;                                                                                 \
    }

NN_EMBEDDING(int32_t, i32)
NN_EMBEDDING(int64_t, i64)
#undef NN_EMBEDDING

#endif
