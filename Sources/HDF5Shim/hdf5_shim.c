#include <stdio.h>
#include "hdf5_shim.h"

hid_t calm_h5t_native_float(void) { return H5T_NATIVE_FLOAT; }
hid_t calm_h5t_native_double(void) { return H5T_NATIVE_DOUBLE; }
hid_t calm_h5t_native_int32(void) { return H5T_NATIVE_INT32; }
hid_t calm_h5t_native_int64(void) { return H5T_NATIVE_INT64; }
hid_t calm_h5t_native_uint8(void) { return H5T_NATIVE_UINT8; }
hid_t calm_h5t_c_s1(void) { return H5T_C_S1; }
hid_t calm_h5p_dataset_create(void) { return H5P_DATASET_CREATE; }
hid_t calm_h5p_file_access(void) { return H5P_FILE_ACCESS; }
hid_t calm_h5p_file_create(void) { return H5P_FILE_CREATE; }
hid_t calm_h5p_link_create(void) { return H5P_LINK_CREATE; }
hid_t calm_h5e_default(void) { return H5E_DEFAULT; }
unsigned calm_h5f_acc_trunc(void) { return H5F_ACC_TRUNC; }
unsigned calm_h5f_acc_rdonly(void) { return H5F_ACC_RDONLY; }
unsigned calm_h5f_acc_rdwr(void) { return H5F_ACC_RDWR; }
hsize_t calm_h5s_unlimited(void) { return H5S_UNLIMITED; }
size_t calm_h5t_variable(void) { return H5T_VARIABLE; }
void calm_h5_silence_errors(void) { H5open(); H5Eset_auto2(H5E_DEFAULT, NULL, NULL); }

typedef struct { char outer[256]; char inner[256]; int count; } calm_error_sink;

// Walking upward visits the innermost (root-cause) entry first and the API call last.
static herr_t calm_collect_error(unsigned n, const H5E_error2_t *entry, void *data) {
    calm_error_sink *sink = (calm_error_sink *)data;
    const char *desc = entry->desc ? entry->desc : "";
    if (n == 0) snprintf(sink->inner, sizeof sink->inner, "%s", desc);
    snprintf(sink->outer, sizeof sink->outer, "%s", desc);
    sink->count++;
    return 0;
}

int calm_h5_take_error(char *buffer, size_t size) {
    calm_error_sink sink = { {0}, {0}, 0 };
    if (size == 0) return 0;
    buffer[0] = 0;
    H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, calm_collect_error, &sink);
    H5Eclear2(H5E_DEFAULT);
    if (sink.count == 0) return 0;
    if (sink.count == 1) snprintf(buffer, size, "%s", sink.outer);
    else snprintf(buffer, size, "%s: %s", sink.outer, sink.inner);
    return 1;
}
