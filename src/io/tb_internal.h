/* tb_internal.h — TensorBoard pieces shared inside io/.  Internal. */
#ifndef EV_IO_TB_INTERNAL_H
#define EV_IO_TB_INTERNAL_H

#include <stdint.h>

#include "core/budget.h"
#include "embview/io.h"
#include "embview/tensorboard.h"

/* A projector tensor file (tensor_path / tensorPath): TSV text, or raw
 * little-endian float32, which needs n_cols (from tensor_shape).  binary:
 * 1 = raw float32, 0 = decide as TensorBoard does (raw when not UTF-8). */
int ev__tb_tensor_file_read(const char *path, int64_t n_cols, int binary, ev_matrix **out, ev_source_info *info,
                            ev_notes *notes, ev__budget *b, ev_error *err);

/* The standalone projector's JSON config; `tensor` picks by tensorName. */
int ev__tb_standalone_load(const char *path, const char *tensor, ev_dataset **out, ev_notes *notes, ev__budget *b,
                           ev_error *err);

/* ev_dataset_load's TensorBoard branch: a log dir, a projector_config.pbtxt
 * (its folder) or a checkpoint (PREFIX.index); `tensor` picks the embedding. */
int ev__tb_load(const char *path, const char *tensor, ev_dataset **out, ev_notes *notes, ev__budget *b,
                ev_error *err);

/* ev_tb_embedding_load, ev_tf_checkpoint_open and ev_tf_tensor_read with the
 * budget of a load (core/budget.h). */
int ev__tb_embedding_load(const ev_tb_embedding *e, ev_dataset **out, ev_notes *notes, ev__budget *b,
                          ev_error *err);
int ev__tf_checkpoint_open(const char *prefix, ev_tf_checkpoint **out, ev__budget *b, ev_error *err);
int ev__tf_tensor_read(const ev_tf_checkpoint *c, const ev_tf_tensor *t, ev_matrix **out, ev__budget *b,
                       ev_error *err);

#endif
