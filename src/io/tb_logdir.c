/* tb_logdir.c — TensorBoard projector log dirs: runs, configs, checkpoints
 * and paths resolved as TensorBoard does (formats doc §1.2, §3.3, §3.4),
 * plus the fallbacks of embview/tensorboard.h where TensorBoard gives up.
 * Every file found is checked against the log dir's scope (tb_paths.c): the
 * first candidate of a lookup that exists and lies in scope wins; a lookup
 * whose only existing candidates lie outside fails with the first refusal. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/file.h"
#include "core/internal.h"
#include "embview/tensorboard.h"
#include "io/readers.h"
#include "io/tb_internal.h"

#define PLUGIN_DIR "plugins/org_tensorflow_tensorboard_projector"

static int is_file(const char *p) {
  struct stat st;
  return p && stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

static int is_dir(const char *p) {
  struct stat st;
  return p && stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static char *join(const char *dir, const char *name) {
  size_t a = strlen(dir), b = strlen(name);
  char *p = ev__malloc(a + b + 2);
  if (!p) return NULL;
  memcpy(p, dir, a);
  size_t k = a;
  if (a && dir[a - 1] != '/') p[k++] = '/';
  memcpy(p + k, name, b + 1);
  return p;
}

static char *parent_of(const char *dir) {
  char *p = join(dir, "..");
  return p;
}

/* name after the last '/' or '\' */
static const char *any_basename(const char *p) {
  const char *b = p;
  for (const char *s = p; *s; s++)
    if (*s == '/' || *s == '\\') b = s + 1;
  return b;
}

static char *with_index(const char *prefix) {
  size_t n = strlen(prefix);
  char *p = ev__malloc(n + 7);
  if (p) snprintf(p, n + 7, "%s.index", prefix);
  return p;
}

static char *expand_home(const char *raw) {
  if (raw[0] == '~' && (raw[1] == '/' || raw[1] == '\0')) {
    const char *home = getenv("HOME");
    if (home) return join(home, raw[1] ? raw + 2 : "");
  }
  return ev__strdup(raw);
}

typedef struct builder {
  ev_tb_logdir *l;
  int cap;
  ev__tb_scope scope;
  ev_error refusal;  /* the first candidate of the current lookup that lay outside the scope */
  int refused;
  ev_notes *notes;
  ev_error *err;
} builder;

static int oom(builder *b) { return ev__err(b->err, EV_ENOMEM, "log dir: out of memory"); }

/* A lookup is a chain of candidates; begin_lookup forgets earlier refusals. */
static void begin_lookup(builder *b) { b->refused = 0; }

/* 1 when `path` (or with `index` PATH.index) exists, is not a directory,
 * and lies in scope; 0 when absent, or outside (the first such refusal is
 * kept).  Devices and pipes count as existing, so that /dev/zero is refused
 * by name rather than passed over; inside the scope their readers refuse them. */
static int usable(builder *b, const char *path, int index, const char *what) {
  char *p = index ? with_index(path) : NULL;
  const char *f = index ? p : path;
  struct stat st;
  int ok = 0;
  if (f && stat(f, &st) == 0 && !S_ISDIR(st.st_mode)) {
    ev_error e = {0};
    ok = ev__tb_scope_check(&b->scope, f, what, &e) == EV_OK;
    if (!ok && !b->refused++) b->refusal = e;
  }
  ev__free(p);
  return ok;
}

/* A fallback used in place of a refused path (short: notes are 320 bytes). */
static void note_instead(builder *b, const char *field, const char *raw, const char *used) {
  ev__note(b->notes, "%s '%s' leads outside %s, refused; using %s", field, raw, b->scope.root, used);
}

/* The lookup found nothing usable: EV_EPERM when something was refused. */
static int refusal_or_ok(builder *b) {
  return b->refused ? ev__err(b->err, b->refusal.code, "%s", b->refusal.msg) : EV_OK;
}

