/* map_quality.c — load vectors and labels, map the points with UMAP (the
 * library's one recipe), and say how faithful the map is and which classes
 * overlap in the input and on the map.  Links libembview only (no cairo).
 *
 *   map_quality VECTORS LABELS [N]
 *
 * e.g. map_quality data/mnist10k-images-idx3-ubyte.gz data/mnist10k-labels-idx1-ubyte.gz 2000
 * uses the first N points (default 2000).  Exit status 1 on any error. */
#include <embview/embview.h>
#include <stdio.h>
#include <stdlib.h>

static int fail(const char *what, const ev_error *err) {
  fprintf(stderr, "map_quality: %s: %s\n", what, err->msg);
  return 1;
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: map_quality VECTORS LABELS [N]\n");
    return 2;
  }
  ev_error err = {0};
  ev_load_options opts = ev_load_options_default();
  opts.labels_path = argv[2];
  ev_dataset *ds = NULL;
  if (ev_dataset_load(argv[1], &opts, &ds, NULL, &err)) return fail("load", &err);

  /* The first n points: a view into the loaded matrix, no copy. */
  int64_t n = argc > 3 ? atoll(argv[3]) : 2000;
  if (n < 100 || n > ds->x->n_rows) n = ds->x->n_rows;
  ev_matrix *x = NULL;
  ev_labels *labels = NULL;
  ev_knn_graph *input_graph = NULL;
  ev_matrix *map = NULL;
  ev_map_assessment as = {0};
  int status = 1;
  int label_col = ds->meta ? ev_table_find_col(ds->meta, "label") : -1;
  if (ev_matrix_wrap(ds->x->data, n, ds->x->n_cols, ds->x->stride, &x, &err)) {
    fail("subset", &err);
    goto done;
  }
  if (label_col < 0) {
    fprintf(stderr, "map_quality: %s gave no label column\n", argv[2]);
    goto done;
  }
  if (ev_labels_from_column(ds->meta, label_col, &labels, &err)) {
    fail("labels", &err);
    goto done;
  }

  /* The map, by the library's one recipe (the map `embview embed --method
   * umap` makes): UMAP on its own kNN graph of the input. */
  ev_map_params mp = ev_map_params_default(EV_MAP_UMAP);
  ev_map_info info;
  if (ev_map_compute(x, NULL, &mp, &map, &info, &err)) {
    fail("UMAP", &err);
    goto done;
  }
  printf("UMAP of %lld points x %lld dims: %d epochs, %lld edges\n", (long long)n, (long long)x->n_cols,
         info.n_iterations, (long long)info.umap.n_edges);
  ev_map_info_clear(&info);

  /* How faithful the map is, and which classes mix in the input (the
   * analyses' graph) and on the map: what `embview analyze` reports. */
  ev_knn_params ap = ev_analysis_knn_params_default();
  if (ev_knn_graph_build(x, &ap, &input_graph, &err)) {
    fail("analysis graph", &err);
    goto done;
  }
  ev_labels head = *labels; /* the labels of the first n points: the same codes and names, fewer points */
  head.n = n;
  head.n_missing = 0;
  for (int64_t i = 0; i < n; i++) head.n_missing += labels->codes[i] < 0;
  if (ev_map_assess(x, map, input_graph, &head, NULL, &as, &err)) {
    fail("assessment", &err);
    goto done;
  }
  const ev_map_quality *q = &as.quality;
  printf("trustworthiness %.3f  continuity %.3f  kNN recall %.3f  kNN accuracy %.3f\n", q->trustworthiness,
         q->continuity, q->knn_recall, q->knn_accuracy);
  for (int i = 0; i < as.overlap->n_pairs && i < 3; i++) {
    const ev_overlap_pair *p = &as.overlap->pairs[i];
    printf("classes %s and %s overlap %.3f (map %.3f): %s\n", labels->class_names[p->a],
           labels->class_names[p->b], p->score, p->map_score, ev_overlap_verdict_name(p->verdict));
  }
  status = q->trustworthiness > 0.8 ? 0 : 1; /* a map this poor means something broke */
done:
  ev_map_assessment_clear(&as);
  ev_knn_graph_free(input_graph);
  ev_matrix_free(map);
  ev_labels_free(labels);
  ev_matrix_free(x);
  ev_dataset_free(ds);
  return status;
}
