/* tb_standalone.c — the standalone projector's JSON config (formats doc
 * §12): embeddings[] with tensorName, tensorShape, tensorPath (TSV, or raw
 * float32 when it ends in .bytes), metadataPath.  Paths are taken relative
 * to the JSON file's folder (the web projector resolves them against its
 * page; URLs are refused with a hint) and must lie inside that folder's
 * parent unless opts->allow_outside_paths (tb_paths.c). */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/file.h"
#include "core/internal.h"
#include "embview/tensorboard.h"
#include "io/json.h"
#include "io/readers.h"
#include "io/tb_internal.h"

static char *beside(const char *json_path, const char *rel) {
  if (rel[0] == '/') return ev__strdup(rel);
  const char *slash = strrchr(json_path, '/');
  size_t dlen = slash ? (size_t)(slash - json_path) + 1 : 0;
  size_t n = dlen + strlen(rel) + 1;
  char *p = ev__malloc(n);
  if (p) {
    memcpy(p, json_path, dlen);
    memcpy(p + dlen, rel, strlen(rel) + 1);
  }
  return p;
}

static const char *string_of(const ev__json *e, const char *key) {
  const ev__json *v = ev__json_get(e, key);
  return v && v->type == EV__JSON_STRING ? v->string : NULL;
}

/* A path from the config, beside it and checked against the scope; NULL
 * (with *rc set) on refusal or out of memory.  A file that does not exist
 * passes here: its reader says so. */
static char *in_scope(const ev__tb_scope *scope, const char *json_path, const char *field, const char *raw, int *rc,
                      ev_error *err) {
  char *p = beside(json_path, raw);
  if (!p) {
    *rc = ev__err(err, EV_ENOMEM, "%s: out of memory", json_path);
    return NULL;
  }
  if (access(p, F_OK) == 0) {
    char what[1200];
    snprintf(what, sizeof what, "%s: %s '%s'", json_path, field, raw);
    *rc = ev__tb_scope_check(scope, p, what, err);
    if (*rc) {
      ev__free(p);
      return NULL;
    }
  }
  return p;
}

