/* job_run.c — computing one projection job on a runner thread: custom axes
 * here, PCA (the chosen components), t-SNE and UMAP by the library's map
 * recipe (the maps `embed` makes), publishing progress and intermediate
 * coordinates as they come (so the map animates), then assessing the
 * finished map as `embview analyze --embedding` does. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/error_body.h"
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

static int on_frame(void *user, const ev_embed_frame *f) {
  sv_job *b = user;
  publish(b, f->y, f->iteration, f->kl);
  return b->cancel;
}

/* The finished map, assessed by the library's recipe (ev_map_assess: what
 * `embview analyze --embedding` says): quality, and with labels which class
 * overlaps the map shows that the input does not (artefacts) or hides.  Only
 * for datasets served with their analysis (the input's graph). */
static int measure(sv_job *b, const ev_matrix *y, ev_error *err) {
  const sv_dataset *d = b->d;
  ev_map_assess_params ap = ev_map_assess_params_default();
  ap.n_threads = b->n_threads;
  ap.progress = (ev_progress){on_progress, b};
  ev_map_assessment as;
  int rc = ev_map_assess(d->ds->x, y, d->graph, d->overlap ? d->labels : NULL, &ap, &as, err);
  if (rc) return rc;
  pthread_mutex_lock(&b->mu);
  b->quality = as.quality;
  b->has_quality = 1;
  b->map_overlap = as.overlap;
  as.overlap = NULL; /* the job's now */
  pthread_mutex_unlock(&b->mu);
  ev_map_assessment_clear(&as);
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
  if (!strcmp(b->spec.method, "custom")) {
    /* two axes from searches; coordinates are the rows' projections on them */
    on_progress(b, "custom: projecting", -1);
    int64_t n = x->n_rows, dcol = x->n_cols, c1, c2;
    double *axes = malloc(2 * (size_t)dcol * sizeof *axes);
    rc = axes ? EV_OK : sv_err(&err, EV_ENOMEM, "custom projection: out of memory");
    for (int a = 0; a < 2 && !rc; a++)
      rc = sv_custom_axis(b->d, b->spec.column, b->spec.search[2 * a], b->spec.search[2 * a + 1], &b->cancel,
                          axes + a * dcol, &c1, &c2, &err);
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
  } else { /* the library's recipe: the map `embed` makes with these parameters */
    ev_map_params p = ev_map_params_default((ev_map_method)ev_map_method_parse(b->spec.method));
    p.n_dims = b->spec.dims;
    p.seed = b->spec.seed;
    p.n_threads = nt;
    p.pca_components = b->spec.components;
    p.tsne.perplexity = b->spec.perplexity;
    if (b->spec.iterations > 0) p.tsne.n_iter = b->spec.iterations;
    p.umap.n_neighbors = b->spec.neighbors;
    p.umap.min_dist = b->spec.min_dist;
    p.umap.n_epochs = b->spec.iterations;
    p.progress = prog;
    p.observer.fn = on_frame; /* every: the method's default */
    p.observer.user = b;
    b->total_iterations = b->spec.iterations; /* resolved when the job was submitted (api.c) */
    ev_map_info info;
    rc = ev_map_compute(x, NULL, &p, &y, &info, &err);
    for (int a = 0; !rc && p.method == EV_MAP_PCA && a < p.n_dims; a++)
      b->variance[a] = info.pca->explained_variance_ratio[b->spec.components[a] - 1];
    if (!rc) ev_map_info_clear(&info);
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

