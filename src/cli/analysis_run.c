/* analysis_run.c — the analysis pipeline shared by `analyze` and `report`. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli/analysis.h"

int analysis_load_map(const char *path, const cli_common *c, const ev_dataset *ds, ev_dataset **map) {
  ev_notes notes = {0};
  ev_error err = {0};
  ev_load_options lo = cli_load_options_plain(c);
  int rc = ev_dataset_load(path, &lo, map, &notes, &err);
  cli_print_notes(&notes);
  if (rc) return cli_fail_ev(&err, EXIT_INPUT);
  if ((*map)->x->n_rows != ds->x->n_rows)
    return cli_fail(EXIT_INPUT, "--embedding %s: %lld points, the input has %lld", path,
                    (long long)(*map)->x->n_rows, (long long)ds->x->n_rows);
  return EXIT_OK;
}

int analysis_make_map(ev_map_method method, const ev_matrix *x, uint64_t seed, int n_threads, ev_matrix **y,
                      char *about, size_t about_len) {
  ev_map_params p = ev_map_params_default(method);
  p.seed = seed;
  p.n_threads = n_threads;
  p.progress = cli_progress();
  ev_map_info info;
  ev_error err = {0};
  int rc = ev_map_compute(x, NULL, &p, y, &info, &err);
  if (rc) return cli_fail_compute(&err, rc);
  if (method == EV_MAP_UMAP)
    snprintf(about, about_len, "UMAP, %d neighbours, min_dist %g, %d epochs, seed %llu", p.umap.n_neighbors,
             p.umap.min_dist, info.n_iterations, (unsigned long long)seed);
  else if (method == EV_MAP_TSNE)
    snprintf(about, about_len, "t-SNE, perplexity %g, %d iterations, seed %llu", p.tsne.perplexity,
             info.n_iterations, (unsigned long long)seed);
  else
    snprintf(about, about_len, "PCA, first two components (%.1f%% of the variance)",
             100 * info.explained_variance_ratio);
  ev_map_info_clear(&info);
  return EXIT_OK;
}

void analysis_opts_default(analysis_opts *o) {
  memset(o, 0, sizeof *o);
  o->k = ev_analysis_knn_params_default().k;
  o->quality_k = 15;
  o->sample = -1;
}

int analysis_labels(const ev_dataset *ds, const analysis_opts *o, analysis *a) {
  ev_error err = {0};
  if (!ds->meta) return cli_fail(EXIT_USAGE, "no labels; give --labels FILE or --metadata FILE");
  a->label_col = o->label_col ? ev_table_find_col(ds->meta, o->label_col) : ev_table_default_label_col(ds->meta);
  if (a->label_col < 0) return cli_fail(EXIT_USAGE, "--label-column: no column '%s' in the metadata", o->label_col);
  if (ev_labels_from_column(ds->meta, a->label_col, &a->lab, &err)) return cli_fail_ev(&err, EXIT_INPUT);
  int64_t n = ds->x->n_rows;
  if (2 * o->k >= n) return cli_fail(EXIT_USAGE, "-k %ld: too large for %lld points", o->k, (long long)n);
  if (2 * o->quality_k >= n)
    return cli_fail(EXIT_USAGE, "--quality-k %ld: too large for %lld points", o->quality_k, (long long)n);
  return EXIT_OK;
}

int analysis_graph(const ev_dataset *ds, const analysis_opts *o, analysis *a) {
  ev_error err = {0};
  ev_knn_params kp = ev_analysis_knn_params_default();
  kp.k = (int)o->k;
  kp.n_threads = o->n_threads;
  kp.progress = cli_progress();
  double t0 = cli_now();
  int rc = ev_knn_graph_build(ds->x, &kp, &a->g, &err);
  a->graph_seconds = cli_now() - t0;
  return rc ? cli_fail_compute(&err, rc) : EXIT_OK;
}

int analysis_compute(const ev_dataset *ds, const ev_matrix *map, const analysis_opts *o, analysis *a) {
  ev_error err = {0};
  double t0 = cli_now();
  int rc;
  if (map) { /* the library's recipe: quality, the map's graph, overlap verdicts */
    ev_map_assess_params ap = ev_map_assess_params_default();
    ap.quality_k = (int)o->quality_k;
    ap.sample = o->sample;
    ap.n_threads = o->n_threads;
    ev_map_assessment as;
    rc = ev_map_assess(ds->x, map, a->g, a->lab, &ap, &as, &err);
    a->quality = as.quality;
    a->gy = as.map_graph;
    a->overlap = as.overlap;
  } else {
    rc = ev_overlap_compute(a->g, NULL, a->lab->codes, a->lab->n_classes, NULL, &a->overlap, &err);
  }
  if (!rc) {
    ev_suspect_params sp = ev_suspect_params_default();
    sp.n_threads = o->n_threads;
    rc = ev_suspects_compute(a->g, a->lab->codes, a->lab->n_classes, &sp, &a->suspects, &err);
  }
  a->analysis_seconds = cli_now() - t0;
  return rc ? cli_fail_compute(&err, rc) : EXIT_OK;
}

