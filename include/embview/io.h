/* embview/io.h — reading vectors and metadata, writing results.
 *
 * Readers return a float32 ev_matrix (or an ev_table) or an error; on corrupt
 * or hostile input none of them crashes, hangs, or allocates more than the
 * file can justify: header sizes are checked against the file size (or, for
 * gzip, memory grows only as decompressed data actually arrives).
 *
 * Limits.  Every reader takes time linear in its input and memory bounded
 * by a multiple of it, S below: the file's size, or for gzip and deflate
 * input the decompressed size (which itself counts against the cap below).
 * Worst cases, plus a few MiB for small files; measured in
 * bench/RESULTS.md ("Hostile reader inputs"):
 *   IDX           5 x S: the data, then the float32 matrix (4 x for uint8).
 *   NPY           4 x S for the matrix; little-endian float32 is mapped, 0.
 *   NPZ           5 x the matrix member's uncompressed size (its data while
 *                 converted; deflated float32 inflates straight into the
 *                 matrix, 1 x), 8 x each 1-D member's (its values' text and
 *                 a 4-byte row index).  Only the members used are inflated,
 *                 each once: entries that share bytes are refused.
 *   TSV/CSV       3 x S for numbers (the text, then the matrix); text
 *                 columns add at most 5 x their cells' bytes and about 130
 *                 bytes per column (a million one-letter columns: 25 x S).
 *   metadata TSV  S plus the same per cell and column as text columns (at
 *                 most 4,096 columns: under 1 MiB of them).
 *   checkpoint    the .index plus at most 40 x its size for the tensor list
 *                 and 32 x for the names (refused beyond that); a tensor's
 *                 bytes plus its matrix (float32: the matrix alone).
 * On top of that, the bytes a load allocates or inflates are charged
 * before each large allocation against an absolute cap,
 * ev_load_options.max_memory (default: half the physical memory, at least
 * 1 GiB; the CLI's --max-memory): beyond it the load fails with EV_ERANGE
 * naming the file, what it was allocating, the sizes and that option.  The
 * single-format readers (ev_npy_read and the others) use the default cap.
 *
 * Formats
 *   IDX   the MNIST format, raw or .gz: big-endian header (0, 0, type, ndim,
 *         ndim uint32 sizes), then the values.  Types ubyte, byte, short, int,
 *         float, double.  N x H x W images become N x (H*W) rows with the image
 *         shape recorded; 1-D files are label files.
 *   NPY   versions 1, 2, 3; dtypes f2 f4 f8 i1 i2 i4 i8 u1 u2 u4 u8 b1, either
 *         byte order, C or Fortran order.  N x ... arrays become N x (product)
 *         rows.  Little-endian float32 C-order files are memory-mapped.
 *   NPZ   a zip of .npy members (stored or deflated, zip64 aware) holding one
 *         array of 2 or more dimensions plus optional 1-D arrays of length N,
 *         which become metadata columns named after the member.
 *   TSV/CSV  one point per line.  TSV is TensorBoard's tensors.tsv (TAB
 *         separated, no header); CSV is comma separated.  A first row with a
 *         non-numeric field is a header; with a header, non-numeric columns
 *         become metadata and numeric columns the vectors.  What was detected
 *         is reported in ev_source_info.detail.
 *   metadata TSV  TensorBoard's rules (see ev_metadata_read).
 *
 * Writers write to a temporary file in the target's folder and rename it into
 * place, so a reader never sees a half-written file and a failed write leaves
 * any previous file untouched.
 */
#ifndef EMBVIEW_IO_H
#define EMBVIEW_IO_H

#include <stdint.h>
#include <stdio.h>

#include "embview/error.h"
#include "embview/matrix.h"
#include "embview/output.h"
#include "embview/table.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum ev_format {
  EV_FORMAT_AUTO = 0,
  EV_FORMAT_IDX,
  EV_FORMAT_NPY,
  EV_FORMAT_NPZ,
  EV_FORMAT_TSV,
  EV_FORMAT_CSV,
  EV_FORMAT_TENSORBOARD  /* a projector log dir, its projector_config.pbtxt, or a checkpoint's .index */
} ev_format;

const char *ev_format_name(ev_format f);
/* "idx" | "npy" | "npz" | "tsv" | "csv" | "auto"; -1 if unknown. */
int ev_format_parse(const char *name);

/* What a reader learnt about its source, for `embview info` and messages. */
typedef struct ev_source_info {
  ev_format format;
  char dtype[24];       /* element type in the file: "uint8", "float32", ... */
  char detail[200];     /* e.g. "gzip", "big-endian, Fortran order", "CSV, header row" */
  int ndim;             /* shape as stored in the file (up to 8 dims) */
  int64_t shape[8];
  int mapped;           /* 1 when the matrix is a memory map of the file */
} ev_source_info;

/* Sniff the format from the first bytes (magic numbers, gzip content) and,
 * for text, the extension and first line.  EV_FORMAT_AUTO is never returned
 * on success. */
