/* fuzz_pbtxt.c — protobuf text format (src/io/pbtxt.c) and its mapping onto
 * projector configs and checkpoint state files (src/io/tb_config.c).
 *
 * Input: a projector_config.pbtxt or a `checkpoint` file.  Reaches: the
 * lexer (comments, both quote kinds with every escape, adjacent literals,
 * identifiers and numbers), messages in {} and <>, lists, separators, the
 * depth limit, line and column in errors; the mapping's singular, repeated
 * and unknown fields; the state file's fields.
 *
 * Oracle: a config that parses is written by ev_tb_config_write and read
 * back; every field the writer writes must come back equal (a writer that
 * does not quote a value the parser accepts would fail here). */
#include <stdlib.h>
#include <string.h>

#include "embview/tensorboard.h"
#include "fuzz_util.h"

static int same_str(const char *a, const char *b) { return (!a && !b) || (a && b && !strcmp(a, b)); }

static void check_round_trip(const ev_tb_config *c) {
  char path[FZ_PATH_MAX];
  ev_error err = {0};
  ev_notes notes = {0};
  ev_tb_config *back = NULL;
  fz_path(path, "written.pbtxt");
  if (ev_tb_config_write(path, c, &err) != EV_OK) abort();
  if (ev_tb_config_read(path, &back, &notes, &err) != EV_OK) abort();
  int same = same_str(c->model_checkpoint_path, back->model_checkpoint_path) &&
             c->n_embeddings == back->n_embeddings;
  for (int i = 0; same && i < c->n_embeddings; i++) {
    const ev_tb_embedding_info *a = &c->embeddings[i], *b = &back->embeddings[i];
    same = same_str(a->tensor_name, b->tensor_name) && same_str(a->metadata_path, b->metadata_path) &&
           same_str(a->bookmarks_path, b->bookmarks_path) && same_str(a->tensor_path, b->tensor_path) &&
           same_str(a->sprite_image_path, b->sprite_image_path) && a->n_tensor_shape == b->n_tensor_shape &&
           !memcmp(a->tensor_shape, b->tensor_shape, sizeof a->tensor_shape[0] * (size_t)a->n_tensor_shape);
    /* sprite dimensions are written inside the sprite block, which needs an image path */
    if (same && a->sprite_image_path)
      same = a->n_sprite_dim == b->n_sprite_dim &&
             !memcmp(a->sprite_dim, b->sprite_dim, sizeof a->sprite_dim[0] * (size_t)a->n_sprite_dim);
  }
  ev_tb_config_free(back);
  fz_remove("written.pbtxt");
  if (!same) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char path[FZ_PATH_MAX];
  ev_error err = {0};
  ev_notes notes = {0};
  ev_tb_config *c = NULL;
  fz_init();
  int rc = ev_tb_config_parse((const char *)data, size, "input.pbtxt", &c, &notes, &err);
  fz_outcome("config", rc, &err);
  if (rc == EV_OK) {
    check_round_trip(c);
    ev_tb_config_free(c);
  }
  char *ckpt = NULL;
  fz_write(path, "checkpoint", data, size);
  rc = ev_tb_checkpoint_state_read(path, &ckpt, &notes, &err);
  fz_outcome("state", rc, &err);
  if (rc == EV_OK && (!ckpt || !ckpt[0])) abort();
  free(ckpt);
  return 0;
}
