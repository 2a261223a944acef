/* tb_bookmarks.c — the projector's bookmarks files: a JSON array of saved
 * states, each with a "label". */
#include <string.h>

#include "core/file.h"
#include "core/internal.h"
#include "embview/tensorboard.h"
#include "io/json.h"

void ev_tb_bookmarks_free(ev_tb_bookmarks *b) {
  if (!b) return;
  for (int i = 0; i < b->n; i++) ev__free(b->labels[i]);
  ev__free(b->labels);
  ev__free(b);
}

int ev_tb_bookmarks_read(const char *path, ev_tb_bookmarks **out, ev_error *err) {
  *out = NULL;
  ev__buf text = {0};
  ev__json *root = NULL;
  int rc = ev__file_read_all(path, "bookmarks", (size_t)256 << 20, &text, err);
  if (!rc) rc = ev__json_parse(text.data ? (const char *)text.data : "", text.len, path, &root, err);
  ev__buf_free(&text);
  if (rc) return rc;
  if (root->type != EV__JSON_ARRAY) {
    ev__json_free(root);
    return ev__err(err, EV_EFORMAT, "bookmarks %s: expected a JSON array of saved states", path);
  }
  ev_tb_bookmarks *b = ev__calloc(1, sizeof *b);
  if (b && root->n) b->labels = ev__calloc((size_t)root->n, sizeof *b->labels);
  if (!b || (root->n && !b->labels)) {
    ev__free(b);
    ev__json_free(root);
    return ev__err(err, EV_ENOMEM, "bookmarks %s: out of memory", path);
  }
  for (int i = 0; i < root->n; i++) {
    const ev__json *state = &root->items[i];
    if (state->type != EV__JSON_OBJECT) {
      rc = ev__err(err, EV_EFORMAT, "bookmarks %s: state %d is not an object", path, i);
      break;
    }
    const ev__json *label = ev__json_get(state, "label");
    b->labels[i] = ev__strdup(label && label->type == EV__JSON_STRING ? label->string : "");
    if (!b->labels[i]) {
      rc = ev__err(err, EV_ENOMEM, "bookmarks %s: out of memory", path);
      break;
    }
    b->n = i + 1;
  }
  ev__json_free(root);
  if (rc) {
    ev_tb_bookmarks_free(b);
    return rc;
  }
  *out = b;
  return EV_OK;
}
