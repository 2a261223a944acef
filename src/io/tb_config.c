/* tb_config.c — projector_config.pbtxt and the `checkpoint` state file:
 * the text-format tree mapped onto ProjectorConfig / EmbeddingInfo /
 * SpriteMetadata / CheckpointState fields (formats doc §2, §3). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/file.h"
#include "core/internal.h"
#include "embview/tensorboard.h"
#include "io/pbtxt.h"

#define CONFIG_LIMIT ((size_t)16 << 20)

void ev_tb_config_free(ev_tb_config *c) {
  if (!c) return;
  for (int i = 0; i < c->n_embeddings; i++) {
    ev_tb_embedding_info *e = &c->embeddings[i];
    ev__free(e->tensor_name);
    ev__free(e->metadata_path);
    ev__free(e->bookmarks_path);
    ev__free(e->tensor_path);
    ev__free(e->sprite_image_path);
  }
  ev__free(c->embeddings);
  ev__free(c->model_checkpoint_path);
  ev__free(c->model_checkpoint_dir);
  ev__free(c);
}

typedef struct mapper {
  const char *source;
  ev_notes *notes;
  ev_error *err;
} mapper;

static int field_error(mapper *mp, const ev__pbtxt_node *n, const char *what) {
  return ev__err(mp->err, EV_EFORMAT, "%s:%d:%d: field '%s': %s", mp->source, n->line, n->col, n->name, what);
}

static void unknown(mapper *mp, const ev__pbtxt_node *n, const char *message) {
  ev__note(mp->notes, "%s:%d:%d: unknown field '%s' in %s ignored (TensorBoard would refuse the file)", mp->source,
           n->line, n->col, n->name, message);
}

/* a singular string field: set once */
static int take_string(mapper *mp, const ev__pbtxt_node *n, char **dst) {
  if (n->kind != EV__PBTXT_STRING) return field_error(mp, n, "expected a quoted string");
  if (*dst) return field_error(mp, n, "given twice (it is not a repeated field)");
  if (strlen(n->value) != n->value_len) return field_error(mp, n, "the path contains a NUL byte");
  *dst = ev__strdup(n->value);
  if (!*dst) return ev__err(mp->err, EV_ENOMEM, "%s: out of memory", mp->source);
  return EV_OK;
}

/* one element of a repeated uint32 field */
static int take_uint(mapper *mp, const ev__pbtxt_node *n, int64_t *dst, int *count, int max) {
  if (n->kind != EV__PBTXT_SCALAR) return field_error(mp, n, "expected a number");
  char *end;
  errno = 0;
  unsigned long long v = strtoull(n->value, &end, 0);
  if (*end || errno || n->value[0] == '-' || v > 0xffffffffull) return field_error(mp, n, "expected an unsigned 32-bit integer");
  if (*count >= max) return field_error(mp, n, "too many values");
  dst[(*count)++] = (int64_t)v;
  return EV_OK;
}

static int map_sprite(mapper *mp, const ev__pbtxt_node *m, ev_tb_embedding_info *e) {
  for (int i = 0; i < m->n_children; i++) {
    const ev__pbtxt_node *n = &m->children[i];
    int rc = EV_OK;
    if (!strcmp(n->name, "image_path"))
      rc = take_string(mp, n, &e->sprite_image_path);
    else if (!strcmp(n->name, "single_image_dim"))
      rc = take_uint(mp, n, e->sprite_dim, &e->n_sprite_dim, 2);
    else
      unknown(mp, n, "sprite");
    if (rc) return rc;
  }
  return EV_OK;
}

static int map_embedding(mapper *mp, const ev__pbtxt_node *m, ev_tb_embedding_info *e) {
  int have_sprite = 0;
  e->line = m->line;
  for (int i = 0; i < m->n_children; i++) {
    const ev__pbtxt_node *n = &m->children[i];
    int rc = EV_OK;
    if (!strcmp(n->name, "tensor_name"))
      rc = take_string(mp, n, &e->tensor_name);
    else if (!strcmp(n->name, "metadata_path"))
      rc = take_string(mp, n, &e->metadata_path);
    else if (!strcmp(n->name, "bookmarks_path"))
      rc = take_string(mp, n, &e->bookmarks_path);
    else if (!strcmp(n->name, "tensor_path"))
      rc = take_string(mp, n, &e->tensor_path);
    else if (!strcmp(n->name, "tensor_shape"))
      rc = take_uint(mp, n, e->tensor_shape, &e->n_tensor_shape, 8);
    else if (!strcmp(n->name, "sprite")) {
      if (n->kind != EV__PBTXT_MESSAGE) rc = field_error(mp, n, "expected a { ... } block");
      else if (have_sprite++) rc = field_error(mp, n, "given twice (it is not a repeated field)");
      else rc = map_sprite(mp, n, e);
    } else {
      unknown(mp, n, "embeddings");
    }
    if (rc) return rc;
  }
  return EV_OK;
}

