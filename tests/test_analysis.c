/* test_analysis.c — map quality against scikit-learn, sampled estimates,
 * agreement with the test helpers' k-NN figures, bad input. */
#include "test.h"

/* T and C of a PCA map of 1,000 MNIST digits, against scikit-learn. */
TEST(trustworthiness_matches_sklearn) {
  ev_error err = {0};
  ev_matrix *x = test_mnist_rows(0, 1000), *y = NULL;
  ASSERT_TRUE(x != NULL);
  ev_umap_params p = ev_umap_params_default();
  p.n_epochs = 100;
  ASSERT_OK(ev_umap_run(x, NULL, &p, &y, NULL, &err), &err);
  const char *xp = test_out_path("tw_x.npy");
  ASSERT_OK(ev_npy_write(xp, x, &err), &err);
  char yp[512];
  snprintf(yp, sizeof yp, "%s", test_out_path("tw_y.npy"));
  ASSERT_OK(ev_npy_write(yp, y, &err), &err);
  for (int k = 5; k <= 12; k += 7) {
    char cmd[2048], out[256];
    snprintf(cmd, sizeof cmd, "/usr/bin/python3 %s/tests/gen/trustworthiness.py %s %s %d > %s", EV_SOURCE_DIR, xp, yp,
             k, test_out_path("tw_ref.txt"));
    ASSERT_EQ(test_system(cmd), 0);
    char *ref = test_read_file(test_out_path("tw_ref.txt"), NULL);
    ASSERT_TRUE(ref != NULL);
    double t_ref, c_ref;
    ASSERT_EQ(sscanf(ref, "%lf %lf", &t_ref, &c_ref), 2);
    free(ref);
    ev_map_quality q;
    ev_map_quality_params qp = ev_map_quality_params_default();
    qp.k = k;
    qp.seed = 1;
    ASSERT_OK(ev_map_quality_compute(x, y, NULL, &qp, &q, &err), &err);
    snprintf(out, sizeof out, "  k = %d: trustworthiness %.9f (scikit-learn %.9f), continuity %.9f (%.9f)\n", k,
             q.trustworthiness, t_ref, q.continuity, c_ref);
    fputs(out, stderr);
    ASSERT_NEAR(q.trustworthiness, t_ref, 1e-6);
    ASSERT_NEAR(q.continuity, c_ref, 1e-6);
    ASSERT_EQ(q.n_sampled, 1000);
    ASSERT_TRUE(isnan(q.knn_accuracy));
  }
  ev_matrix_free(x);
  ev_matrix_free(y);
}

/* Recall and accuracy as the tests' own helper computes them; a sample
 * estimates the exact figures; the thread count changes nothing. */
