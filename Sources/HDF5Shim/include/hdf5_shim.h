#ifndef CALM_HDF5_SHIM_H
#define CALM_HDF5_SHIM_H
#include <hdf5.h>

// HDF5's "constants" are call-expression macros that Swift cannot import; these return them.
hid_t calm_h5t_native_float(void);
hid_t calm_h5t_native_double(void);
hid_t calm_h5t_native_int32(void);
hid_t calm_h5t_native_int64(void);
hid_t calm_h5t_native_uint8(void);
hid_t calm_h5t_c_s1(void);
hid_t calm_h5p_dataset_create(void);
hid_t calm_h5p_file_access(void);
hid_t calm_h5p_file_create(void);
hid_t calm_h5p_link_create(void);
hid_t calm_h5e_default(void);
unsigned calm_h5f_acc_trunc(void);
unsigned calm_h5f_acc_rdonly(void);
unsigned calm_h5f_acc_rdwr(void);
hsize_t calm_h5s_unlimited(void);
size_t calm_h5t_variable(void);
// Silences HDF5's own error printing; every call's status is checked instead.
void calm_h5_silence_errors(void);
// Writes "<API-level description>: <root-cause description>" from this thread's HDF5 error
// stack into `buffer` and clears the stack; returns 0 when the stack was empty.
int calm_h5_take_error(char *buffer, size_t size);

#endif