/* A file named in a config: TensorBoard's rule (absolute, or relative to the
 * config's folder), then the fallbacks, each noted; the first that exists in
 * scope wins.  *out NULL (with a note) when none exists; EV_EPERM when the
 * only ones that exist lie outside the scope. */
static int resolve_file(builder *b, const char *raw, const char *config_dir, const char *config_path,
                        const char *field, char **out) {
  *out = NULL;
  if (!raw || !raw[0]) return EV_OK;
  char what[1200];
  snprintf(what, sizeof what, "%s: %s '%s'", config_path, field, raw);
  begin_lookup(b);
  char *p = expand_home(raw);
  if (p && p[0] != '/') {
    char *q = join(config_dir, p);
    ev__free(p);
    p = q;
  }
  /* another machine's path: backslashes as separators, then by name */
  char *norm = ev__strdup(raw);
  if (norm)
    for (char *c = norm; *c; c++)
      if (*c == '\\') *c = '/';
  char *parent = parent_of(config_dir);
  const char *base = any_basename(raw);
  char *cands[5] = {p, norm && norm[0] != '/' ? join(config_dir, norm) : NULL, join(config_dir, base),
                    norm && norm[0] != '/' && parent ? join(parent, norm) : NULL, parent ? join(parent, base) : NULL};
  int rc = !p || !norm || !parent ? oom(b) : EV_OK;
  for (int i = 0; i < 5 && !rc && !*out; i++)
    if (cands[i] && usable(b, cands[i], 0, what)) {
      *out = cands[i];
      cands[i] = NULL;
      if (i == 0) break;
      if (b->refused)
        note_instead(b, field, raw, *out);
      else
        ev__note(b->notes, "%s '%s' does not exist as written (TensorBoard would not find it); using %s", field, raw,
                 *out);
    }
  if (!rc && !*out) rc = refusal_or_ok(b);
  if (!rc && !*out)
    ev__note(b->notes, "%s '%s' not found (also looked for '%s' in %s and its parent)", field, raw, base, config_dir);
  for (int i = 0; i < 5; i++) ev__free(cands[i]);
  ev__free(norm);
  ev__free(parent);
  return rc;
}

/* newest PREFIX.index in dir (by modification time, then name) */
static char *newest_checkpoint(const char *dir) {
  DIR *d = opendir(dir);
  if (!d) return NULL;
  char *best = NULL;
  struct timespec best_t = {0, 0};
  struct dirent *ent;
  while ((ent = readdir(d))) {
    size_t n = strlen(ent->d_name);
    if (n <= 6 || strcmp(ent->d_name + n - 6, ".index")) continue;
    char *p = join(dir, ent->d_name);
    struct stat st;
    if (p && stat(p, &st) == 0 && S_ISREG(st.st_mode)) {
      p[strlen(p) - 6] = '\0';
      int newer = !best || st.st_mtim.tv_sec > best_t.tv_sec ||
                  (st.st_mtim.tv_sec == best_t.tv_sec &&
                   (st.st_mtim.tv_nsec > best_t.tv_nsec || (st.st_mtim.tv_nsec == best_t.tv_nsec && strcmp(p, best) > 0)));
      if (newer) {
        ev__free(best);
        best = p;
        best_t = st.st_mtim;
        p = NULL;
      }
    }
    ev__free(p);
  }
  closedir(d);
  return best;
}

/* TensorBoard's latest_checkpoint(dir), with the fallback to a file of the
 * same name in dir when the state file holds another machine's path (or
 * one outside the scope).  *found NULL when there is none. */