TEST(sampled_estimates_and_knn_figures) {
  ev_error err = {0};
  ev_matrix *x = test_mnist_rows(0, 3000), *y = NULL;
  const int32_t *labels = test_mnist_labels();
  ASSERT_TRUE(x && labels);
  ev_umap_params p = ev_umap_params_default();
  p.n_epochs = EV_TEST_SANITIZED ? 30 : 200;
  ASSERT_OK(ev_umap_run(x, NULL, &p, &y, NULL, &err), &err);
  ev_map_quality all, one, part;
  ev_map_quality_params qp = ev_map_quality_params_default();
  qp.k = 10;
  qp.seed = 1;
  qp.n_threads = 2;
  ASSERT_OK(ev_map_quality_compute(x, y, labels, &qp, &all, &err), &err);
  qp.n_threads = 1;
  ASSERT_OK(ev_map_quality_compute(x, y, labels, &qp, &one, &err), &err);
  ASSERT_TRUE(!memcmp(&all, &one, sizeof all));
  double acc, recall;
  test_embed_quality(x, y, labels, &acc, &recall);
  /* same definitions; the helper's input-space neighbours come from the exact
   * integer kernel, these from float32 sgemm distances, which can order
   * near-ties differently (measured: 1 neighbour in 30,000) */
  ASSERT_NEAR(all.knn_accuracy, acc, 1e-3);
  ASSERT_NEAR(all.knn_recall, recall, 1e-3);
  qp.sample = 600;
  qp.seed = 7;
  qp.n_threads = 0;
  ASSERT_OK(ev_map_quality_compute(x, y, labels, &qp, &part, &err), &err);
  fprintf(stderr, "  exact T %.4f C %.4f recall %.4f acc %.4f; 600-point sample T %.4f C %.4f recall %.4f acc %.4f\n",
          all.trustworthiness, all.continuity, all.knn_recall, all.knn_accuracy, part.trustworthiness,
          part.continuity, part.knn_recall, part.knn_accuracy);
  ASSERT_EQ(part.n_sampled, 600);
  ASSERT_NEAR(part.trustworthiness, all.trustworthiness, 0.01);
  ASSERT_NEAR(part.continuity, all.continuity, 0.01);
  ASSERT_NEAR(part.knn_recall, all.knn_recall, 0.03);
  /* bad input */
  qp = ev_map_quality_params_default();
  qp.k = 1500;
  ASSERT_ERR(ev_map_quality_compute(x, y, labels, &qp, &part, &err), EV_EINVAL, &err, "below N / 2");
  ev_matrix *y2 = test_mnist_rows(0, 10);
  qp.k = 10;
  ASSERT_ERR(ev_map_quality_compute(x, y2, labels, &qp, &part, &err), EV_EMISMATCH, &err, "3000");
  ASSERT_ERR(ev_map_quality_compute(x, y2, labels, NULL, &part, &err), EV_EMISMATCH, &err, "3000"); /* NULL: defaults */
  ev_matrix_free(y2);
  ev_matrix_free(x);
  ev_matrix_free(y);
}