int ev_format_detect(const char *path, ev_format *out, ev_error *err);

/* Matrix readers.  `info` may be NULL. */
int ev_idx_read(const char *path, ev_matrix **out, ev_source_info *info, ev_error *err);
int ev_npy_read(const char *path, ev_matrix **out, ev_source_info *info, ev_error *err);
/* `columns_out` (may be NULL) receives the 1-D members as a table, or NULL
 * when there are none. */
int ev_npz_read(const char *path, ev_matrix **out, ev_table **columns_out,
                ev_source_info *info, ev_error *err);

typedef struct ev_text_options {
  char delimiter;   /* '\t', ',' or 0 = detect from the first line (default) */
  int header;       /* 1 yes, 0 no, -1 = detect: a non-numeric field in row 1 (default) */
} ev_text_options;

/* Detect both the delimiter and the header row.  Start from this: the zero
 * struct means "no header row", not "detect". */
ev_text_options ev_text_options_default(void);

/* TSV/CSV tensors.  `opts` may be NULL (the defaults: detect everything).
 * `columns_out` (may be NULL) receives non-numeric columns of a file with a
 * header row as a table, or NULL when there are none. */
int ev_text_tensor_read(const char *path, const ev_text_options *opts, ev_matrix **out,
                        ev_table **columns_out, ev_source_info *info, ev_notes *notes,
                        ev_error *err);

/* Metadata TSV, following TensorBoard's projector parser: split on "\n" only
 * (a "\r" stays in the last field), skip lines that JavaScript trim() leaves
 * empty (U+0085 is NOT blank), a first line with a TAB is the header, one
 * column without TAB is named "label".  n_points >= 0 checks the row count:
 * a one-column file with exactly n_points + 1 rows whose first row is not a
 * value of the rest is read as a header (with a note); any other mismatch is
 * EV_EMISMATCH naming both counts.  n_points < 0 skips the check. */
int ev_metadata_read(const char *path, int64_t n_points, ev_table **out, ev_notes *notes,
                     ev_error *err);

/* A labels file: an IDX or NPY 1-D array (one column named "label"), or a
 * text file read with the metadata rules above (one column named "label"
 * unless it has a header; a file with several columns gives them all). */
int ev_labels_read(const char *path, int64_t n_points, ev_table **out, ev_notes *notes,
                   ev_error *err);

/* Writers (atomic: temporary file + rename). */
int ev_npy_write(const char *path, const ev_matrix *m, ev_error *err);
int ev_tsv_write(const char *path, const ev_matrix *m, ev_error *err);
/* Header row of column names, then one row per point; missing cells empty. */
int ev_table_write_tsv(const char *path, const ev_table *t, ev_error *err);

/* 1 when both paths name the same existing file (same device and inode). */
int ev_same_file(const char *a, const char *b);

/* A loaded input: vectors, optional metadata, and where they came from. */
typedef struct ev_dataset {
  ev_matrix *x;            /* the vectors */
  ev_table *meta;          /* NULL when there is no metadata */
  struct ev_thumbnails *thumbs; /* per-point images from a sprite (log dirs), or NULL */
  ev_source_info source;   /* what the vectors' reader reported */
  char *path;              /* the input path as given */
} ev_dataset;

typedef struct ev_load_options {
  ev_format format;            /* EV_FORMAT_AUTO to detect */
  const char *metadata_path;   /* metadata TSV, or NULL */
  const char *labels_path;     /* labels file (IDX, NPY, text), or NULL */
  ev_text_options text;        /* for TSV/CSV inputs */
  const char *tensor;          /* log dirs and checkpoints: which embedding (its name, checkpoint
                                  key, or RUN/name); NULL = the first */
  uint64_t max_memory;         /* bytes the readers may allocate or inflate for this load, all
                                  files together (EV_ERANGE beyond, naming this option);
                                  0 = half the physical memory, at least 1 GiB */
  int allow_outside_paths;     /* 1: files a log dir or standalone config names may lie outside
                                  the log dir's parent folder (each gets a note); 0 (default):
                                  EV_EPERM.  /proc, /sys, /dev stay refused (tensorboard.h) */
} ev_load_options;

/* Detect the format, delimiter and header row; no extra files; the default
 * memory cap; no files outside a log dir's folder. */
ev_load_options ev_load_options_default(void);

/* Read vectors and attach metadata: the reader's own columns (NPZ 1-D arrays,
 * CSV text columns, a log dir's metadata file), then the metadata file's,
 * then the labels file's.  A directory, a .pbtxt or a checkpoint's .index is
 * read as TensorBoard projector files (embview/tensorboard.h), whose
 * configs may only name files inside the log dir's parent folder unless
 * opts->allow_outside_paths; the paths in opts are not restricted.
 * Count mismatches are errors that name both counts. */
int ev_dataset_load(const char *path, const ev_load_options *opts, ev_dataset **out,
                    ev_notes *notes, ev_error *err);
void ev_dataset_free(ev_dataset *ds);

#ifdef __cplusplus
}
#endif
#endif
