/* job_run.c — computing one projection job on a runner thread: PCA (the
 * chosen components), custom axes, t-SNE or UMAP, publishing progress and
 * intermediate coordinates as they come (so the map animates), then
 * measuring the finished map as `embview analyze --embedding` does. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/jobs_internal.h"

static int on_progress(void *user, const char *stage, double fraction) {
  sv_job *b = user;
  pthread_mutex_lock(&b->mu);
  snprintf(b->stage, sizeof b->stage, "%s", stage);
  b->fraction = fraction;
  sv_job_changed(b);
  pthread_mutex_unlock(&b->mu);
  return b->cancel;
}

static void publish(sv_job *b, const float *y, int iter, double kl) {
  pthread_mutex_lock(&b->mu);
  memcpy(b->coords, y, (size_t)b->n * (size_t)b->spec.dims * sizeof *y);
  b->iteration = iter;
  if (!isnan(kl)) b->kl = kl;
  b->version++;
  sv_job_changed(b);
  pthread_mutex_unlock(&b->mu);
}

static int on_coords(void *user, int iter, double kl, const float *y, int64_t n, int dims) {
  sv_job *b = user;
  (void)n;
  (void)dims;
  publish(b, y, iter, kl);
  return b->cancel;
}

/* Above this many points the map's own kNN graph is approximate (exact
 * costs N^2); `analyze --embedding` is always exact. */
#define MAP_GRAPH_EXACT_MAX 200000

/* The finished map, measured as `embview analyze --embedding` does: its
 * trustworthiness, continuity and neighbour recall (15 neighbours, on 2,000
 * sampled points above 5,000), and, with labels, which class overlaps it
 * shows that the input does not (artefacts) or hides.  Only for datasets
 * served with their analysis (the input's graph). */
static int measure(sv_job *b, const ev_matrix *y, ev_error *err) {
  const sv_dataset *d = b->d;
  int64_t n = y->n_rows;
  /* k-NN accuracy needs complete labels of at most 256 classes (ev_map_quality_compute) */
  const int32_t *codes = d->labels && !d->labels->n_missing && d->labels->n_classes <= 256 ? d->labels->codes : NULL;
  ev_map_quality q;
  int rc = ev_map_quality_compute(d->ds->x, y, codes, 15, n <= 5000 ? 0 : 2000, 42, b->n_threads, &q, err);
  ev_overlap *ov = NULL;
  if (!rc && d->overlap) {
    ev_knn_params kp = ev_knn_params_default();
    kp.k = d->graph->k;
    kp.method = n <= MAP_GRAPH_EXACT_MAX ? EV_KNN_EXACT : EV_KNN_AUTO;
    kp.n_threads = b->n_threads;
    kp.progress = (ev_progress){on_progress, b};
    ev_knn_graph *gy = NULL;
    rc = ev_knn_graph_build(y, &kp, &gy, err);
    if (!rc) rc = ev_overlap_compute(d->graph, gy, d->labels->codes, d->labels->n_classes, 0, &ov, err);
    ev_knn_graph_free(gy);
  }
  if (rc) return rc;
  pthread_mutex_lock(&b->mu);
  b->quality = q;
  b->has_quality = 1;
  b->map_overlap = ov;
  pthread_mutex_unlock(&b->mu);
  return EV_OK;
}

static int measure_map(sv_job *b, const ev_matrix *y, ev_error *err) {
  if (!b->d->graph || y->n_rows < 32) return EV_OK;
  char stage[64];
  pthread_mutex_lock(&b->mu);
  memcpy(stage, b->stage, sizeof stage);
  pthread_mutex_unlock(&b->mu);
  on_progress(b, "measuring the map", -1);
  int rc = measure(b, y, err);
  pthread_mutex_lock(&b->mu);
  memcpy(b->stage, stage, sizeof stage); /* the projection's last stage again */
  pthread_mutex_unlock(&b->mu);
  return rc;
}

