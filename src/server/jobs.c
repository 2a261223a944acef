/* jobs.c — projection jobs for the viewer: each runs PCA, t-SNE or UMAP on
 * its own thread, publishes its progress and intermediate coordinates (so
 * the map animates), can be cancelled, and stays cached: asking for the same
 * projection again returns the finished job at once. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/server.h"

#define MAX_JOBS 256

typedef enum { JOB_RUNNING, JOB_DONE, JOB_FAILED, JOB_CANCELLED } job_state;

struct sv_job {
  int id;
  int n_threads;
  sv_job_spec spec;
  sv_dataset *d;
  pthread_t thread;
  int joined;
  pthread_mutex_t mu;
  job_state state;
  volatile int cancel;
  char stage[64];
  double fraction;
  int iteration, total_iterations;
  double kl;
  float *coords;       /* n x dims, the latest published */
  int64_t n;
  int version;         /* bumped on every publication */
  char error[512];
  double variance[3];  /* PCA: explained variance ratio of each axis */
  double started, seconds;
  int has_quality;     /* the finished map measured (datasets with analysis) */
  ev_map_quality quality;
  ev_overlap *map_overlap; /* the classes' overlap with this map's verdicts; NULL without labels */
  unsigned tick;       /* bumped on every change a stream reports */
  sv_waiter *waiters;  /* streams parked until the next change */
};

struct sv_jobs {
  pthread_mutex_t mu;
  sv_job *jobs[MAX_JOBS];
  int n_jobs;
  int n_threads;
  int closing;         /* streams end: the server is stopping */
};

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

sv_jobs *sv_jobs_new(int n_threads) {
  sv_jobs *j = calloc(1, sizeof *j);
  if (!j) return NULL;
  pthread_mutex_init(&j->mu, NULL);
  j->n_threads = n_threads;
  return j;
}

void sv_jobs_free(sv_jobs *j) {
  if (!j) return;
  for (int i = 0; i < j->n_jobs; i++) j->jobs[i]->cancel = 1;
  for (int i = 0; i < j->n_jobs; i++) {
    sv_job *b = j->jobs[i];
    if (!b->joined) pthread_join(b->thread, NULL);
    pthread_mutex_destroy(&b->mu);
    ev_overlap_free(b->map_overlap);
    free(b->coords);
    free(b);
  }
  pthread_mutex_destroy(&j->mu);
  free(j);
}

/* A change: parked streams are woken (once each).  Called with b->mu held. */
static void changed(sv_job *b) {
  b->tick++;
  for (sv_waiter *w = b->waiters, *next; w; w = next) {
    next = w->next;
    w->next = NULL;
    w->wake(w->user);
  }
  b->waiters = NULL;
}

static int on_progress(void *user, const char *stage, double fraction) {
  sv_job *b = user;
  pthread_mutex_lock(&b->mu);
  snprintf(b->stage, sizeof b->stage, "%s", stage);
  b->fraction = fraction;
  changed(b);
  pthread_mutex_unlock(&b->mu);
  return b->cancel;
}

