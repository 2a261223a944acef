/* tb_export.c — a dataset written as TensorBoard projector files: a log dir
 * (V2 checkpoint + `checkpoint` state + metadata + sprite + pbtxt) or the
 * standalone projector's files (raw float32 + metadata + sprite + JSON). */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "core/file.h"
#include "core/internal.h"
#include "embview/tensorboard.h"
#include "io/text_lines.h"

void ev_tb_export_options_default(ev_tb_export_options *o) {
  memset(o, 0, sizeof *o);
  o->tensor_name = "embedding";
  o->sprite = 1;
}

static int prepare_dir(const char *dir, int force, ev_error *err) {
  struct stat st;
  if (stat(dir, &st) != 0) {
    if (mkdir(dir, 0777) != 0) return ev__err(err, EV_EIO, "export: cannot create %s: %s", dir, strerror(errno));
    return EV_OK;
  }
  if (!S_ISDIR(st.st_mode)) return ev__err(err, EV_EEXIST, "export: %s exists and is not a directory", dir);
  DIR *d = opendir(dir);
  if (!d) return ev__err(err, EV_EIO, "export: cannot read %s: %s", dir, strerror(errno));
  int empty = 1;
  struct dirent *e;
  while ((e = readdir(d)))
    if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) empty = 0;
  closedir(d);
  if (!empty && !force)
    return ev__err(err, EV_EEXIST, "export: %s is not empty; choose an empty or new directory, or --force", dir);
  return EV_OK;
}

static char *path_in(const char *dir, const char *name) {
  size_t n = strlen(dir) + strlen(name) + 2;
  char *p = ev__malloc(n);
  if (p) snprintf(p, n, "%s/%s", dir, name);
  return p;
}

/* One column whose value is blank for JavaScript would make a blank line,
 * which the projector skips: then an index column is added, which makes the
 * file two-column with a header, so every line keeps its place. */
static int write_metadata(const char *path, const ev_table *t, ev_notes *notes, ev_error *err) {
  if (ev_table_n_cols(t) != 1) return ev_table_write_tsv(path, t, err);
  int64_t n = ev_table_n_rows(t), blank = 0;
  for (int64_t i = 0; i < n; i++) {
    const char *v = ev_table_cell(t, i, 0);
    blank += !v || ev__js_blank(v, strlen(v));
  }
  if (!blank) return ev_table_write_tsv(path, t, err);
  ev__note(notes, "export: %lld empty label(s) would be skipped by the projector as blank lines; added an 'index' column",
           (long long)blank);
  ev_table *t2 = NULL;
  const char **vals = ev__malloc((size_t)(n ? n : 1) * sizeof *vals);
  char *idx = ev__malloc((size_t)(n ? n : 1) * 24);
  int rc = (!vals || !idx) ? ev__err(err, EV_ENOMEM, "export: out of memory") : ev_table_new(n, &t2, err);
  if (!rc) {
    for (int64_t i = 0; i < n; i++) vals[i] = ev_table_cell(t, i, 0);
    rc = ev_table_add_column(t2, ev_table_col_name(t, 0), vals, err);
  }
  if (!rc) {
    for (int64_t i = 0; i < n; i++) {
      snprintf(idx + i * 24, 24, "%lld", (long long)i);
      vals[i] = idx + i * 24;
    }
    rc = ev_table_add_column(t2, "index", vals, err);
  }
  if (!rc) rc = ev_table_write_tsv(path, t2, err);
  ev_table_free(t2);
  ev__free(vals);
  ev__free(idx);
  return rc;
}

static int write_raw(const char *path, const ev_matrix *x, ev_error *err) {
  ev__atomic at;
  int rc = ev__atomic_begin(&at, path, "export", err);
  if (rc) return rc;
  for (int64_t i = 0; i < x->n_rows; i++)
    if (fwrite(ev_matrix_row(x, i), sizeof(float), (size_t)x->n_cols, at.fp) != (size_t)x->n_cols) {
      ev__atomic_abort(&at);
      return ev__err(err, EV_EIO, "export: cannot write %s", path);
    }
  return ev__atomic_commit(&at, "export", err);
}

static void json_string(FILE *f, const char *s) {
  fputc('"', f);
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;
    if (c == '"' || c == '\\') fprintf(f, "\\%c", c);
    else if (c < 0x20) fprintf(f, "\\u%04x", c);
    else fputc(c, f);
  }
  fputc('"', f);
}

