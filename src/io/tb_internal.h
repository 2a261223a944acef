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

/* The standalone projector's JSON config; opts->tensor picks by tensorName. */
int ev__tb_standalone_load(const char *path, const ev_load_options *opts, ev_dataset **out, ev_notes *notes,
                           ev__budget *b, ev_error *err);

/* ev_dataset_load's TensorBoard branch: a log dir, a projector_config.pbtxt
 * (its folder) or a checkpoint (PREFIX.index); opts->tensor picks the
 * embedding, opts->allow_outside_paths widens the scope below. */
int ev__tb_load(const char *path, const ev_load_options *opts, ev_dataset **out, ev_notes *notes, ev__budget *b,
                ev_error *err);

/* The folder every file named inside a log dir or config must resolve into
 * (tb_paths.c explains the rule): the real path of the log dir's parent. */
typedef struct ev__tb_scope {
  char *root;          /* resolved, absolute; "/" when the log dir is at the top */
  const char *label;   /* "the log dir" or "the config's folder", for messages */
  int allow_outside;   /* outside files load, each with a note (never /proc, /sys, /dev) */
  ev_notes *notes;
} ev__tb_scope;

/* `dir` is the log dir (or the standalone config's folder); `label` says
 * which in messages ("the log dir"; static). */
int ev__tb_scope_init(ev__tb_scope *s, const char *dir, const char *label, int allow_outside, ev_notes *notes,
                      ev_error *err);
void ev__tb_scope_free(ev__tb_scope *s);
/* May the existing file `path` be read?  `what` names where it was named for
 * messages, e.g. "logs/projector_config.pbtxt: metadata_path '/etc/passwd'".
 * EV_OK (with a note when outside and allowed) or EV_EPERM naming `what`,
 * the real path, the scope and the option. */
int ev__tb_scope_check(const ev__tb_scope *s, const char *path, const char *what, ev_error *err);


/* ev_tb_embedding_load, ev_tf_checkpoint_open and ev_tf_tensor_read with the
 * budget of a load (core/budget.h). */
int ev__tb_embedding_load(const ev_tb_embedding *e, ev_dataset **out, ev_notes *notes, ev__budget *b,
                          ev_error *err);
int ev__tf_checkpoint_open(const char *prefix, ev_tf_checkpoint **out, ev__budget *b, ev_error *err);
int ev__tf_tensor_read(const ev_tf_checkpoint *c, const ev_tf_tensor *t, ev_matrix **out, ev__budget *b,
                       ev_error *err);

#endif
