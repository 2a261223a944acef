/* readers.h — the readers as ev_dataset_load calls them: with the budget of
 * the whole load (core/budget.h) instead of a default one of their own.
 * The public functions in embview/io.h are these with a default budget.
 * Internal. */
#ifndef EV_IO_READERS_H
#define EV_IO_READERS_H

#include "core/budget.h"
#include "embview/io.h"

int ev__idx_read(const char *path, ev_matrix **out, ev_source_info *info, ev__budget *b,
                 ev_error *err);
int ev__npy_read(const char *path, ev_matrix **out, ev_source_info *info, ev__budget *b,
                 ev_error *err);
int ev__npz_read(const char *path, ev_matrix **out, ev_table **columns_out, ev_source_info *info,
                 ev__budget *b, ev_error *err);
int ev__text_tensor_read(const char *path, const ev_text_options *opts, ev_matrix **out,
                         ev_table **columns_out, ev_source_info *info, ev_notes *notes,
                         ev__budget *b, ev_error *err);
int ev__metadata_read(const char *path, int64_t n_points, ev_table **out, ev_notes *notes,
                      ev__budget *b, ev_error *err);
int ev__labels_read(const char *path, int64_t n_points, ev_table **out, ev_notes *notes,
                    ev__budget *b, ev_error *err);

#endif