int ev_tb_config_parse(const char *text, size_t len, const char *source, ev_tb_config **out, ev_notes *notes,
                       ev_error *err) {
  *out = NULL;
  ev__pbtxt_node *root = NULL;
  int rc = ev__pbtxt_parse(text, len, source, &root, err);
  if (rc) return rc;
  ev_tb_config *c = ev__calloc(1, sizeof *c);
  mapper mp = {source, notes, err};
  int n_emb = 0;
  for (int i = 0; i < root->n_children; i++) n_emb += !strcmp(root->children[i].name, "embeddings");
  if (!c || (n_emb && !(c->embeddings = ev__calloc((size_t)n_emb, sizeof *c->embeddings)))) {
    rc = ev__err(err, EV_ENOMEM, "%s: out of memory", source);
    goto done;
  }
  for (int i = 0; i < root->n_children && !rc; i++) {
    const ev__pbtxt_node *n = &root->children[i];
    if (!strcmp(n->name, "model_checkpoint_path"))
      rc = take_string(&mp, n, &c->model_checkpoint_path);
    else if (!strcmp(n->name, "model_checkpoint_dir"))
      rc = take_string(&mp, n, &c->model_checkpoint_dir);
    else if (!strcmp(n->name, "embeddings")) {
      if (n->kind != EV__PBTXT_MESSAGE) rc = field_error(&mp, n, "expected a { ... } block");
      else rc = map_embedding(&mp, n, &c->embeddings[c->n_embeddings++]);
    } else {
      unknown(&mp, n, "the projector config");
    }
  }
done:
  ev__pbtxt_free(root);
  if (rc)
    ev_tb_config_free(c);
  else
    *out = c;
  return rc;
}

int ev_tb_config_read(const char *path, ev_tb_config **out, ev_notes *notes, ev_error *err) {
  ev__buf text = {0};
  int rc = ev__file_read_all(path, "projector config", CONFIG_LIMIT, &text, err);
  if (!rc) rc = ev_tb_config_parse(text.data ? (const char *)text.data : "", text.len, path, out, notes, err);
  ev__buf_free(&text);
  return rc;
}

int ev_tb_checkpoint_state_read(const char *path, char **model_checkpoint_path, ev_notes *notes, ev_error *err) {
  *model_checkpoint_path = NULL;
  ev__buf text = {0};
  ev__pbtxt_node *root = NULL;
  int rc = ev__file_read_all(path, "checkpoint state", CONFIG_LIMIT, &text, err);
  if (!rc) rc = ev__pbtxt_parse(text.data ? (const char *)text.data : "", text.len, path, &root, err);
  mapper mp = {path, notes, err};
  char *p = NULL;
  for (int i = 0; !rc && i < root->n_children; i++) {
    const ev__pbtxt_node *n = &root->children[i];
    if (!strcmp(n->name, "model_checkpoint_path"))
      rc = take_string(&mp, n, &p);
    else if (strcmp(n->name, "all_model_checkpoint_paths") && strcmp(n->name, "all_model_checkpoint_timestamps") &&
             strcmp(n->name, "last_preserved_timestamp"))
      unknown(&mp, n, "the checkpoint state");
  }
  if (!rc && (!p || !p[0])) rc = ev__err(err, EV_EFORMAT, "%s: no model_checkpoint_path", path);
  ev__pbtxt_free(root);
  ev__buf_free(&text);
  if (rc)
    ev__free(p);
  else
    *model_checkpoint_path = p;
  return rc;
}

/* a string literal with the escapes text format needs */
static void put_quoted(FILE *f, const char *s) {
  fputc('"', f);
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;
    if (c == '"' || c == '\\') fprintf(f, "\\%c", c);
    else if (c == '\n') fputs("\\n", f);
    else if (c < 0x20 || c == 0x7f) fprintf(f, "\\%03o", c);
    else fputc(c, f);
  }
  fputc('"', f);
}

int ev_tb_config_write(const char *path, const ev_tb_config *c, ev_error *err) {
  ev__atomic at;
  int rc = ev__atomic_begin(&at, path, "projector config", err);
  if (rc) return rc;
  FILE *f = at.fp;
  if (c->model_checkpoint_path) fputs("model_checkpoint_path: ", f), put_quoted(f, c->model_checkpoint_path), fputc('\n', f);
  for (int i = 0; i < c->n_embeddings; i++) {
    const ev_tb_embedding_info *e = &c->embeddings[i];
    fputs("embeddings {\n", f);
    if (e->tensor_name) fputs("  tensor_name: ", f), put_quoted(f, e->tensor_name), fputc('\n', f);
    if (e->metadata_path) fputs("  metadata_path: ", f), put_quoted(f, e->metadata_path), fputc('\n', f);
    if (e->bookmarks_path) fputs("  bookmarks_path: ", f), put_quoted(f, e->bookmarks_path), fputc('\n', f);
    for (int d = 0; d < e->n_tensor_shape; d++) fprintf(f, "  tensor_shape: %lld\n", (long long)e->tensor_shape[d]);
    if (e->sprite_image_path) {
      fputs("  sprite {\n    image_path: ", f);
      put_quoted(f, e->sprite_image_path);
      fputc('\n', f);
      for (int d = 0; d < e->n_sprite_dim; d++) fprintf(f, "    single_image_dim: %lld\n", (long long)e->sprite_dim[d]);
      fputs("  }\n", f);
    }
    if (e->tensor_path) fputs("  tensor_path: ", f), put_quoted(f, e->tensor_path), fputc('\n', f);
    fputs("}\n", f);
  }
  return ev__atomic_commit(&at, "projector config", err);
}
