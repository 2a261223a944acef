/* map_quality.c — load vectors and labels, build a kNN graph, map the
 * points with UMAP, and say how faithful the map is and which classes
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
  ev_load_options opts;
  ev_load_options_default(&opts);
  opts.labels_path = argv[2];
  ev_dataset *ds = NULL;
  if (ev_dataset_load(argv[1], &opts, &ds, NULL, &err)) return fail("load", &err);

  /* The first n points: a view into the loaded matrix, no copy. */
  int64_t n = argc > 3 ? atoll(argv[3]) : 2000;
  if (n < 100 || n > ds->x->n_rows) n = ds->x->n_rows;
  ev_matrix *x = NULL;
  ev_labels *labels = NULL;
  ev_knn_graph *graph = NULL, *input_graph = NULL, *map_graph = NULL;
  ev_matrix *map = NULL;
  ev_overlap *overlap = NULL;
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

  /* UMAP on its own kNN graph (15 neighbours, the point itself counted). */
  ev_umap_params up = ev_umap_params_default();
  up.seed = 42;
  ev_knn_params kp = ev_knn_params_default();
  kp.k = up.n_neighbors - 1;
  if (ev_knn_graph_build(x, &kp, &graph, &err)) {
    fail("kNN graph", &err);
    goto done;
  }
  ev_umap_info info;
  if (ev_umap_run(x, graph, &up, &map, &info, &err)) {
    fail("UMAP", &err);
    goto done;
  }
  printf("UMAP of %lld points x %lld dims: %d epochs, %lld edges\n", (long long)n, (long long)x->n_cols,
         info.n_epochs, (long long)info.n_edges);

  /* How faithful the map is: neighbourhoods kept, and k-NN label accuracy. */
  ev_map_quality q;
  if (ev_map_quality_compute(x, map, labels->codes, 15, 0, 42, 0, &q, &err)) {
    fail("quality", &err);
    goto done;
  }
  printf("trustworthiness %.3f  continuity %.3f  kNN recall %.3f  kNN accuracy %.3f\n", q.trustworthiness,
         q.continuity, q.knn_recall, q.knn_accuracy);

  /* Which classes mix: in the input (the analyses' graph) and on the map. */
  ev_knn_params ap = ev_analysis_knn_params();
  ev_knn_params mp = ev_knn_params_default();
  mp.k = ap.k;
  if (ev_knn_graph_build(x, &ap, &input_graph, &err) || ev_knn_graph_build(map, &mp, &map_graph, &err) ||
      ev_overlap_compute(input_graph, map_graph, labels->codes, labels->n_classes, 0, &overlap, &err)) {
    fail("overlap", &err);
    goto done;
  }
  for (int i = 0; i < overlap->n_pairs && i < 3; i++) {
    const ev_overlap_pair *p = &overlap->pairs[i];
    printf("classes %s and %s overlap %.3f (map %.3f): %s\n", labels->class_names[p->a],
           labels->class_names[p->b], p->score, p->map_score, p->verdict);
  }
  status = q.trustworthiness > 0.8 ? 0 : 1; /* a map this poor means something broke */
done:
  ev_overlap_free(overlap);
  ev_knn_graph_free(map_graph);
  ev_knn_graph_free(input_graph);
  ev_matrix_free(map);
  ev_knn_graph_free(graph);
  ev_labels_free(labels);
  ev_matrix_free(x);
  ev_dataset_free(ds);
  return status;
}
