/* load.c — format detection and loading a dataset (vectors + metadata). */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "core/file.h"
#include "core/table_internal.h"
#include "embview/io.h"
#include "embview/tensorboard.h"
#include "io/idx.h"
#include "io/readers.h"
#include "io/tb_internal.h"

const char *ev_format_name(ev_format f) {
  switch (f) {
    case EV_FORMAT_AUTO: return "auto";
    case EV_FORMAT_IDX: return "idx";
    case EV_FORMAT_NPY: return "npy";
    case EV_FORMAT_NPZ: return "npz";
    case EV_FORMAT_TSV: return "tsv";
    case EV_FORMAT_CSV: return "csv";
    case EV_FORMAT_TENSORBOARD: return "tensorboard";
  }
  return "?";
}

int ev_format_parse(const char *name) {
  for (int f = EV_FORMAT_AUTO; f <= EV_FORMAT_TENSORBOARD; f++)
    if (!strcasecmp(name, ev_format_name((ev_format)f))) return f;
  return -1;
}

static int ends_with(const char *s, const char *suffix) {
  size_t n = strlen(s), k = strlen(suffix);
  return n >= k && !strcasecmp(s + n - k, suffix);
}

int ev_format_detect(const char *path, ev_format *out, ev_error *err) {
  struct stat st;
  if ((stat(path, &st) == 0 && S_ISDIR(st.st_mode)) || ends_with(path, ".pbtxt") || ends_with(path, ".index") ||
      ends_with(path, ".json")) {
    *out = EV_FORMAT_TENSORBOARD;
    return EV_OK;
  }
  ev__stream s;
  unsigned char head[512];
  size_t got;
  int rc = ev__stream_open(&s, path, "input", err);
  if (rc) return rc;
  rc = ev__stream_read(&s, head, sizeof head, &got, err);
  int gz = s.is_gzip;
  ev__stream_close(&s);
  if (rc) return rc;
  if (got == 0) return ev__err(err, EV_EFORMAT, "input: %s: file is empty", path);
  if (got >= 6 && !memcmp(head, "\x93NUMPY", 6)) {
    if (gz)
      return ev__err(err, EV_EUNSUPPORTED, "input: %s: a gzip-compressed .npy; decompress it first",
                     path);
    *out = EV_FORMAT_NPY;
    return EV_OK;
  }
  if (got >= 4 && !memcmp(head, "PK", 2) && (head[2] == 3 || head[2] == 5)) {
    *out = EV_FORMAT_NPZ;
    return EV_OK;
  }
  if (ev__idx_is_magic(head, got)) {
    *out = EV_FORMAT_IDX;
    return EV_OK;
  }
  /* Text: must look like text in the first bytes. */
  for (size_t i = 0; i < got; i++) {
    if (head[i] == 0 || (head[i] < 0x20 && !isspace(head[i])))
      return ev__err(err, EV_EUNSUPPORTED,
                     "input: %s: unrecognised binary format (not IDX, NPY, NPZ, TSV or CSV)",
                     path);
  }
  if (ends_with(path, ".csv") || ends_with(path, ".csv.gz")) {
    *out = EV_FORMAT_CSV;
    return EV_OK;
  }
  const unsigned char *nl = memchr(head, '\n', got);
  size_t first_len = nl ? (size_t)(nl - head) : got;
  *out = (!memchr(head, '\t', first_len) && memchr(head, ',', first_len)) ? EV_FORMAT_CSV
                                                                          : EV_FORMAT_TSV;
  return EV_OK;
}

int ev_same_file(const char *a, const char *b) {
  struct stat sa, sb;
  if (stat(a, &sa) != 0 || stat(b, &sb) != 0) return 0;
  return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

ev_load_options ev_load_options_default(void) {
  ev_load_options o;
  memset(&o, 0, sizeof o);
  o.format = EV_FORMAT_AUTO;
  o.text = ev_text_options_default();
  return o;
}

void ev_dataset_free(ev_dataset *ds) {
  if (!ds) return;
  ev_matrix_free(ds->x);
  ev_table_free(ds->meta);
  ev_thumbnails_free(ds->thumbs);
  ev__free(ds->path);
  ev__free(ds);
}

/* Add `extra`'s columns to ds->meta (taking ownership of extra). */
static int attach(ev_dataset *ds, ev_table *extra, ev_error *err) {
  if (!extra) return EV_OK;
  if (!ds->meta) {
    ds->meta = extra;
    return EV_OK;
  }
  int rc = ev__table_merge_move(ds->meta, extra, err);
  ev_table_free(extra);
  return rc;
}

int ev_dataset_load(const char *path, const ev_load_options *opts, ev_dataset **out,
                    ev_notes *notes, ev_error *err) {
  ev_load_options defaults;
  if (!opts) {
    defaults = ev_load_options_default();
    opts = &defaults;
  }
  *out = NULL;
  ev_dataset *ds = ev__calloc(1, sizeof *ds);
  if (!ds || !(ds->path = ev__strdup(path))) {
    ev__free(ds);
    return ev__err(err, EV_ENOMEM, "input: out of memory");
  }
  ev_format fmt = opts->format;
  ev__budget budget;
  ev__budget_init(&budget, opts->max_memory);
  ev__budget *b = &budget;
  int rc = EV_OK;
  if (fmt == EV_FORMAT_AUTO) rc = ev_format_detect(path, &fmt, err);
  ev_table *cols = NULL;
  if (rc == EV_OK) {
    switch (fmt) {
      case EV_FORMAT_IDX: rc = ev__idx_read(path, &ds->x, &ds->source, b, err); break;
      case EV_FORMAT_NPY: rc = ev__npy_read(path, &ds->x, &ds->source, b, err); break;
      case EV_FORMAT_NPZ: rc = ev__npz_read(path, &ds->x, &cols, &ds->source, b, err); break;
      case EV_FORMAT_TSV:
      case EV_FORMAT_CSV: {
        ev_text_options t = opts->text;
        if (!t.delimiter && opts->format != EV_FORMAT_AUTO) t.delimiter = fmt == EV_FORMAT_CSV ? ',' : '\t';
        rc = ev__text_tensor_read(path, &t, &ds->x, &cols, &ds->source, notes, b, err);
        break;
      }
      case EV_FORMAT_TENSORBOARD: {
        ev_dataset *tb = NULL;
        rc = ev__tb_load(path, opts, &tb, notes, b, err);
        if (rc == EV_OK) {
          ds->x = tb->x;
          cols = tb->meta;
          ds->source = tb->source;
          ds->thumbs = tb->thumbs;
          tb->x = NULL;
          tb->meta = NULL;
          tb->thumbs = NULL;
          ev_dataset_free(tb);
        }
        break;
      }
      default: rc = ev__err(err, EV_EINVAL, "input: unknown format %d", (int)fmt); break;
    }
  }
  if (rc == EV_OK) rc = attach(ds, cols, err);
  else ev_table_free(cols);
  int64_t n = rc == EV_OK ? ds->x->n_rows : 0;
  if (rc == EV_OK && opts->metadata_path) {
    ev_table *t = NULL;
    rc = ev__metadata_read(opts->metadata_path, n, &t, notes, b, err);
    if (rc == EV_OK) rc = attach(ds, t, err);
  }
  if (rc == EV_OK && opts->labels_path) {
    ev_table *t = NULL;
    rc = ev__labels_read(opts->labels_path, n, &t, notes, b, err);
    if (rc == EV_OK) rc = attach(ds, t, err);
  }
  if (rc) {
    ev_dataset_free(ds);
    return rc;
  }
  *out = ds;
  return EV_OK;
}
