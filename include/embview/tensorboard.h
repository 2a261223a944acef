/* embview/tensorboard.h — TensorBoard's projector files without TensorFlow.
 *
 * Checkpoints: TensorFlow's V2 "tensor bundle": PREFIX.index (a LevelDB-style
 * table: footer, block handles, prefix-compressed keys with restart points,
 * a masked CRC-32C on every block) maps tensor names to BundleEntryProto
 * records (dtype, shape, shard, offset, size, CRC-32C of the bytes), and
 * PREFIX.data-SSSSS-of-NNNNN hold the bytes.  Every checksum is verified.
 * Snappy-compressed blocks (only written by TensorFlow 1.1) and partitioned
 * variables are refused with a message that says so.
 */
#ifndef EMBVIEW_TENSORBOARD_H
#define EMBVIEW_TENSORBOARD_H

#include <stdint.h>

#include "embview/error.h"
#include "embview/io.h"
#include "embview/matrix.h"
#include "embview/thumbnails.h"

#ifdef __cplusplus
extern "C" {
#endif

/* TensorFlow DataType numbers that can be read as vectors. */
enum {
  EV_TF_FLOAT = 1,
  EV_TF_DOUBLE = 2,
  EV_TF_INT32 = 3,
  EV_TF_UINT8 = 4,
  EV_TF_INT16 = 5,
  EV_TF_INT8 = 6,
  EV_TF_STRING = 7,
  EV_TF_INT64 = 9,
  EV_TF_BOOL = 10,
  EV_TF_BFLOAT16 = 14,
  EV_TF_UINT16 = 17,
  EV_TF_HALF = 19,
  EV_TF_UINT32 = 22,
  EV_TF_UINT64 = 23
};

typedef struct ev_tf_tensor {
  char *name;         /* checkpoint key, e.g. "embedding/.ATTRIBUTES/VARIABLE_VALUE" */
  int dtype;          /* TensorFlow DataType number */
  int ndim;           /* 0..8 */
  int64_t shape[8];
  int32_t shard;
  int64_t offset, size;
  uint32_t crc32c;    /* unmasked CRC-32C of the size bytes */
  int sliced;         /* a partitioned variable's full entry (no data of its own) */
} ev_tf_tensor;

typedef struct ev_tf_checkpoint {
  char *prefix;       /* path stem: PREFIX.index, PREFIX.data-00000-of-00001 */
  int num_shards;
  int big_endian;     /* tensor bytes (never the index) */
  int64_t n_tensors;  /* in key order */
  ev_tf_tensor *tensors;
} ev_tf_checkpoint;

/* Read PREFIX.index (checking every block's checksum). */
int ev_tf_checkpoint_open(const char *prefix, ev_tf_checkpoint **out, ev_error *err);
void ev_tf_checkpoint_free(ev_tf_checkpoint *c);

/* Name of a DataType number ("float32"), or "dtype N". */
const char *ev_tf_dtype_name(int dtype);

/* The tensor a projector name means: exact key; else without a ":0" suffix;
 * else with "/.ATTRIBUTES/VARIABLE_VALUE" appended (TF2 names).  NULL if none. */
const ev_tf_tensor *ev_tf_checkpoint_find(const ev_tf_checkpoint *c, const char *name);

/* Whether a tensor can serve as an embedding: numeric, 2-D, and not an
 * optimizer slot (keys with ".OPTIMIZER_SLOT"), as TensorBoard offers them. */
int ev_tf_tensor_is_embedding(const ev_tf_tensor *t);

/* A numeric tensor as float32 rows (2-D: N x D; 1-D: N x 1; more: N x the
 * product of the rest).  The bytes' CRC-32C is checked against the index;
 * a mismatch names the data file and offset. */
int ev_tf_tensor_read(const ev_tf_checkpoint *c, const ev_tf_tensor *t, ev_matrix **out, ev_error *err);

/* Write a one-shard V2 checkpoint of float32 matrices (keys as given, sorted
 * here), as TensorFlow's writer lays it out; both files atomically and as
 * one: a failure leaves the previous pair (EV_EIO naming the file). */
int ev_tf_checkpoint_write(const char *prefix, int n, const char *const *names, const ev_matrix *const *values,
                           ev_error *err);

/* ---- projector_config.pbtxt (ProjectorConfig, text format) ---- */

typedef struct ev_tb_embedding_info {
  char *tensor_name;        /* NULL when absent (every string field) */
  char *metadata_path;
  char *bookmarks_path;
  char *tensor_path;
  int n_tensor_shape;
  int64_t tensor_shape[8];
  char *sprite_image_path;
  int n_sprite_dim;
  int64_t sprite_dim[2];    /* width, height of one thumbnail */
  int line;                 /* where the block starts, for messages */
} ev_tb_embedding_info;

typedef struct ev_tb_config {
  char *model_checkpoint_path;
  char *model_checkpoint_dir;
  int n_embeddings;
  ev_tb_embedding_info *embeddings;
} ev_tb_config;

/* Parse a config's text; `source` names it in messages ("FILE:LINE:COL:").
 * Unknown fields are skipped with a note (TensorBoard would refuse the
 * file); a repeated singular field, a wrong value type or a syntax error is
 * EV_EFORMAT with the line and column. */
int ev_tb_config_parse(const char *text, size_t len, const char *source, ev_tb_config **out, ev_notes *notes,
                       ev_error *err);
int ev_tb_config_read(const char *path, ev_tb_config **out, ev_notes *notes, ev_error *err);
/* Write as TensorBoard's visualize_embeddings does (fields in number order),
 * atomically. */
int ev_tb_config_write(const char *path, const ev_tb_config *c, ev_error *err);
void ev_tb_config_free(ev_tb_config *c);

/* The `checkpoint` state file's model_checkpoint_path (as written). */
int ev_tb_checkpoint_state_read(const char *path, char **model_checkpoint_path, ev_notes *notes, ev_error *err);

/* ---- log directories ---- */

/* One embedding of a log dir, its files resolved (NULL when absent). */
typedef struct ev_tb_embedding {
  char *run;               /* "." for the log dir itself, else the sub-directory */
  char *name;              /* as TensorBoard shows it: the config's tensor_name or the key */
  char *checkpoint;        /* checkpoint prefix holding the tensor, or NULL */
  char *tensor_key;        /* key in that checkpoint */
  char *tensor_path;       /* or a TSV / raw float32 file */
  int64_t n_rows, n_cols;  /* from the checkpoint or the config (0 if unknown) */
  char *metadata_path;
  char *bookmarks_path;
  char *sprite_path;
  int64_t sprite_dim[2];
} ev_tb_embedding;

typedef struct ev_tb_logdir {
  char *path;
  int n_embeddings;
  ev_tb_embedding *embeddings;
} ev_tb_logdir;

/* Scan a log dir (and its sub-directories, TensorBoard's runs) for
 * projector configs and checkpoints, resolving paths as TensorBoard does
 * and, where TensorBoard would fail, by documented fallbacks, each noted:
 * paths written on another machine (absolute, Windows-style, relative to the
 * log dir's parent) -> the file of the same name in the config's folder or
 * its parent; a missing or stale `checkpoint` file -> the newest *.index; a
 * tensor_name matching no key -> the only 2-D float tensor, if one.  With no
 * config, every 2-D tensor (optimizer slots excepted) is an embedding.
 *
 * Scope: every file found this way (configs, `checkpoint` state files,
 * checkpoints, tensor_path, metadata, bookmarks and sprite files), after
 * symbolic links are resolved, must lie inside the log dir's parent folder.
 * A path that resolves outside is passed over for the fallbacks; when none
 * applies the scan fails with EV_EPERM naming the config, the field, the
 * path as written and where it led.  With opts->allow_outside_paths such
 * files load, each named in a note (TensorBoard's behaviour before its 2026
 * fix).  Files under /proc, /sys and /dev are refused either way, unless the
 * log dir itself lies under the same one.  `opts` may be NULL (defaults);
 * only allow_outside_paths is used. */
int ev_tb_logdir_open(const char *dir, const ev_load_options *opts, ev_tb_logdir **out, ev_notes *notes,
                      ev_error *err);
void ev_tb_logdir_free(ev_tb_logdir *l);

/* The embedding's sprite cut into its thumbnails (one per point; the
 * config's single_image_dim and the checkpoint's row count). */
int ev_tb_sprite_check(const ev_tb_embedding *e, ev_thumbnails **out, ev_error *err);

/* Vectors and metadata of one embedding. */
int ev_tb_embedding_load(const ev_tb_embedding *e, ev_dataset **out, ev_notes *notes, ev_error *err);

/* ---- bookmarks ---- */

/* A bookmarks file (formats doc §12): a JSON array of saved projector
 * states; their labels (NULL-free, "" when a state has none).  States with
 * per-point projections keep them in the file; embview reads the names. */
typedef struct ev_tb_bookmarks {
  int n;
  char **labels;
} ev_tb_bookmarks;

int ev_tb_bookmarks_read(const char *path, ev_tb_bookmarks **out, ev_error *err);
void ev_tb_bookmarks_free(ev_tb_bookmarks *b);

/* ---- export ---- */

typedef struct ev_tb_export_options {
  const char *tensor_name;   /* default "embedding" */
  int standalone;            /* the standalone projector's files instead of a log dir (default 0) */
  int force;                 /* allow a non-empty output directory (default 0) */
  int sprite;                /* 1: a sprite sheet when the vectors are images (default), 0: none */
} ev_tb_export_options;

/* A log dir, tensor "embedding", a sprite when the vectors are images, into
 * an empty or new directory. */
ev_tb_export_options ev_tb_export_options_default(void);

/* Write ds as a TensorBoard log dir (a V2 checkpoint with its `checkpoint`
 * state file, metadata.tsv, sprite.png, projector_config.pbtxt) or as the
 * standalone projector's files (tensors.bytes, metadata.tsv, sprite.png,
 * projector_config.json).  Metadata follow the projector's header rule (a
 * header row only with several columns); values that would break its parser
 * (TAB, newline, a blank single-column value) are adjusted with a note.
 * The directory is created; an existing non-empty one needs `force`.
 * All or nothing: the files are staged in a hidden folder inside `dir` and
 * moved in once all are written, so a failure (EV_EIO naming the file)
 * leaves `dir` as it was, or absent when this call would have created it. */
int ev_tb_export(const char *dir, const ev_dataset *ds, const ev_tb_export_options *o, ev_notes *notes,
                 ev_error *err);

#ifdef __cplusplus
}
#endif
#endif