void analysis_free(analysis *a) {
  ev_suspects_free(a->suspects);
  ev_overlap_free(a->overlap);
  ev_knn_graph_free(a->g);
  ev_knn_graph_free(a->gy);
  ev_labels_free(a->lab);
  memset(a, 0, sizeof *a);
}

void analysis_print(const ev_dataset *ds, const analysis *a, long top) {
  const ev_labels *lab = a->lab;
  const ev_overlap *o = a->overlap;
  const ev_suspects *s = a->suspects;
  int64_t n = ds->x->n_rows;
  int pca = ev_analysis_knn_params_default().pca_dims;
  char space[64];
  if (ds->x->n_cols > pca) snprintf(space, sizeof space, "on the first %d principal components", pca);
  else snprintf(space, sizeof space, "%s", a->g->exact ? "exact" : "approximate");
  printf("%lld points, %d classes (column '%s'), %d nearest neighbours (%s), %.2f s\n", (long long)n,
         lab->n_classes, ev_table_col_name(ds->meta, a->label_col), a->g->k, space,
         a->graph_seconds + a->analysis_seconds);
  if (lab->n_missing) printf("%lld points have no label and are left out\n", (long long)lab->n_missing);
  int64_t right = 0;
  for (int c = 0; c < lab->n_classes; c++) right += o->confusion[(size_t)c * lab->n_classes + c];
  printf("leave-one-out %d-NN accuracy in the input space: %.4f\n", a->g->k,
         (double)right / (double)(n - lab->n_missing));
  printf("\nclass pairs that overlap most (how much of each one's neighbourhoods the other fills):\n");
  for (int p = 0; p < o->n_pairs && p < top; p++) {
    const ev_overlap_pair *pr = &o->pairs[p];
    printf("  %2d. %s - %s  %.4f", p + 1, lab->class_names[pr->a], lab->class_names[pr->b], pr->score);
    if (a->gy) printf("  map %.4f  %s", pr->map_score, ev_overlap_verdict_name(pr->verdict));
    printf("  e.g. points");
    for (int e = 0; e < pr->n_examples && e < 4; e++) printf(" %d", pr->examples[e]);
    printf("\n");
  }
  if (a->gy) {
    int n_art = 0, n_hidden = 0;
    for (int p = 0; p < o->n_pairs; p++) {
      n_art += o->pairs[p].verdict == EV_OVERLAP_MAP_ARTEFACT;
      n_hidden += o->pairs[p].verdict == EV_OVERLAP_HIDDEN;
    }
    printf("map artefacts (close on the map only): %d; hidden overlaps (input space only): %d\n", n_art, n_hidden);
  }
  printf("\nsuspect labels: %lld (the neighbourhood suggests another class; %.2f%% of the labelled points)\n",
         (long long)s->n_flagged, 100.0 * (double)s->n_flagged / (double)(n - lab->n_missing ? n - lab->n_missing : 1));
  for (int64_t r = 0; r < s->n_flagged && r < top; r++) {
    int32_t i = s->ranked[r];
    printf("  point %-8d labelled %-12s looks like %-12s score %.3f\n", i, lab->class_names[lab->codes[i]],
           lab->class_names[s->suggested[i]], s->score[i]);
  }
  if (a->gy) {
    const ev_map_quality *q = &a->quality;
    printf("\nmap quality (k = %d, %lld of %lld points): trustworthiness %.4f, continuity %.4f, k-NN recall %.4f", q->k,
           (long long)q->n_sampled, (long long)n, q->trustworthiness, q->continuity, q->knn_recall);
    if (!isnan(q->knn_accuracy)) printf(", k-NN accuracy %.4f", q->knn_accuracy);
    printf("\n");
  }
}