static int write_json_config(const char *path, const char *name, const ev_matrix *x, int meta, int sw, int sh,
                             ev_error *err) {
  ev__atomic at;
  int rc = ev__atomic_begin(&at, path, "export", err);
  if (rc) return rc;
  FILE *f = at.fp;
  fputs("{\n  \"embeddings\": [\n    {\n      \"tensorName\": ", f);
  json_string(f, name);
  fprintf(f, ",\n      \"tensorShape\": [%lld, %lld],\n      \"tensorPath\": \"tensors.bytes\"", (long long)x->n_rows,
          (long long)x->n_cols);
  if (meta) fputs(",\n      \"metadataPath\": \"metadata.tsv\"", f);
  if (sw) fprintf(f, ",\n      \"sprite\": {\"imagePath\": \"sprite.png\", \"singleImageDim\": [%d, %d]}", sw, sh);
  fputs("\n    }\n  ]\n}\n", f);
  return ev__atomic_commit(&at, "export", err);
}

int ev_tb_export(const char *dir, const ev_dataset *ds, const ev_tb_export_options *opts, ev_notes *notes,
                 ev_error *err) {
  ev_tb_export_options o;
  if (opts)
    o = *opts;
  else
    ev_tb_export_options_default(&o);
  if (!o.tensor_name || !o.tensor_name[0]) o.tensor_name = "embedding";
  const ev_matrix *x = ds->x;
  int rc = prepare_dir(dir, o.force, err);
  if (rc) return rc;
  char *meta_path = path_in(dir, "metadata.tsv"), *sprite_path = path_in(dir, "sprite.png");
  char *main_path = path_in(dir, o.standalone ? "tensors.bytes" : "embedding.ckpt-1");
  char *state_path = path_in(dir, "checkpoint");
  char *config_path = path_in(dir, o.standalone ? "projector_config.json" : "projector_config.pbtxt");
  if (!meta_path || !sprite_path || !main_path || !state_path || !config_path) {
    rc = ev__err(err, EV_ENOMEM, "export: out of memory");
    goto done;
  }
  int sw = 0, sh = 0, have_meta = ds->meta && ev_table_n_cols(ds->meta) > 0;
  if (have_meta) rc = write_metadata(meta_path, ds->meta, notes, err);
  if (!rc && o.sprite && x->image_w > 0) {
    ev_error e2 = {0};
    if (ev_sprite_write(sprite_path, x, &sw, &sh, &e2)) {
      ev__note(notes, "export: no sprite: %s", e2.msg);
      sw = sh = 0;
    }
  }
  if (rc) goto done;
  if (o.standalone) {
    rc = write_raw(main_path, x, err);
    if (!rc) rc = write_json_config(config_path, o.tensor_name, x, have_meta, sw, sh, err);
    goto done;
  }
  const char *names[1] = {o.tensor_name};
  const ev_matrix *vals[1] = {x};
  rc = ev_tf_checkpoint_write(main_path, 1, names, vals, err);
  if (!rc) {
    ev__atomic at;
    rc = ev__atomic_begin(&at, state_path, "export", err);
    if (!rc) {
      fputs("model_checkpoint_path: \"embedding.ckpt-1\"\nall_model_checkpoint_paths: \"embedding.ckpt-1\"\n", at.fp);
      rc = ev__atomic_commit(&at, "export", err);
    }
  }
  if (!rc) {
    ev_tb_embedding_info e = {0};
    e.tensor_name = (char *)o.tensor_name;
    e.metadata_path = have_meta ? (char *)"metadata.tsv" : NULL;
    e.n_tensor_shape = 2;
    e.tensor_shape[0] = x->n_rows;
    e.tensor_shape[1] = x->n_cols;
    if (sw) {
      e.sprite_image_path = (char *)"sprite.png";
      e.n_sprite_dim = 2;
      e.sprite_dim[0] = sw;
      e.sprite_dim[1] = sh;
    }
    ev_tb_config c = {NULL, NULL, 1, &e};
    rc = ev_tb_config_write(config_path, &c, err);
  }
done:
  ev__free(meta_path);
  ev__free(sprite_path);
  ev__free(main_path);
  ev__free(state_path);
  ev__free(config_path);
  return rc;
}