static int latest_checkpoint(builder *b, const char *dir, char **found) {
  char *state = join(dir, "checkpoint");
  char *named = NULL;
  int rc = state ? EV_OK : oom(b);
  *found = NULL;
  if (!rc && is_file(state)) rc = ev__tb_scope_check(&b->scope, state, state, b->err);
  if (!rc && is_file(state)) {
    ev_error e = {0};
    if (ev_tb_checkpoint_state_read(state, &named, b->notes, &e) == EV_OK) {
      char what[1200];
      snprintf(what, sizeof what, "%s: model_checkpoint_path '%s'", state, named);
      begin_lookup(b);
      char *p = named[0] == '/' ? ev__strdup(named) : join(dir, named);
      if (p && usable(b, p, 1, what)) {
        *found = p;
      } else {
        ev__free(p);
        p = join(dir, any_basename(named));
        if (p && usable(b, p, 1, what)) {
          if (b->refused)
            note_instead(b, "model_checkpoint_path", named, p);
          else
            ev__note(b->notes, "%s names checkpoint '%s', which does not exist; using %s", state, named, p);
          *found = p;
        } else {
          ev__free(p);
          rc = refusal_or_ok(b);
        }
      }
    } else {
      ev__note(b->notes, "%s", e.msg);
    }
  }
  ev__free(state);
  ev__free(named);
  return rc;
}

/* The run's checkpoint prefix: the config's model_checkpoint_path, else
 * latest_checkpoint(run), else (for a configured run, as TensorBoard)
 * latest_checkpoint(run/..), else the newest *.index in the run.  A
 * configured path outside the scope is refused when no other is found. */
static int find_checkpoint(builder *b, const char *run_dir, const ev_tb_config *cfg, const char *config_path,
                           char **out) {
  const char *configured = cfg ? cfg->model_checkpoint_path : NULL;
  ev_error refusal = {0};
  int refused = 0, rc = EV_OK;
  *out = NULL;
  if (configured && configured[0]) {
    char what[1200];
    snprintf(what, sizeof what, "%s: model_checkpoint_path '%s'", config_path, configured);
    begin_lookup(b);
    char *p = expand_home(configured);
    if (p && is_dir(p)) { /* a directory is accepted by TensorFlow's loader */
      if (ev__tb_scope_check(&b->scope, p, what, &refusal) == EV_OK) rc = latest_checkpoint(b, p, out);
      else refused = 1;
    } else if (p && usable(b, p, 1, what)) {
      *out = p;
      p = NULL;
    }
    ev__free(p);
    if (rc || *out) return rc;
    if (!refused && b->refused) {
      refused = 1;
      refusal = b->refusal;
    }
    begin_lookup(b);
    p = join(run_dir, any_basename(configured));
    if (p && usable(b, p, 1, what)) {
      if (refused)
        note_instead(b, "model_checkpoint_path", configured, p);
      else
        ev__note(b->notes, "model_checkpoint_path '%s' does not exist; using %s", configured, p);
      *out = p;
      return EV_OK;
    }
    ev__free(p);
    if (!refused && b->refused) {
      refused = 1;
      refusal = b->refusal;
    }
  }
  rc = latest_checkpoint(b, run_dir, out);
  char *parent = !rc && !*out && cfg ? parent_of(run_dir) : NULL;
  if (parent) {
    rc = latest_checkpoint(b, parent, out);
    ev__free(parent);
  }
  if (!rc && !*out) {
    char *p = newest_checkpoint(run_dir), *idx = p ? with_index(p) : NULL;
    char what[1200];
    snprintf(what, sizeof what, "%s: the newest checkpoint", run_dir);
    if (p && !idx) rc = oom(b);
    if (idx && (rc = ev__tb_scope_check(&b->scope, idx, what, b->err)) == EV_OK)
      ev__note(b->notes, "%s: no usable `checkpoint` state file; using the newest checkpoint, %s", run_dir, p);
    ev__free(idx);
    if (rc) ev__free(p);
    else *out = p;
  }
  if (!rc && refused) {
    if (*out) {
      note_instead(b, "model_checkpoint_path", configured, *out);
    } else {
      rc = ev__err(b->err, refusal.code, "%s", refusal.msg);
    }
  }
  return rc;
}