int ev__tb_standalone_load(const char *path, const ev_load_options *opts, ev_dataset **out, ev_notes *notes, ev__budget *b,
                           ev_error *err) {
  *out = NULL;
  const char *tensor = opts->tensor;
  ev__buf text = {0};
  ev__json *root = NULL;
  ev_dataset *ds = NULL;
  char *tpath = NULL, *mpath = NULL, *dir = ev__strdup(path);
  ev__tb_scope scope = {0};
  if (!dir) return ev__err(err, EV_ENOMEM, "%s: out of memory", path);
  char *slash = strrchr(dir, '/');
  if (slash) slash[slash == dir] = '\0'; /* "/x.json" -> "/" */
  int rc = ev__tb_scope_init(&scope, slash ? dir : ".", "the config's folder", opts->allow_outside_paths, notes, err);
  if (!rc) rc = ev__file_read_all(path, "projector config", (size_t)16 << 20, &text, err);
  if (!rc) rc = ev__json_parse(text.data ? (const char *)text.data : "", text.len, path, &root, err);
  if (rc) goto done;
  const ev__json *list = ev__json_get(root, "embeddings");
  if (!list || list->type != EV__JSON_ARRAY || list->n == 0) {
    rc = ev__err(err, EV_EFORMAT, "%s: no \"embeddings\" array", path);
    goto done;
  }
  const ev__json *e = NULL;
  for (int i = 0; i < list->n && !e; i++) {
    const char *name = string_of(&list->items[i], "tensorName");
    if (!tensor || (name && !strcmp(name, tensor))) e = &list->items[i];
  }
  if (!e) {
    rc = ev__err(err, EV_ENOTFOUND, "%s: no embedding with tensorName '%s'", path, tensor);
    goto done;
  }
  if (!tensor && list->n > 1)
    ev__note(notes, "%s holds %d embeddings; loading the first (choose with --tensor)", path, list->n);
  const char *tp = string_of(e, "tensorPath"), *mp = string_of(e, "metadataPath");
  if (!tp) {
    rc = ev__err(err, EV_EFORMAT, "%s: the embedding has no \"tensorPath\"", path);
    goto done;
  }
  if (!strncmp(tp, "http://", 7) || !strncmp(tp, "https://", 8)) {
    rc = ev__err(err, EV_EUNSUPPORTED, "%s: tensorPath is a URL (%s); download it and give the file's path", path, tp);
    goto done;
  }
  int64_t shape[2] = {0, 0};
  const ev__json *sh = ev__json_get(e, "tensorShape");
  if (sh && sh->type == EV__JSON_ARRAY && sh->n == 2 && sh->items[0].type == EV__JSON_NUMBER &&
      sh->items[1].type == EV__JSON_NUMBER && sh->items[0].number >= 0 && sh->items[1].number >= 1 &&
      sh->items[1].number < 1e9 && sh->items[0].number < 1e15) {
    shape[0] = (int64_t)sh->items[0].number;
    shape[1] = (int64_t)sh->items[1].number;
  }
  if (!(tpath = in_scope(&scope, path, "tensorPath", tp, &rc, err))) goto done;
  ds = ev__calloc(1, sizeof *ds);
  if (!ds || !(ds->path = ev__strdup(path))) {
    rc = ev__err(err, EV_ENOMEM, "%s: out of memory", path);
    goto done;
  }
  size_t tl = strlen(tp);
  int binary = tl > 6 && !strcmp(tp + tl - 6, ".bytes");
  rc = ev__tb_tensor_file_read(tpath, shape[1], binary, &ds->x, &ds->source, notes, b, err);
  if (rc) goto done;
  ds->source.format = EV_FORMAT_TENSORBOARD;
  if (binary && shape[0] && ds->x->n_rows < shape[0])
    ev__note(notes, "%s: tensorShape says %lld points, %s holds %lld", path, (long long)shape[0], tpath,
             (long long)ds->x->n_rows);
  if (mp) {
    if (!strncmp(mp, "http://", 7) || !strncmp(mp, "https://", 8)) {
      ev__note(notes, "%s: metadataPath is a URL (%s); loaded without metadata", path, mp);
    } else if ((mpath = in_scope(&scope, path, "metadataPath", mp, &rc, err))) {
      rc = ev__metadata_read(mpath, ds->x->n_rows, &ds->meta, notes, b, err);
    }
  }
  /* "sprite": {"imagePath", "singleImageDim": [w, h]}: thumbnails, a nicety
   * (a bad sprite is a note) */
  const ev__json *sp = rc ? NULL : ev__json_get(e, "sprite");
  const char *ip = sp ? string_of(sp, "imagePath") : NULL;
  const ev__json *dim = sp ? ev__json_get(sp, "singleImageDim") : NULL;
  if (ip && strncmp(ip, "http://", 7) && strncmp(ip, "https://", 8) && dim && dim->type == EV__JSON_ARRAY &&
      dim->n == 2 && dim->items[0].type == EV__JSON_NUMBER && dim->items[1].type == EV__JSON_NUMBER &&
      dim->items[0].number >= 1 && dim->items[1].number >= 1 && dim->items[0].number <= 8192 &&
      dim->items[1].number <= 8192) {
    char *ipath = in_scope(&scope, path, "sprite imagePath", ip, &rc, err);
    ev_error serr = {0};
    if (ipath && ev_sprite_read(ipath, ds->x->n_rows, (int)dim->items[0].number, (int)dim->items[1].number,
                                &ds->thumbs, &serr))
      ev__note(notes, "%s; no thumbnails", serr.msg);
    ev__free(ipath);
  } else if (sp) {
    ev__note(notes, "%s: the sprite needs a local imagePath and singleImageDim [w, h]; no thumbnails", path);
  }
done:
  ev__tb_scope_free(&scope);
  ev__free(dir);
  ev__free(tpath);
  ev__free(mpath);
  ev__json_free(root);
  ev__buf_free(&text);
  if (rc)
    ev_dataset_free(ds);
  else
    *out = ds;
  return rc;
}