void sv_job_run(sv_job *b) {
  const ev_matrix *x = b->d->ds->x;
  float *coords = calloc((size_t)b->n * (size_t)b->spec.dims, sizeof *coords); /* only now: queued jobs hold none */
  pthread_mutex_lock(&b->mu);
  b->coords = coords;
  if (!coords) {
    b->state = JOB_FAILED;
    snprintf(b->error, sizeof b->error, "out of memory for %lld x %d coordinates", (long long)b->n, b->spec.dims);
    b->seconds = sv_now() - b->started;
    sv_job_changed(b);
  }
  pthread_mutex_unlock(&b->mu);
  if (!coords) return;
  ev_matrix *y = NULL;
  ev_error err = {0};
  ev_progress prog = {on_progress, b};
  int rc;
  int nt = b->n_threads;
  if (!strcmp(b->spec.method, "pca")) {
    /* the chosen components as the axes: fit up to the highest one */
    int top = 0, dims = b->spec.dims;
    for (int a = 0; a < dims; a++) top = b->spec.components[a] > top ? b->spec.components[a] : top;
    ev_pca_params p = ev_pca_params_default();
    p.n_components = top;
    p.n_threads = nt;
    p.seed = b->spec.seed;
    p.progress = prog;
    ev_pca *pca = NULL;
    ev_matrix *all = NULL;
    rc = ev_pca_fit(x, &p, &pca, &err);
    if (!rc) rc = ev_matrix_new(x->n_rows, top, &all, &err);
    if (!rc) rc = ev_pca_transform(pca, x, all, nt, &err);
    if (!rc) rc = ev_matrix_new(x->n_rows, dims, &y, &err);
    if (!rc) {
      for (int64_t i = 0; i < x->n_rows; i++)
        for (int a = 0; a < dims; a++) y->data[i * dims + a] = ev_matrix_row(all, i)[b->spec.components[a] - 1];
      for (int a = 0; a < dims; a++) b->variance[a] = pca->explained_variance_ratio[b->spec.components[a] - 1];
    }
    ev_matrix_free(all);
    ev_pca_free(pca);
  } else if (!strcmp(b->spec.method, "custom")) {
    /* two axes from searches; coordinates are the rows' projections on them */
    on_progress(b, "custom: projecting", -1);
    int64_t n = x->n_rows, dcol = x->n_cols, c1, c2;
    double *axes = malloc(2 * (size_t)dcol * sizeof *axes);
    char msg[256];
    rc = axes ? EV_OK : EV_ENOMEM;
    if (rc) snprintf(err.msg, sizeof err.msg, "out of memory");
    for (int a = 0; a < 2 && !rc; a++) {
      int crc = sv_custom_axis(b->d, b->spec.column, b->spec.search[2 * a], b->spec.search[2 * a + 1], &b->cancel,
                               axes + a * dcol, &c1, &c2, msg, sizeof msg);
      if (crc) {
        snprintf(err.msg, sizeof err.msg, "%s", msg);
        rc = err.code = crc > 0 ? EV_ECANCELED : EV_EINVAL;
      }
    }
    if (!rc) rc = ev_matrix_new(n, 2, &y, &err);
    for (int64_t i = 0; !rc && i < n; i++) {
      const float *r = ev_matrix_row(x, i);
      double s0 = 0, s1 = 0;
      for (int64_t j = 0; j < dcol; j++) {
        s0 += r[j] * axes[j];
        s1 += r[j] * axes[dcol + j];
      }
      y->data[2 * i] = (float)s0;
      y->data[2 * i + 1] = (float)s1;
    }
    free(axes);
  } else if (!strcmp(b->spec.method, "tsne")) {
    ev_tsne_params p = ev_tsne_params_default();
    p.n_dims = b->spec.dims;
    p.perplexity = b->spec.perplexity;
    if (b->spec.iterations > 0) p.n_iter = b->spec.iterations;
    p.seed = b->spec.seed;
    p.knn.pca_dims = ev_analysis_knn_params().pca_dims;
    p.n_threads = nt;
    p.progress = prog;
    p.callback = on_coords;
    p.callback_user = b;
    p.callback_every = 10;
    b->total_iterations = p.n_iter;
    rc = ev_tsne_run(x, NULL, &p, &y, NULL, &err);
  } else {
    ev_umap_params p = ev_umap_params_default();
    p.n_dims = b->spec.dims;
    p.n_neighbors = b->spec.neighbors;
    p.min_dist = b->spec.min_dist;
    if (b->spec.iterations > 0) p.n_epochs = b->spec.iterations;
    p.seed = b->spec.seed;
    p.n_threads = nt;
    p.progress = prog;
    p.callback = on_coords;
    p.callback_user = b;
    p.callback_every = 5;
    b->total_iterations = p.n_epochs > 0 ? p.n_epochs : x->n_rows <= 10000 ? 500 : 200;
    /* the analysis graph serves when it holds enough neighbours */
    rc = ev_umap_run(x, b->d->graph && b->d->graph->k >= p.n_neighbors - 1 ? b->d->graph : NULL, &p, &y, NULL, &err);
  }
  if (!rc) publish(b, y->data, b->total_iterations, NAN);
  if (!rc && !b->cancel) { /* the map stands even when it cannot be measured */
    ev_error merr = {0};
    int mrc = measure_map(b, y, &merr);
    pthread_mutex_lock(&b->mu);
    if (mrc && mrc != EV_ECANCELED) snprintf(b->error, sizeof b->error, "the map was not measured: %.400s", merr.msg);
    pthread_mutex_unlock(&b->mu);
  }
  pthread_mutex_lock(&b->mu);
  b->state = !rc ? JOB_DONE : rc == EV_ECANCELED ? JOB_CANCELLED : JOB_FAILED;
  if (rc && rc != EV_ECANCELED) snprintf(b->error, sizeof b->error, "%s", err.msg);  /* rc: the projection's */
  b->seconds = sv_now() - b->started;
  b->fraction = 1;
  sv_job_changed(b);
  pthread_mutex_unlock(&b->mu);
  ev_matrix_free(y);
}

