/* tensorboard_export.c — write vectors, their labels and (for images) a
 * sprite sheet as a TensorBoard projector log dir, then read it back as
 * any log dir is read.  Links libembview only (no cairo).
 *
 *   tensorboard_export VECTORS LABELS LOGDIR [N]
 *
 * e.g. tensorboard_export data/mnist10k-images-idx3-ubyte.gz data/mnist10k-labels-idx1-ubyte.gz logs 500
 * then `tensorboard --logdir logs` shows the first N points (default 500). */
#include <embview/embview.h>
#include <stdio.h>
#include <stdlib.h>

static int fail(const char *what, const ev_error *err) {
  fprintf(stderr, "tensorboard_export: %s: %s\n", what, err->msg);
  return 1;
}

int main(int argc, char **argv) {
  if (argc < 4) {
    fprintf(stderr, "usage: tensorboard_export VECTORS LABELS LOGDIR [N]\n");
    return 2;
  }
  ev_error err = {0};
  ev_notes notes = {0};
  ev_load_options opts = ev_load_options_default();
  opts.labels_path = argv[2];
  ev_dataset *ds = NULL, *back = NULL;
  if (ev_dataset_load(argv[1], &opts, &ds, NULL, &err)) return fail("load", &err);

  int64_t n = argc > 4 ? atoll(argv[4]) : 500;
  if (n < 1 || n > ds->x->n_rows) n = ds->x->n_rows;
  int status = 1;
  ev_matrix *x = NULL;
  ev_table *meta = NULL;
  const char **labels = malloc((size_t)n * sizeof *labels);
  int col = ds->meta ? ev_table_find_col(ds->meta, "label") : -1;
  if (!labels || col < 0) {
    fprintf(stderr, "tensorboard_export: no labels\n");
    goto done;
  }
  /* The first n points (a view: no copy) keep the images' shape, so that
   * the export draws them into a sprite sheet. */
  if (ev_matrix_wrap(ds->x->data, n, ds->x->n_cols, ds->x->stride, &x, &err)) {
    fail("subset", &err);
    goto done;
  }
  x->image_h = ds->x->image_h;
  x->image_w = ds->x->image_w;
  x->image_c = ds->x->image_c;
  for (int64_t i = 0; i < n; i++) labels[i] = ev_table_cell(ds->meta, i, col);
  if (ev_table_new(n, &meta, &err) || ev_table_add_column(meta, "label", labels, &err)) {
    fail("metadata", &err);
    goto done;
  }

  ev_dataset out = {.x = x, .meta = meta};
  ev_tb_export_options eo = ev_tb_export_options_default();
  eo.tensor_name = "digits";
  eo.force = 1; /* replace what an earlier run left */
  if (ev_tb_export(argv[3], &out, &eo, &notes, &err)) {
    fail("export", &err);
    goto done;
  }
  for (int i = 0; i < notes.n; i++) printf("note: %s\n", notes.msg[i]);
  ev_notes_clear(&notes);

  /* Read it back, sprite included, as TensorBoard would. */
  if (ev_dataset_load(argv[3], NULL, &back, &notes, &err)) {
    fail("reading the log dir back", &err);
    goto done;
  }
  printf("%s: %lld x %lld vectors, %d metadata column(s), %s\n", argv[3], (long long)back->x->n_rows,
         (long long)back->x->n_cols, back->meta ? ev_table_n_cols(back->meta) : 0,
         back->thumbs ? "thumbnails from the sprite" : "no sprite");
  status = back->x->n_rows == n && (!x->image_w || back->thumbs) ? 0 : 1;
done:
  ev_dataset_free(back);
  ev_table_free(meta);
  ev_matrix_free(x);
  free(labels);
  ev_dataset_free(ds);
  return status;
}