void ev_tb_logdir_free(ev_tb_logdir *l) {
  if (!l) return;
  for (int i = 0; i < l->n_embeddings; i++) {
    ev_tb_embedding *e = &l->embeddings[i];
    ev__free(e->run);
    ev__free(e->name);
    ev__free(e->checkpoint);
    ev__free(e->tensor_key);
    ev__free(e->tensor_path);
    ev__free(e->metadata_path);
    ev__free(e->bookmarks_path);
    ev__free(e->sprite_path);
  }
  ev__free(l->embeddings);
  ev__free(l->path);
  ev__free(l);
}

static ev_tb_embedding *add(builder *b) {
  if (b->l->n_embeddings == b->cap) {
    int c = b->cap ? b->cap * 2 : 8;
    ev_tb_embedding *p = ev__realloc(b->l->embeddings, (size_t)c * sizeof *p);
    if (!p) return NULL;
    b->l->embeddings = p;
    b->cap = c;
  }
  ev_tb_embedding *e = &b->l->embeddings[b->l->n_embeddings++];
  memset(e, 0, sizeof *e);
  return e;
}

/* metadata, bookmarks and sprite of a config entry, resolved */
static int set_assets(builder *b, ev_tb_embedding *e, const ev_tb_embedding_info *info, const char *config_dir,
                      const char *config_path) {
  if (!info) return EV_OK;
  int rc = resolve_file(b, info->metadata_path, config_dir, config_path, "metadata_path", &e->metadata_path);
  if (!rc) rc = resolve_file(b, info->bookmarks_path, config_dir, config_path, "bookmarks_path", &e->bookmarks_path);
  if (!rc) rc = resolve_file(b, info->sprite_image_path, config_dir, config_path, "sprite image_path", &e->sprite_path);
  if (info->n_sprite_dim == 2) {
    e->sprite_dim[0] = info->sprite_dim[0];
    e->sprite_dim[1] = info->sprite_dim[1];
  }
  return rc;
}

static int list_candidates(const ev_tf_checkpoint *c, char *out, size_t len) {
  size_t used = 0;
  int n = 0;
  out[0] = '\0';
  for (int64_t i = 0; i < c->n_tensors; i++) {
    if (!ev_tf_tensor_is_embedding(&c->tensors[i])) continue;
    n++;
    if (used < len) used += (size_t)snprintf(out + used, len - used, "%s'%s' (%lld x %lld)", n > 1 ? ", " : "",
                                             c->tensors[i].name, (long long)c->tensors[i].shape[0],
                                             (long long)c->tensors[i].shape[1]);
  }
  return n;
}

static int add_tensor(builder *b, const char *run, const char *name, const char *prefix, const ev_tf_tensor *t,
                      const ev_tb_embedding_info *info, const char *config_dir, const char *config_path) {
  ev_tb_embedding *e = add(b);
  if (!e) return oom(b);
  e->run = ev__strdup(run);
  e->name = ev__strdup(name);
  e->checkpoint = ev__strdup(prefix);
  e->tensor_key = ev__strdup(t->name);
  if (!e->run || !e->name || !e->checkpoint || !e->tensor_key) return oom(b);
  e->n_rows = t->shape[0];
  e->n_cols = t->shape[1];
  return set_assets(b, e, info, config_dir, config_path);
}

/* The checkpoint's data files lie in scope too (a symbolic link among them
 * could lead anywhere). */
static int check_shards(builder *b, const ev_tf_checkpoint *c) {
  size_t n = strlen(c->prefix) + 32;
  char *p = ev__malloc(n);
  if (!p) return oom(b);
  int rc = EV_OK;
  for (int s = 0; s < c->num_shards && !rc; s++) {
    snprintf(p, n, "%s.data-%05d-of-%05d", c->prefix, s, c->num_shards);
    if (is_file(p)) rc = ev__tb_scope_check(&b->scope, p, p, b->err);
  }
  ev__free(p);
  return rc;
}

