/* tb_export.c — a dataset written as TensorBoard projector files: a log dir
 * (V2 checkpoint + `checkpoint` state + metadata + sprite + pbtxt) or the
 * standalone projector's files (raw float32 + metadata + sprite + JSON).
 *
 * All or nothing across the files.  Everything is first written into a
 * staging folder inside DIR (DIR/.embview-export-XXXXXX: the same file
 * system, so that moving a file in is a rename; hidden, so that log dir
 * scans pass it over), each file complete and synced.  A failure there,
 * where a full disk shows up, removes the staging folder: DIR is as it was,
 * the previous export's files byte for byte, or no DIR at all when export
 * created it.  Then the files move in one rename each, config last; a
 * previous file of the same name first moves aside into the staging folder.
 * Should a rename fail, the renames done are undone in reverse order, and
 * again the previous set is back.  Only a failing undo (a second fault in a
 * row) leaves a mix: the error says so and the staging folder, holding the
 * previous files as NAME.previous, stays.  Files a previous export wrote
 * and this one does not (a sprite, metadata) are left as they are. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/file.h"
#include "core/internal.h"
#include "embview/json.h"
#include "embview/tensorboard.h"
#include "io/text_lines.h"

ev_tb_export_options ev_tb_export_options_default(void) {
  ev_tb_export_options o;
  memset(&o, 0, sizeof o);
  o.tensor_name = "embedding";
  o.sprite = 1;
  return o;
}

static int prepare_dir(const char *dir, int force, int *created, ev_error *err) {
  struct stat st;
  *created = 0;
  if (stat(dir, &st) != 0) {
    if (ev__io_mkdir(dir) != 0) return ev__err(err, EV_EIO, "export: cannot create %s: %s", dir, strerror(errno));
    *created = 1;
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
    if (fwrite(ev_matrix_row(x, i), sizeof(float), (size_t)x->n_cols, at.fp) != (size_t)x->n_cols)
      return ev__atomic_fail(&at, "export", err);
  return ev__atomic_commit(&at, "export", err);
}

static int write_json_config(const char *path, const char *name, const ev_matrix *x, int meta, int sw, int sh,
                             ev_error *err) {
  ev__atomic at;
  int rc = ev__atomic_begin(&at, path, "export", err);
  if (rc) return rc;
  ev_json j = {0};
  ev_json_printf(&j, "{\n  \"embeddings\": [\n    {\n      \"tensorName\": ");
  ev_json_str(&j, name);
  ev_json_printf(&j, ",\n      \"tensorShape\": [%lld, %lld],\n      \"tensorPath\": \"tensors.bytes\"",
                 (long long)x->n_rows, (long long)x->n_cols);
  if (meta) ev_json_printf(&j, ",\n      \"metadataPath\": \"metadata.tsv\"");
  if (sw) ev_json_printf(&j, ",\n      \"sprite\": {\"imagePath\": \"sprite.png\", \"singleImageDim\": [%d, %d]}", sw, sh);
  ev_json_printf(&j, "\n    }\n  ]\n}\n");
  if (j.failed) {
    ev_json_clear(&j);
    ev__atomic_abort(&at);
    return ev__err(err, EV_ENOMEM, "export: %s: out of memory", path);
  }
  rc = fwrite(j.p, 1, j.len, at.fp) == j.len ? EV_OK : EV_EIO;
  ev_json_clear(&j);
  if (rc) return ev__atomic_fail(&at, "export", err);
  return ev__atomic_commit(&at, "export", err);
}

/* The staging folder's name in messages and notes becomes the target's. */
static void unstage(char *msg, size_t cap, const char *stage, const char *dir) {
  size_t ls = strlen(stage), ld = strlen(dir);
  for (char *hit = strstr(msg, stage); hit; hit = strstr(hit + ld, stage)) {
    size_t tail = strlen(hit + ls) + 1;
    if ((size_t)(hit - msg) + ld + tail > cap) break;
    memmove(hit + ld, hit + ls, tail);
    memcpy(hit, dir, ld);
  }
}