/* MNIST-10k's class overlaps against an independent classifier's confusions. */
TEST(overlap_agrees_with_a_classifier) {
  ev_error err = {0};
  const ev_matrix *x = test_mnist();
  const int32_t *labels = test_mnist_labels();
  ASSERT_TRUE(x && labels);
  ev_knn_params kp = ev_analysis_knn_params_default();
  ev_knn_graph *g = NULL;
  ASSERT_OK(ev_knn_graph_build(x, &kp, &g, &err), &err);
  ev_overlap *o = NULL;
  ASSERT_OK(ev_overlap_compute(g, NULL, labels, 10, NULL, &o, &err), &err);
  ASSERT_EQ(o->n_pairs, 45);
  for (int q = 1; q < 45; q++) ASSERT_TRUE(o->pairs[q].score <= o->pairs[q - 1].score);
  /* the confusion matrix counts every point once; shares sum to 1 per class */
  int64_t total = 0;
  for (int t = 0; t < 100; t++) total += o->confusion[t];
  ASSERT_EQ(total, 10000);
  for (int a = 0; a < 10; a++) {
    double s = 0;
    for (int b = 0; b < 10; b++) s += o->share[a * 10 + b];
    ASSERT_NEAR(s, 1.0, 1e-9);
  }
  FILE *f = fopen(test_out_path("overlap_scores.txt"), "w");
  for (int q = 0; q < 45; q++) fprintf(f, "%d %d %.9g\n", o->pairs[q].a, o->pairs[q].b, o->pairs[q].score);
  fclose(f);
  fprintf(stderr, "  top pairs:");
  for (int q = 0; q < 5; q++) fprintf(stderr, " %d-%d (%.4f)", o->pairs[q].a, o->pairs[q].b, o->pairs[q].score);
  fprintf(stderr, "\n");
  char cmd[2048];
  snprintf(cmd, sizeof cmd,
           "/usr/bin/python3 %s/tests/gen/confusion_reference.py %s/data/mnist10k-images-idx3-ubyte.gz "
           "%s/data/mnist10k-labels-idx1-ubyte.gz %s %s > %s",
           EV_SOURCE_DIR, EV_SOURCE_DIR, EV_SOURCE_DIR, test_out_path("overlap_scores.txt"),
           test_out_path("lr_predictions.npy"), test_out_path("overlap_reference.txt"));
  ASSERT_EQ(test_system(cmd), 0);
  char *ref = test_read_file(test_out_path("overlap_reference.txt"), NULL);
  ASSERT_TRUE(ref != NULL);
  double rho = 0;
  int top5 = 0;
  ASSERT_EQ(sscanf(ref, "spearman %lf top5 %d", &rho, &top5), 2);
  fprintf(stderr, "  against a cross-validated logistic regression: %s", ref);
  free(ref);
  ASSERT_TRUE(rho >= 0.75);
  ASSERT_TRUE(top5 >= 4);
  /* the verdicts against the map's own graph */
  ev_umap_params p = ev_umap_params_default();
  p.n_epochs = EV_TEST_SANITIZED ? 20 : 200;
  ev_matrix *y = NULL;
  ev_knn_graph *gy = NULL;
  ev_overlap *o2 = NULL;
  ASSERT_OK(ev_umap_run(x, g, &p, &y, NULL, &err), &err);
  ASSERT_OK(ev_knn_graph_build(y, &kp, &gy, &err), &err);
  ASSERT_OK(ev_overlap_compute(g, gy, labels, 10, NULL, &o2, &err), &err);
  int n_real = 0;
  for (int q = 0; q < 45; q++) n_real += o2->pairs[q].verdict == EV_OVERLAP_REAL;
  fprintf(stderr, "  on the UMAP map: %d real overlaps; top pair %d-%d %s (input %.4f, map %.4f)\n", n_real,
          o2->pairs[0].a, o2->pairs[0].b, ev_overlap_verdict_name(o2->pairs[0].verdict), o2->pairs[0].score, o2->pairs[0].map_score);
  ASSERT_TRUE(n_real >= 1);
  ASSERT_TRUE(o2->pairs[0].n_examples == 8);
  ev_overlap_free(o2);
  ev_knn_graph_free(gy);
  ev_matrix_free(y);
  /* bad input */
  ASSERT_ERR(ev_overlap_compute(g, NULL, labels, 5, NULL, &o2, &err), EV_EINVAL, &err, "beyond the 5 classes");
  /* the threshold comes from ev_overlap_params_default; 0 means 0 (every pair overlaps), not "the default" */
  ev_overlap_params op = ev_overlap_params_default();
  ASSERT_NEAR(op.threshold, 0.005, 0);
  op.threshold = 0;
  ASSERT_OK(ev_overlap_compute(g, NULL, labels, 10, &op, &o2, &err), &err);
  for (int q = 0; q < 45; q++) ASSERT_EQ(o2->pairs[q].verdict, EV_OVERLAP_INPUT);
  ev_overlap_free(o2);
  o2 = NULL;
  op.threshold = -1;
  ASSERT_ERR(ev_overlap_compute(g, NULL, labels, 10, &op, &o2, &err), EV_EINVAL, &err, "threshold -1");
  ASSERT_TRUE(o2 == NULL);
  ev_overlap_free(o);
  ev_knn_graph_free(g);
}

/* Flip 2% of MNIST-10k's labels to another class: the suspects must hold
 * them (the floors: 85% among the top m, and precision and recall of
 * the automatically chosen set at least 0.75). */