/* one run: its config (if any) and checkpoint (if any) */
static int scan_run(builder *b, const char *run_dir, const char *run_name) {
  char *config_dir = NULL, *config_path = join(run_dir, "projector_config.pbtxt");
  ev_tb_config *cfg = NULL;
  ev_tf_checkpoint *ckpt = NULL;
  char *prefix = NULL;
  uint8_t *used = NULL;
  int rc = EV_OK;
  if (!config_path) return oom(b);
  if (is_file(config_path)) {
    if (!(config_dir = ev__strdup(run_dir))) rc = oom(b);
  } else {
    ev__free(config_path);
    char *pd = join(run_dir, PLUGIN_DIR);
    config_path = pd ? join(pd, "projector_config.pbtxt") : NULL;
    if (!config_path) {
      rc = oom(b);
    } else if (is_file(config_path)) {
      config_dir = pd;
      pd = NULL;
    } else {
      ev__free(config_path);
      config_path = NULL;
    }
    ev__free(pd);
  }
  if (rc) goto done;
  if (config_path && (rc = ev__tb_scope_check(&b->scope, config_path, config_path, b->err))) goto done;
  if (config_path && (rc = ev_tb_config_read(config_path, &cfg, b->notes, b->err))) goto done;
  int needs_ckpt = !cfg;
  for (int i = 0; cfg && i < cfg->n_embeddings; i++) needs_ckpt |= !cfg->embeddings[i].tensor_path;
  if (needs_ckpt && (rc = find_checkpoint(b, run_dir, cfg, config_path, &prefix))) goto done;
  if (!cfg && !prefix) goto done; /* not a projector run */
  if (prefix && (rc = ev_tf_checkpoint_open(prefix, &ckpt, b->err))) goto done;
  if (ckpt && (rc = check_shards(b, ckpt))) goto done;
  if (ckpt && !(used = ev__calloc((size_t)(ckpt->n_tensors ? ckpt->n_tensors : 1), 1))) {
    rc = oom(b);
    goto done;
  }
  const ev_tb_embedding_info *defaults = NULL;
  for (int i = 0; cfg && i < cfg->n_embeddings && !rc; i++) {
    const ev_tb_embedding_info *info = &cfg->embeddings[i];
    if (!info->tensor_name && !info->tensor_path) {
      if (i == 0) defaults = info; /* TensorBoard gives its files to the unconfigured tensors */
      continue;
    }
    if (info->tensor_path) {
      ev_tb_embedding *e = add(b);
      if (!e) {
        rc = oom(b);
        break;
      }
      e->run = ev__strdup(run_name);
      e->name = ev__strdup(info->tensor_name ? info->tensor_name : any_basename(info->tensor_path));
      if (!e->run || !e->name) {
        rc = oom(b);
        break;
      }
      if ((rc = resolve_file(b, info->tensor_path, config_dir, config_path, "tensor_path", &e->tensor_path))) break;
      if (!e->tensor_path) {
        rc = ev__err(b->err, EV_ENOTFOUND, "%s: embedding '%s': tensor_path '%s' not found", config_path, e->name,
                     info->tensor_path);
        break;
      }
      if (info->n_tensor_shape == 2) {
        e->n_rows = info->tensor_shape[0];
        e->n_cols = info->tensor_shape[1];
      }
      rc = set_assets(b, e, info, config_dir, config_path);
      continue;
    }
    if (!ckpt) {
      rc = ev__err(b->err, EV_ENOTFOUND,
                   "%s: embedding '%s' is read from a checkpoint, but %s has none (no `checkpoint` file naming "
                   "an existing one, no *.index)",
                   config_path, info->tensor_name, run_dir);
      break;
    }
    const ev_tf_tensor *t = ev_tf_checkpoint_find(ckpt, info->tensor_name);
    if (!t || !ev_tf_tensor_is_embedding(t)) {
      char list[1024];
      int n = list_candidates(ckpt, list, sizeof list);
      if (n != 1) {
        rc = ev__err(b->err, EV_ENOTFOUND, "%s: tensor_name '%s' matches no 2-D tensor of checkpoint %s; %s%s",
                     config_path, info->tensor_name, prefix, n ? "candidates: " : "it has no 2-D numeric tensor",
                     list);
        break;
      }
      for (int64_t k = 0; k < ckpt->n_tensors; k++)
        if (ev_tf_tensor_is_embedding(&ckpt->tensors[k])) t = &ckpt->tensors[k];
      ev__note(b->notes, "%s: tensor_name '%s' matches no checkpoint key; using the only 2-D tensor, '%s'",
               config_path, info->tensor_name, t->name);
    }
    used[t - ckpt->tensors] = 1;
    rc = add_tensor(b, run_name, info->tensor_name, prefix, t, info, config_dir, config_path);
  }
  /* every other 2-D tensor, as TensorBoard offers them */
  for (int64_t k = 0; ckpt && k < ckpt->n_tensors && !rc; k++)
    if (!used[k] && ev_tf_tensor_is_embedding(&ckpt->tensors[k]))
      rc = add_tensor(b, run_name, ckpt->tensors[k].name, prefix, &ckpt->tensors[k], defaults,
                      config_dir ? config_dir : run_dir, config_path);
done:
  ev__free(used);
  ev_tf_checkpoint_free(ckpt);
  ev_tb_config_free(cfg);
  ev__free(prefix);
  ev__free(config_path);
  ev__free(config_dir);
  return rc;
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

int ev_tb_logdir_open(const char *dir, const ev_load_options *opts, ev_tb_logdir **out, ev_notes *notes,
                      ev_error *err) {
  *out = NULL;
  if (!is_dir(dir)) return ev__err(err, EV_ENOTFOUND, "log dir %s: not a directory", dir);
  ev_tb_logdir *l = ev__calloc(1, sizeof *l);
  if (!l || !(l->path = ev__strdup(dir))) {
    ev_tb_logdir_free(l);
    return ev__err(err, EV_ENOMEM, "log dir: out of memory");
  }
  builder b = {.l = l, .notes = notes, .err = err};
  int rc = ev__tb_scope_init(&b.scope, dir, "the log dir", opts && opts->allow_outside_paths, notes, err);
  if (rc) {
    ev_tb_logdir_free(l);
    return rc;
  }
  rc = scan_run(&b, dir, ".");
  /* sub-directories are runs too (sorted by name) */
  DIR *d = rc ? NULL : opendir(dir);
  char **subs = NULL;
  size_t n_subs = 0, cap = 0;
  struct dirent *ent;
  while (d && !rc && (ent = readdir(d))) {
    if (ent->d_name[0] == '.' || !strcmp(ent->d_name, "plugins")) continue;
    char *p = join(dir, ent->d_name);
    if (!p) {
      rc = oom(&b);
      break;
    }
    if (!is_dir(p)) {
      ev__free(p);
      continue;
    }
    if (n_subs == cap) {
      cap = cap ? cap * 2 : 8;
      char **q = ev__realloc(subs, cap * sizeof *q);
      if (!q) {
        ev__free(p);
        rc = oom(&b);
        break;
      }
      subs = q;
    }
    subs[n_subs++] = p;
  }
  if (d) closedir(d);
  if (subs) qsort(subs, n_subs, sizeof *subs, cmp_str);
  for (size_t i = 0; i < n_subs; i++) {
    if (!rc) rc = scan_run(&b, subs[i], subs[i] + strlen(dir) + (dir[strlen(dir) - 1] == '/' ? 0 : 1));
    ev__free(subs[i]);
  }
  ev__free(subs);
  if (!rc && l->n_embeddings == 0)
    rc = ev__err(err, EV_ENOTFOUND,
                 "log dir %s: no embeddings (no projector_config.pbtxt, and no checkpoint with a 2-D tensor, "
                 "here or in its sub-directories)",
                 dir);
  ev__tb_scope_free(&b.scope);
  if (rc)
    ev_tb_logdir_free(l);
  else
    *out = l;
  return rc;
}

int ev_tb_embedding_load(const ev_tb_embedding *e, ev_dataset **out, ev_notes *notes, ev_error *err) {
  ev__budget b;
  ev__budget_init(&b, 0);
  return ev__tb_embedding_load(e, out, notes, &b, err);
}

int ev__tb_embedding_load(const ev_tb_embedding *e, ev_dataset **out, ev_notes *notes, ev__budget *b,
                          ev_error *err) {
  *out = NULL;
  ev_dataset *ds = ev__calloc(1, sizeof *ds);
  if (!ds) return ev__err(err, EV_ENOMEM, "log dir: out of memory");
  int rc = EV_OK;
  ds->path = ev__strdup(e->checkpoint ? e->checkpoint : e->tensor_path);
  ds->source.format = EV_FORMAT_TENSORBOARD;
  if (e->checkpoint) {
    ev_tf_checkpoint *c = NULL;
    rc = ev__tf_checkpoint_open(e->checkpoint, &c, b, err);
    const ev_tf_tensor *t = rc ? NULL : ev_tf_checkpoint_find(c, e->tensor_key);
    if (!rc && !t) rc = ev__err(err, EV_ENOTFOUND, "checkpoint %s: no tensor '%s'", e->checkpoint, e->tensor_key);
    if (!rc) rc = ev__tf_tensor_read(c, t, &ds->x, b, err);
    if (!rc) {
      snprintf(ds->source.dtype, sizeof ds->source.dtype, "%s", ev_tf_dtype_name(t->dtype));
      snprintf(ds->source.detail, sizeof ds->source.detail, "TensorFlow checkpoint, tensor '%s'", t->name);
      ds->source.ndim = t->ndim;
      for (int d = 0; d < t->ndim; d++) ds->source.shape[d] = t->shape[d];
    }
    ev_tf_checkpoint_free(c);
  } else {
    rc = ev__tb_tensor_file_read(e->tensor_path, e->n_cols, 0, &ds->x, &ds->source, notes, b, err);
  }
  if (!rc && e->metadata_path) rc = ev__metadata_read(e->metadata_path, ds->x->n_rows, &ds->meta, notes, b, err);
  if (rc) {
    ev_dataset_free(ds);
    return rc;
  }
  if (e->sprite_path) { /* thumbnails are a nicety: a bad sprite is a note, not a failure */
    ev_tb_embedding sized = *e;
    sized.n_rows = ds->x->n_rows;
    ev_error serr = {0};
    if (ev_tb_sprite_check(&sized, &ds->thumbs, &serr)) ev__note(notes, "%s; no thumbnails", serr.msg);
  }
  *out = ds;
  return EV_OK;
}

static int matches(const ev_tb_embedding *e, const char *want) {
  if (!strcmp(e->name, want) || (e->tensor_key && !strcmp(e->tensor_key, want))) return 1;
  size_t r = strlen(e->run);
  return !strncmp(want, e->run, r) && want[r] == '/' && !strcmp(want + r + 1, e->name);
}

int ev__tb_load(const char *path, const ev_load_options *opts, ev_dataset **out, ev_notes *notes, ev__budget *b,
                ev_error *err) {
  *out = NULL;
  const char *tensor = opts->tensor;
  size_t n = strlen(path);
  if (n > 5 && !strcmp(path + n - 5, ".json")) return ev__tb_standalone_load(path, opts, out, notes, b, err);
  if (n > 6 && !strcmp(path + n - 6, ".index")) { /* a checkpoint by itself */
    char *prefix = ev__strdup(path);
    if (!prefix) return ev__err(err, EV_ENOMEM, "input: out of memory");
    prefix[n - 6] = '\0';
    ev_tf_checkpoint *c = NULL;
    int rc = ev__tf_checkpoint_open(prefix, &c, b, err);
    ev_tb_embedding e = {0};
    if (!rc) {
      const ev_tf_tensor *t = tensor ? ev_tf_checkpoint_find(c, tensor) : NULL;
      char list[1024];
      int k = list_candidates(c, list, sizeof list);
      if (!tensor && k == 1)
        for (int64_t i = 0; i < c->n_tensors; i++)
          if (ev_tf_tensor_is_embedding(&c->tensors[i])) t = &c->tensors[i];
      if (!t)
        rc = ev__err(err, EV_ENOTFOUND, "checkpoint %s: %s%s%s; 2-D tensors: %s", path, tensor ? "no tensor '" : "",
                     tensor ? tensor : "several tensors, choose one with --tensor",
                     tensor ? "'" : "", k ? list : "none");
      else
        e.tensor_key = t->name;
    }
    if (!rc) {
      e.checkpoint = prefix;
      e.name = e.tensor_key;
      e.run = (char *)".";
      rc = ev__tb_embedding_load(&e, out, notes, b, err);
    }
    ev_tf_checkpoint_free(c);
    ev__free(prefix);
    return rc;
  }
  char *dir = ev__strdup(path);
  if (!dir) return ev__err(err, EV_ENOMEM, "input: out of memory");
  if (n > 6 && !strcmp(path + n - 6, ".pbtxt")) {
    char *slash = strrchr(dir, '/');
    if (slash) *slash = '\0';
    else strcpy(dir, ".");
  }
  ev_tb_logdir *l = NULL;
  int rc = ev_tb_logdir_open(dir, opts, &l, notes, err);
  const ev_tb_embedding *pick = NULL;
  for (int i = 0; !rc && i < l->n_embeddings && !pick; i++)
    if (!tensor || matches(&l->embeddings[i], tensor)) pick = &l->embeddings[i];
  if (!rc && !pick) {
    char list[1024];
    size_t used = 0;
    for (int i = 0; i < l->n_embeddings && used < sizeof list; i++)
      used += (size_t)snprintf(list + used, sizeof list - used, "%s'%s/%s'", i ? ", " : "", l->embeddings[i].run,
                               l->embeddings[i].name);
    rc = ev__err(err, EV_ENOTFOUND, "log dir %s: no embedding '%s'; it has %s", dir, tensor, list);
  }
  if (!rc && !tensor && l->n_embeddings > 1)
    ev__note(notes, "log dir %s holds %d embeddings; loading '%s/%s' (choose with --tensor)", dir, l->n_embeddings,
             pick->run, pick->name);
  if (!rc) rc = ev__tb_embedding_load(pick, out, notes, b, err);
  ev_tb_logdir_free(l);
  ev__free(dir);
  return rc;
}

int ev_tb_sprite_check(const ev_tb_embedding *e, ev_thumbnails **out, ev_error *err) {
  *out = NULL;
  if (!e->sprite_path) return ev__err(err, EV_ENOTFOUND, "embedding '%s' has no sprite", e->name);
  if (e->sprite_dim[0] < 1 || e->sprite_dim[1] < 1)
    return ev__err(err, EV_EFORMAT, "embedding '%s': the sprite has no single_image_dim", e->name);
  if (e->sprite_dim[0] > 8192 || e->sprite_dim[1] > 8192)
    return ev__err(err, EV_ERANGE, "embedding '%s': single_image_dim %lld x %lld is beyond 8192", e->name,
                   (long long)e->sprite_dim[0], (long long)e->sprite_dim[1]);
  return ev_sprite_read(e->sprite_path, e->n_rows, (int)e->sprite_dim[0], (int)e->sprite_dim[1], out, err);
}