/* Every file into `stage`; their names (in moving order, config last) into names[]. */
static int write_files(const char *stage, const char *dir, const ev_dataset *ds, const ev_tb_export_options *o,
                       const char **names, int *n_names, ev_notes *notes, ev_error *err) {
  const ev_matrix *x = ds->x;
  const char *main_name = o->standalone ? "tensors.bytes" : "embedding.ckpt-1";
  const char *config_name = o->standalone ? "projector_config.json" : "projector_config.pbtxt";
  char *meta_path = path_in(stage, "metadata.tsv"), *sprite_path = path_in(stage, "sprite.png");
  char *main_path = path_in(stage, main_name), *state_path = path_in(stage, "checkpoint");
  char *config_path = path_in(stage, config_name);
  int rc = EV_OK, n = 0;
  if (!meta_path || !sprite_path || !main_path || !state_path || !config_path) {
    rc = ev__err(err, EV_ENOMEM, "export: out of memory");
    goto done;
  }
  int sw = 0, sh = 0, have_meta = ds->meta && ev_table_n_cols(ds->meta) > 0;
  if (have_meta && !(rc = write_metadata(meta_path, ds->meta, notes, err))) names[n++] = "metadata.tsv";
  if (!rc && o->sprite && x->image_w > 0) {
    ev_error e2 = {0};
    int src = ev_sprite_write(sprite_path, x, &sw, &sh, &e2);
    if (src == EV_EIO) { /* a write failure fails the export; a sheet that cannot be made is a note */
      rc = src;
      if (err) *err = e2;
    } else if (src) {
      unstage(e2.msg, sizeof e2.msg, stage, dir);
      ev__note(notes, "export: no sprite: %s", e2.msg);
      sw = sh = 0;
    } else {
      names[n++] = "sprite.png";
    }
  }
  if (rc) goto done;
  if (o->standalone) {
    rc = write_raw(main_path, x, err);
    if (!rc) {
      names[n++] = "tensors.bytes";
      rc = write_json_config(config_path, o->tensor_name, x, have_meta, sw, sh, err);
    }
    if (!rc) names[n++] = "projector_config.json";
    goto done;
  }
  const char *tnames[1] = {o->tensor_name};
  const ev_matrix *vals[1] = {x};
  rc = ev_tf_checkpoint_write(main_path, 1, tnames, vals, err);
  if (!rc) {
    names[n++] = "embedding.ckpt-1.data-00000-of-00001";
    names[n++] = "embedding.ckpt-1.index";
    ev__atomic at;
    rc = ev__atomic_begin(&at, state_path, "export", err);
    if (!rc) {
      fputs("model_checkpoint_path: \"embedding.ckpt-1\"\nall_model_checkpoint_paths: \"embedding.ckpt-1\"\n", at.fp);
      rc = ev__atomic_commit(&at, "export", err);
    }
    if (!rc) names[n++] = "checkpoint";
  }
  if (!rc) {
    ev_tb_embedding_info e = {0};
    e.tensor_name = (char *)o->tensor_name;
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
    if (!rc) names[n++] = "projector_config.pbtxt";
  }
done:
  *n_names = n;
  ev__free(meta_path);
  ev__free(sprite_path);
  ev__free(main_path);
  ev__free(state_path);
  ev__free(config_path);
  return rc;
}

/* Move the staged files into dir (see the file's header); *keep_stage when
 * an undo failed and the staging folder holds previous files. */
static int publish(const char *dir, const char *stage, const char *const *names, int n, int *keep_stage,
                   ev_error *err) {
  char *from[8] = {0}, *to[8] = {0}, *aside[8] = {0};
  int rc = EV_OK;
  for (int i = 0; i < n && !rc; i++) {
    from[i] = path_in(stage, names[i]);
    to[i] = path_in(dir, names[i]);
    aside[i] = from[i] ? ev__malloc(strlen(from[i]) + 10) : NULL;
    if (!from[i] || !to[i] || !aside[i]) rc = ev__err(err, EV_ENOMEM, "export: out of memory");
    else snprintf(aside[i], strlen(from[i]) + 10, "%s.previous", from[i]);
  }
  if (!rc) rc = ev__publish(n, from, to, aside, "export", keep_stage, err);
  for (int i = 0; i < n; i++) {
    ev__free(from[i]);
    ev__free(to[i]);
    ev__free(aside[i]);
  }
  return rc;
}

/* Remove the staging folder and what is in it (only files of ours). */
static void remove_stage(const char *stage) {
  DIR *d = opendir(stage);
  struct dirent *e;
  while (d && (e = readdir(d))) {
    if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
    char *p = path_in(stage, e->d_name);
    if (p) unlink(p);
    ev__free(p);
  }
  if (d) closedir(d);
  rmdir(stage);
}

int ev_tb_export(const char *dir, const ev_dataset *ds, const ev_tb_export_options *opts, ev_notes *notes,
                 ev_error *err) {
  ev_tb_export_options o = opts ? *opts : ev_tb_export_options_default();
  if (!o.tensor_name || !o.tensor_name[0]) o.tensor_name = "embedding";
  int created = 0, keep_stage = 0, n_names = 0;
  const char *names[8];
  int rc = prepare_dir(dir, o.force, &created, err);
  if (rc) return rc;
  char *stage = path_in(dir, ".embview-export-XXXXXX");
  if (!stage) {
    rc = ev__err(err, EV_ENOMEM, "export: out of memory");
  } else if (ev__io_mkdtemp(stage) != 0) {
    rc = ev__err(err, EV_EIO, "export: cannot create a folder in %s: %s", dir, strerror(errno));
    ev__free(stage);
    stage = NULL;
  }
  if (!rc) {
    rc = write_files(stage, dir, ds, &o, names, &n_names, notes, err);
    if (rc && err) unstage(err->msg, sizeof err->msg, stage, dir);
  }
  if (!rc) rc = publish(dir, stage, names, n_names, &keep_stage, err);
  if (stage && !keep_stage) remove_stage(stage);
  if (rc && created) rmdir(dir);
  ev__free(stage);
  return rc;
}