TEST(suspects_find_flipped_labels) {
  ev_error err = {0};
  const ev_matrix *x = test_mnist();
  const int32_t *truth = test_mnist_labels();
  ASSERT_TRUE(x && truth);
  ev_knn_params kp = ev_analysis_knn_params_default();
  ev_knn_graph *g = NULL;
  ASSERT_OK(ev_knn_graph_build(x, &kp, &g, &err), &err);
  int32_t *noisy = malloc(10000 * sizeof *noisy);
  char *flipped = calloc(10000, 1);
  memcpy(noisy, truth, 10000 * sizeof *noisy);
  uint64_t state = 20261130;
  int m = 0;
  while (m < 200) { /* splitmix64 draws: a point, then another class */
    uint64_t r = (state += 0x9e3779b97f4a7c15ULL);
    r = (r ^ (r >> 30)) * 0xbf58476d1ce4e5b9ULL;
    r = (r ^ (r >> 27)) * 0x94d049bb133111ebULL;
    r ^= r >> 31;
    int i = (int)(r % 10000);
    if (flipped[i]) continue;
    flipped[i] = 1;
    noisy[i] = (truth[i] + 1 + (int)((r >> 32) % 9)) % 10;
    m++;
  }
  ev_suspects *s = NULL;
  ASSERT_OK(ev_suspects_compute(g, noisy, 10, NULL, &s, &err), &err);
  int top = 0, hit = 0;
  for (int r = 0; r < m && r < s->n_ranked; r++) top += flipped[s->ranked[r]];
  for (int64_t r = 0; r < s->n_flagged; r++) hit += flipped[s->ranked[r]];
  double precision = s->n_flagged ? (double)hit / (double)s->n_flagged : 0, recall = (double)hit / m;
  fprintf(stderr, "  %d flipped: %d in the top %d; %lld flagged (estimate %lld): precision %.3f, recall %.3f\n", m,
          top, m, (long long)s->n_flagged, (long long)s->n_estimated, precision, recall);
  ASSERT_TRUE(top >= 0.85 * m);
  ASSERT_TRUE(precision >= 0.75 && recall >= 0.75);
  /* scores and suggestions are consistent; flagged points suggest another class */
  for (int64_t r = 0; r < s->n_ranked; r++) {
    int32_t i = s->ranked[r];
    ASSERT_TRUE(s->suggested[i] != noisy[i]);
    if (r) ASSERT_TRUE(s->score[i] <= s->score[s->ranked[r - 1]]);
  }
  /* the thread count changes nothing */
  ev_suspect_params sp = ev_suspect_params_default();
  sp.n_threads = 1;
  ev_suspects *s1 = NULL;
  ASSERT_OK(ev_suspects_compute(g, noisy, 10, &sp, &s1, &err), &err);
  ASSERT_EQ(s1->n_flagged, s->n_flagged);
  ASSERT_TRUE(!memcmp(s1->score, s->score, 10000 * sizeof *s->score));
  ev_suspects_free(s1);
  /* unlabelled points get no score but still pass labels on */
  for (int i = 0; i < 10000; i += 7) noisy[i] = -1;
  ASSERT_OK(ev_suspects_compute(g, noisy, 10, NULL, &s1, &err), &err);
  ASSERT_TRUE(isnan(s1->score[0]) && s1->suggested[0] >= 0);
  for (int64_t r = 0; r < s1->n_ranked; r++) ASSERT_TRUE(noisy[s1->ranked[r]] >= 0);
  ev_suspects_free(s1);
  /* one class: nothing to suspect */
  for (int i = 0; i < 10000; i++) noisy[i] = 0;
  ASSERT_OK(ev_suspects_compute(g, noisy, 1, NULL, &s1, &err), &err);
  ASSERT_EQ(s1->n_flagged, 0);
  ASSERT_EQ(s1->n_ranked, 0);
  ev_suspects_free(s1);
  ASSERT_ERR(ev_suspects_compute(g, truth, 5, NULL, &s1, &err), EV_EINVAL, &err, "beyond the 5 classes");
  sp.alpha = 1.0;
  ASSERT_ERR(ev_suspects_compute(g, truth, 10, &sp, &s1, &err), EV_EINVAL, &err, "alpha");
  ev_suspects_free(s);
  free(noisy);
  free(flipped);
  ev_knn_graph_free(g);
}

int main(int argc, char **argv) {
  static const test_case tests[] = {
      {"trustworthiness_matches_sklearn", trustworthiness_matches_sklearn},
      {"sampled_estimates_and_knn_figures", sampled_estimates_and_knn_figures},
      {"overlap_agrees_with_a_classifier", overlap_agrees_with_a_classifier},
      {"suspects_find_flipped_labels", suspects_find_flipped_labels},
  };
  return test_main(argc, argv, tests, (int)(sizeof tests / sizeof tests[0]));
}