static void publish(sv_job *b, const float *y, int iter, double kl) {
  pthread_mutex_lock(&b->mu);
  memcpy(b->coords, y, (size_t)b->n * (size_t)b->spec.dims * sizeof *y);
  b->iteration = iter;
  if (!isnan(kl)) b->kl = kl;
  b->version++;
  changed(b);
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
  const int32_t *codes = d->labels && !d->labels->n_missing ? d->labels->codes : NULL;
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

static void *run_job(void *arg) {
  sv_job *b = arg;
  const ev_matrix *x = b->d->ds->x;
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
    for (int a = 0; a < 2 && !rc; a++)
      if (sv_custom_axis(b->d, b->spec.column, b->spec.search[2 * a], b->spec.search[2 * a + 1], axes + a * dcol, &c1,
                         &c2, msg, sizeof msg))
      {
        snprintf(err.msg, sizeof err.msg, "%s", msg);
        rc = err.code = EV_EINVAL;
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
  b->seconds = now() - b->started;
  b->fraction = 1;
  changed(b);
  pthread_mutex_unlock(&b->mu);
  ev_matrix_free(y);
  return NULL;
}

static int same_spec(const sv_job_spec *a, const sv_job_spec *b) {
  return a->dataset == b->dataset && !strcmp(a->method, b->method) && a->dims == b->dims &&
         a->perplexity == b->perplexity && a->iterations == b->iterations && a->neighbors == b->neighbors &&
         a->min_dist == b->min_dist && a->seed == b->seed && !memcmp(a->components, b->components, sizeof a->components) &&
         a->column == b->column && !memcmp(a->search, b->search, sizeof a->search);
}

int sv_jobs_submit(sv_jobs *j, sv_dataset *d, const sv_job_spec *spec, char *msg, size_t msg_len) {
  pthread_mutex_lock(&j->mu);
  for (int i = j->n_jobs - 1; i >= 0; i--) {
    sv_job *b = j->jobs[i];
    pthread_mutex_lock(&b->mu);
    int usable = same_spec(&b->spec, spec) && (b->state == JOB_RUNNING || b->state == JOB_DONE);
    pthread_mutex_unlock(&b->mu);
    if (usable) {
      pthread_mutex_unlock(&j->mu);
      return b->id;
    }
  }
  if (j->n_jobs == MAX_JOBS) {
    pthread_mutex_unlock(&j->mu);
    snprintf(msg, msg_len, "too many projections in this session (%d); restart the server", MAX_JOBS);
    return -1;
  }
  sv_job *b = calloc(1, sizeof *b);
  if (b) b->coords = calloc((size_t)d->ds->x->n_rows * (size_t)spec->dims, sizeof *b->coords);
  if (!b || !b->coords) {
    free(b);
    pthread_mutex_unlock(&j->mu);
    snprintf(msg, msg_len, "out of memory");
    return -1;
  }
  b->id = j->n_jobs;
  b->n_threads = j->n_threads;
  b->spec = *spec;
  b->d = d;
  b->n = d->ds->x->n_rows;
  b->kl = NAN;
  b->started = now();
  snprintf(b->stage, sizeof b->stage, "starting");
  pthread_mutex_init(&b->mu, NULL);
  if (pthread_create(&b->thread, NULL, run_job, b)) {
    pthread_mutex_destroy(&b->mu);
    free(b->coords);
    free(b);
    pthread_mutex_unlock(&j->mu);
    snprintf(msg, msg_len, "cannot start a thread");
    return -1;
  }
  j->jobs[j->n_jobs++] = b;
  pthread_mutex_unlock(&j->mu);
  return b->id;
}

static sv_job *find(sv_jobs *j, int id) {
  pthread_mutex_lock(&j->mu);
  sv_job *b = id >= 0 && id < j->n_jobs ? j->jobs[id] : NULL;
  pthread_mutex_unlock(&j->mu);
  return b;
}

/* The status as JSON; called with b->mu held. */
static void status_json(const sv_job *b, char *buf, size_t len) {
  static const char *names[] = {"running", "done", "failed", "cancelled"};
  double secs = b->state == JOB_RUNNING ? now() - b->started : b->seconds;
  char kl[32] = "null", err[560] = "null", var[96] = "null", qual[256] = "null";
  if (b->has_quality) { /* NaN (no labels) and anything not finite as null: JSON has no NaN */
    const ev_map_quality *q = &b->quality;
    const double v[4] = {q->trustworthiness, q->continuity, q->knn_recall, q->knn_accuracy};
    char f[4][32];
    for (int t = 0; t < 4; t++)
      if (isfinite(v[t])) snprintf(f[t], sizeof f[t], "%.6f", v[t]);
      else snprintf(f[t], sizeof f[t], "null");
    snprintf(qual, sizeof qual,
             "{\"k\": %d, \"sampled_points\": %lld, \"trustworthiness\": %s, \"continuity\": %s, "
             "\"knn_recall\": %s, \"knn_accuracy\": %s}",
             q->k, (long long)q->n_sampled, f[0], f[1], f[2], f[3]);
  }
  if (!strcmp(b->spec.method, "pca") && b->state == JOB_DONE) {
    int at = snprintf(var, sizeof var, "[");
    for (int a = 0; a < b->spec.dims; a++)
      at += snprintf(var + at, sizeof var - (size_t)at, "%s%.5f", a ? ", " : "", b->variance[a]);
    snprintf(var + at, sizeof var - (size_t)at, "]");
  }
  if (isfinite(b->kl)) snprintf(kl, sizeof kl, "%.5f", b->kl);
  if (b->error[0]) { /* messages are plain text; quotes and backslashes replaced */
    snprintf(err, sizeof err, "\"%s\"", b->error);
    for (char *p = err + 1; p[1]; p++)
      if (*p == '"' || *p == '\\' || (unsigned char)*p < 0x20) *p = '\'';
  }
  snprintf(buf, len,
           "{\"id\": %d, \"dataset\": %d, \"method\": \"%s\", \"dims\": %d, \"state\": \"%s\", \"stage\": \"%s\", "
           "\"fraction\": %.4f, \"iteration\": %d, \"iterations\": %d, \"kl\": %s, \"version\": %d, "
           "\"seconds\": %.2f, \"variance\": %s, \"quality\": %s, \"overlap\": %s, \"error\": %s}",
           b->id, b->spec.dataset, b->spec.method, b->spec.dims, names[b->state], b->stage,
           b->fraction < 0 ? -1.0 : b->fraction, b->iteration, b->total_iterations, kl, b->version, secs, var, qual,
           b->map_overlap ? "true" : "false", err);
}

int sv_jobs_status_json(sv_jobs *j, int id, char *buf, size_t len) {
  sv_job *b = find(j, id);
  if (!b) return -1;
  pthread_mutex_lock(&b->mu);
  status_json(b, buf, len);
  pthread_mutex_unlock(&b->mu);
  return 0;
}

int sv_jobs_next_event(sv_jobs *j, int id, unsigned *tick, int *last, char *buf, size_t len, sv_waiter *w) {
  sv_job *b = find(j, id);
  if (!b) return -1;
  int rc;
  pthread_mutex_lock(&b->mu);
  /* `closing` is set before sv_jobs_close_streams takes this lock: either
   * it is seen here, or the waiter parked here is woken there */
  if (*last || __atomic_load_n(&j->closing, __ATOMIC_ACQUIRE)) {
    rc = SV_EVENT_END;
  } else if (*tick != b->tick + 1) { /* *tick: 1 + the tick last sent; 0 before the first */
    status_json(b, buf, len);
    *tick = b->tick + 1;
    *last = b->state != JOB_RUNNING;
    rc = SV_EVENT_READY;
  } else {
    w->next = b->waiters;
    b->waiters = w;
    w->suspend(w->user);
    rc = SV_EVENT_NONE;
  }
  pthread_mutex_unlock(&b->mu);
  return rc;
}

void sv_jobs_close_streams(sv_jobs *j) {
  __atomic_store_n(&j->closing, 1, __ATOMIC_RELEASE);
  pthread_mutex_lock(&j->mu);
  for (int i = 0; i < j->n_jobs; i++) {
    sv_job *b = j->jobs[i];
    pthread_mutex_lock(&b->mu);
    changed(b);
    pthread_mutex_unlock(&b->mu);
  }
  pthread_mutex_unlock(&j->mu);
}

int sv_jobs_coords(sv_jobs *j, int id, float **coords, int64_t *n, int *dims, int *version) {
  sv_job *b = find(j, id);
  if (!b) return -1;
  pthread_mutex_lock(&b->mu);
  size_t bytes = (size_t)b->n * (size_t)b->spec.dims * sizeof(float);
  *coords = malloc(bytes ? bytes : 1);
  if (*coords) memcpy(*coords, b->coords, bytes);
  *n = b->n;
  *dims = b->spec.dims;
  *version = b->version;
  pthread_mutex_unlock(&b->mu);
  return *coords ? 0 : -1;
}

int sv_jobs_cancel(sv_jobs *j, int id) {
  sv_job *b = find(j, id);
  if (!b) return -1;
  b->cancel = 1;
  return 0;
}

const ev_overlap *sv_jobs_map_overlap(sv_jobs *j, int id, int *dataset) {
  sv_job *b = find(j, id);
  *dataset = b ? b->spec.dataset : -1;
  if (!b) return NULL;
  pthread_mutex_lock(&b->mu);
  const ev_overlap *o = b->state == JOB_DONE ? b->map_overlap : NULL; /* immutable once the job is done */
  pthread_mutex_unlock(&b->mu);
  return o;
}
