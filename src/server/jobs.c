/* jobs.c — the viewer's projection jobs: a bounded queue, a few runner
 * threads, the table of jobs with their cache and eviction, and the event
 * streams parked on them (server.h says the policy).
 *
 * Locks: the queue's (j->mu) guards the table, the counts and each job's
 * refs/active/evicted; a job's own (b->mu) guards its status and waiters.
 * Order: j->mu before b->mu, never the other way.  A job leaves the table
 * only when it has ended; it is freed when the last reference goes, so a
 * request that holds one never sees it vanish. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "server/error_body.h"
#include "server/jobs_internal.h"
#include "embview/json.h"

#define MAX_RUNNERS 8

struct sv_jobs {
  pthread_mutex_t mu;
  pthread_cond_t work;      /* a job was queued, or closing */
  sv_jobs_config cfg;
  sv_job **jobs;            /* by increasing id */
  int n_jobs, cap_jobs;
  int next_id;
  unsigned long clock;      /* for least-recently-used eviction */
  int n_running;
  int closing;              /* streams end and runners stop: the server is stopping */
  pthread_t runners[MAX_RUNNERS];
  int n_runners;
};

double sv_now(void) { return ev_seconds(); }

void sv_job_changed(sv_job *b) {
  b->tick++;
  for (sv_waiter *w = b->waiters, *next; w; w = next) {
    next = w->next;
    w->next = NULL;
    w->wake(w->user);
  }
  b->waiters = NULL;
}

static void job_free(sv_job *b) {
  pthread_mutex_destroy(&b->mu);
  ev_overlap_free(b->map_overlap);
  free(b->coords);
  free(b);
}

/* ---- the table (all with j->mu held) ---- */

static int find_index(const sv_jobs *j, int id) {
  int lo = 0, hi = j->n_jobs - 1; /* ids increase along the table */
  while (lo <= hi) {
    int mid = (lo + hi) / 2;
    if (j->jobs[mid]->id == id) return mid;
    if (j->jobs[mid]->id < id) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

static void remove_at(sv_jobs *j, int at) {
  sv_job *b = j->jobs[at];
  memmove(j->jobs + at, j->jobs + at + 1, (size_t)(j->n_jobs - at - 1) * sizeof *j->jobs);
  j->n_jobs--;
  pthread_mutex_lock(&b->mu);
  b->gone = 1;
  sv_job_changed(b); /* its parked streams end */
  pthread_mutex_unlock(&b->mu);
  if (b->refs) b->evicted = 1;
  else job_free(b);
}

static size_t job_bytes(const sv_job *b) {
  return sizeof *b + (b->coords ? (size_t)b->n * (size_t)b->spec.dims * sizeof(float) : 0);
}

/* Ended jobs beyond the budget leave, least recently used first. */
static void evict(sv_jobs *j) {
  for (;;) {
    int n_ended = 0, oldest = -1;
    size_t bytes = 0;
    for (int i = 0; i < j->n_jobs; i++) {
      const sv_job *b = j->jobs[i];
      if (b->active) continue;
      n_ended++;
      bytes += job_bytes(b);
      if (oldest < 0 || b->last_used < j->jobs[oldest]->last_used) oldest = i;
    }
    if (oldest < 0 || (n_ended <= j->cfg.keep_jobs && bytes <= j->cfg.keep_bytes)) return;
    remove_at(j, oldest);
  }
}

/* The job waiting longest, or NULL. */
static sv_job *next_queued(sv_jobs *j) {
  for (int i = 0; i < j->n_jobs; i++)
    if (j->jobs[i]->queued) return j->jobs[i];
  return NULL;
}

/* ---- runners ---- */

static void *runner(void *arg) {
  sv_jobs *j = arg;
  /* Projections yield to requests: a lower priority for this thread and the
   * OpenMP/BLAS threads it starts (Linux's nice is per thread, inherited). */
  setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), 10);
  pthread_mutex_lock(&j->mu);
  for (;;) {
    sv_job *b = NULL;
    while (!j->closing && !(b = next_queued(j))) pthread_cond_wait(&j->work, &j->mu);
    if (j->closing) break;
    b->refs++;
    b->queued = 0;
    j->n_running++;
    pthread_mutex_lock(&b->mu);
    b->state = JOB_RUNNING;
    b->started = sv_now();
    snprintf(b->stage, sizeof b->stage, "starting");
    sv_job_changed(b);
    pthread_mutex_unlock(&b->mu);
    pthread_mutex_unlock(&j->mu);
    sv_job_run(b);
    pthread_mutex_lock(&j->mu);
    j->n_running--;
    b->active = 0;
    b->refs--; /* never the last: an active job is never evicted */
    evict(j);
  }
  pthread_mutex_unlock(&j->mu);
  return NULL;
}

sv_jobs *sv_jobs_new(const sv_jobs_config *cfg) {
  sv_jobs *j = calloc(1, sizeof *j);
  if (!j) return NULL;
  j->cfg = *cfg;
  int no_runners = j->cfg.max_running < 0; /* a queue that never runs: the request fuzzer's */
  if (j->cfg.max_running == 0) j->cfg.max_running = 2;
  if (j->cfg.max_running > MAX_RUNNERS) j->cfg.max_running = MAX_RUNNERS;
  if (j->cfg.max_active <= 0) j->cfg.max_active = 16;
  if (j->cfg.max_per_client <= 0) j->cfg.max_per_client = 4;
  if (!j->cfg.keep_bytes) j->cfg.keep_bytes = (size_t)256 << 20;
  if (j->cfg.keep_jobs <= 0) j->cfg.keep_jobs = 32;
  pthread_mutex_init(&j->mu, NULL);
  pthread_cond_init(&j->work, NULL);
  for (int r = 0; r < j->cfg.max_running && !no_runners; r++) {
    if (pthread_create(&j->runners[r], NULL, runner, j)) break;
    j->n_runners++;
  }
  if (!j->n_runners && !no_runners) {
    sv_jobs_free(j);
    return NULL;
  }
  return j;
}

void sv_jobs_free(sv_jobs *j) {
  if (!j) return;
  pthread_mutex_lock(&j->mu);
  __atomic_store_n(&j->closing, 1, __ATOMIC_RELEASE);
  for (int i = 0; i < j->n_jobs; i++) j->jobs[i]->cancel = 1;
  pthread_cond_broadcast(&j->work);
  pthread_mutex_unlock(&j->mu);
  for (int r = 0; r < j->n_runners; r++) pthread_join(j->runners[r], NULL);
  for (int i = 0; i < j->n_jobs; i++) job_free(j->jobs[i]); /* the HTTP side is gone: no references left */
  free(j->jobs);
  pthread_cond_destroy(&j->work);
  pthread_mutex_destroy(&j->mu);
  free(j);
}

/* ---- submitting ---- */

static int same_spec(const sv_job_spec *a, const sv_job_spec *b) {
  return a->dataset == b->dataset && !strcmp(a->method, b->method) && a->dims == b->dims &&
         a->perplexity == b->perplexity && a->iterations == b->iterations && a->neighbors == b->neighbors &&
         a->min_dist == b->min_dist && a->seed == b->seed && !memcmp(a->components, b->components, sizeof a->components) &&
         a->column == b->column && !memcmp(a->search, b->search, sizeof a->search);
}

int sv_jobs_submit(sv_jobs *j, sv_dataset *d, const sv_job_spec *spec, const char *client, int *id, ev_error *err) {
  pthread_mutex_lock(&j->mu);
  int n_active = 0, n_mine = 0;
  for (int i = j->n_jobs - 1; i >= 0; i--) {
    sv_job *b = j->jobs[i];
    pthread_mutex_lock(&b->mu);
    int usable = same_spec(&b->spec, spec) && (b->active || b->state == JOB_DONE);
    pthread_mutex_unlock(&b->mu);
    if (usable) { /* the cache: the same map again */
      b->last_used = ++j->clock;
      *id = b->id;
      pthread_mutex_unlock(&j->mu);
      return EV_OK;
    }
    n_active += b->active;
    n_mine += b->active && !strcmp(b->client, client);
  }
  if (n_mine >= j->cfg.max_per_client || n_active >= j->cfg.max_active || j->closing) {
    int closing = j->closing, max_mine = j->cfg.max_per_client, max_active = j->cfg.max_active;
    pthread_mutex_unlock(&j->mu);
    if (closing) return sv_err(err, EV_ECANCELED, "the server is stopping");
    if (n_mine >= max_mine)
      return sv_err(err, EV_EBUSY, "you have %d projections waiting or running (at most %d): wait for one or cancel one",
                    n_mine, max_mine);
    return sv_err(err, EV_EBUSY, "%d projections are waiting or running (at most %d): try again later", n_active,
                  max_active);
  }
  if (j->n_jobs == j->cap_jobs) {
    int cap = j->cap_jobs ? 2 * j->cap_jobs : 64;
    sv_job **nj = realloc(j->jobs, (size_t)cap * sizeof *nj);
    if (!nj) goto oom;
    j->jobs = nj;
    j->cap_jobs = cap;
  }
  sv_job *b = calloc(1, sizeof *b);
  if (!b) goto oom;
  b->id = j->next_id++;
  b->n_threads = j->cfg.n_threads;
  b->spec = *spec;
  b->d = d;
  b->n = d->ds->x->n_rows;
  snprintf(b->client, sizeof b->client, "%s", client);
  b->active = 1;
  b->queued = 1;
  b->last_used = ++j->clock;
  b->state = JOB_QUEUED;
  b->kl = NAN;
  b->submitted = sv_now();
  snprintf(b->stage, sizeof b->stage, "waiting");
  pthread_mutex_init(&b->mu, NULL);
  j->jobs[j->n_jobs++] = b;
  pthread_cond_signal(&j->work);
  *id = b->id;
  pthread_mutex_unlock(&j->mu);
  return EV_OK;
oom:
  pthread_mutex_unlock(&j->mu);
  return sv_err(err, EV_ENOMEM, "out of memory for another projection");
}

/* ---- references ---- */

sv_job *sv_jobs_get(sv_jobs *j, int id) {
  pthread_mutex_lock(&j->mu);
  int at = find_index(j, id);
  sv_job *b = at >= 0 ? j->jobs[at] : NULL;
  if (b) {
    b->refs++;
    b->last_used = ++j->clock;
  }
  pthread_mutex_unlock(&j->mu);
  return b;
}

void sv_jobs_put(sv_jobs *j, sv_job *b) {
  if (!b) return;
  pthread_mutex_lock(&j->mu);
  int last = --b->refs == 0 && b->evicted;
  pthread_mutex_unlock(&j->mu);
  if (last) job_free(b);
}

const ev_overlap *sv_job_map_overlap(sv_job *b) {
  pthread_mutex_lock(&b->mu);
  const ev_overlap *o = b->state == JOB_DONE ? b->map_overlap : NULL; /* immutable once the job is done */
  pthread_mutex_unlock(&b->mu);
  return o;
}

int sv_job_dataset(const sv_job *b) { return b->spec.dataset; }

int sv_jobs_running(sv_jobs *j) {
  pthread_mutex_lock(&j->mu);
  int n = j->n_running;
  pthread_mutex_unlock(&j->mu);
  return n;
}

/* ---- status ---- */

/* Jobs ahead of b in the queue (with j->mu held). */
static int queue_position(const sv_jobs *j, const sv_job *b) {
  int ahead = 0;
  for (int i = 0; i < j->n_jobs && j->jobs[i] != b; i++)
    ahead += j->jobs[i]->queued;
  return ahead;
}

/* The status as JSON; called with b->mu held. */
static void status_json(const sv_job *b, int ahead, ev_json *o) {
  static const char *names[] = {"queued", "running", "done", "failed", "cancelled"};
  double secs = b->state == JOB_QUEUED    ? 0
                : b->state == JOB_RUNNING ? sv_now() - b->started
                                          : b->seconds;
  ev_json_printf(o, "{\"id\": %d, \"dataset\": %d, \"method\": ", b->id, b->spec.dataset);
  ev_json_str(o, b->spec.method);
  ev_json_printf(o, ", \"dims\": %d, \"state\": \"%s\", ", b->spec.dims, names[b->state]);
  if (b->state == JOB_QUEUED) ev_json_printf(o, "\"ahead\": %d, ", ahead);
  ev_json_put(o, "\"stage\": ", 9);
  ev_json_str(o, b->stage);
  ev_json_printf(o, ", \"fraction\": %.4f, \"iteration\": %d, \"iterations\": %d, \"kl\": ",
            b->fraction < 0 ? -1.0 : b->fraction, b->iteration, b->total_iterations);
  ev_json_num(o, b->kl);
  ev_json_printf(o, ", \"version\": %d, \"seconds\": %.2f, \"variance\": ", b->version, secs);
  if (!strcmp(b->spec.method, "pca") && b->state == JOB_DONE) {
    ev_json_put(o, "[", 1);
    for (int a = 0; a < b->spec.dims; a++) {
      if (a) ev_json_put(o, ", ", 2);
      ev_json_num(o, b->variance[a]);
    }
    ev_json_put(o, "]", 1);
  } else {
    ev_json_put(o, "null", 4);
  }
  ev_json_put(o, ", \"quality\": ", 13);
  if (b->has_quality) { /* NaN (no labels) as null: JSON has no NaN */
    const ev_map_quality *q = &b->quality;
    ev_json_printf(o, "{\"k\": %d, \"sampled_points\": %lld, \"trustworthiness\": ", q->k, (long long)q->n_sampled);
    ev_json_num(o, q->trustworthiness);
    ev_json_put(o, ", \"continuity\": ", 16);
    ev_json_num(o, q->continuity);
    ev_json_put(o, ", \"knn_recall\": ", 16);
    ev_json_num(o, q->knn_recall);
    ev_json_put(o, ", \"knn_accuracy\": ", 18);
    ev_json_num(o, q->knn_accuracy);
    ev_json_put(o, "}", 1);
  } else {
    ev_json_put(o, "null", 4);
  }
  ev_json_printf(o, ", \"overlap\": %s, \"error\": ", b->map_overlap ? "true" : "false");
  ev_json_str(o, b->error[0] ? b->error : NULL);
  ev_json_put(o, "}", 1);
}

static int ahead_of(sv_jobs *j, const sv_job *b) {
  pthread_mutex_lock(&j->mu);
  int ahead = queue_position(j, b);
  pthread_mutex_unlock(&j->mu);
  return ahead;
}

int sv_jobs_status_json(sv_jobs *j, int id, ev_json *o) {
  sv_job *b = sv_jobs_get(j, id);
  if (!b) return -1;
  int ahead = ahead_of(j, b);
  pthread_mutex_lock(&b->mu);
  status_json(b, ahead, o);
  pthread_mutex_unlock(&b->mu);
  sv_jobs_put(j, b);
  return 0;
}

/* ---- event streams ---- */

int sv_jobs_next_event(sv_jobs *j, int id, unsigned *tick, int *last, ev_json *o, sv_waiter *w) {
  if (*last || w->expired || sv_now() > w->deadline || __atomic_load_n(&j->closing, __ATOMIC_ACQUIRE))
    return SV_EVENT_END;
  sv_job *b = sv_jobs_get(j, id);
  if (!b) return -1;
  int ahead = ahead_of(j, b);
  int rc;
  pthread_mutex_lock(&b->mu);
  /* `closing` is set before sv_jobs_close_streams takes this lock: either
   * it is seen here, or the waiter parked here is woken there.  The same for
   * `gone` (eviction) and `expired` (sv_jobs_expire_streams). */
  if (b->gone || w->expired || __atomic_load_n(&j->closing, __ATOMIC_ACQUIRE)) {
    rc = SV_EVENT_END;
  } else if (*tick != b->tick + 1) { /* *tick: 1 + the tick last sent; 0 before the first */
    status_json(b, ahead, o);
    *tick = b->tick + 1;
    *last = b->state != JOB_QUEUED && b->state != JOB_RUNNING;
    rc = SV_EVENT_READY;
  } else {
    w->next = b->waiters;
    b->waiters = w;
    w->suspend(w->user);
    rc = SV_EVENT_NONE;
  }
  pthread_mutex_unlock(&b->mu);
  sv_jobs_put(j, b);
  return rc;
}

void sv_jobs_close_streams(sv_jobs *j) {
  __atomic_store_n(&j->closing, 1, __ATOMIC_RELEASE);
  pthread_mutex_lock(&j->mu);
  for (int i = 0; i < j->n_jobs; i++) {
    sv_job *b = j->jobs[i];
    pthread_mutex_lock(&b->mu);
    sv_job_changed(b);
    pthread_mutex_unlock(&b->mu);
  }
  pthread_mutex_unlock(&j->mu);
}

void sv_jobs_expire_streams(sv_jobs *j, double now) {
  pthread_mutex_lock(&j->mu);
  for (int i = 0; i < j->n_jobs; i++) {
    sv_job *b = j->jobs[i];
    pthread_mutex_lock(&b->mu);
    for (sv_waiter **p = &b->waiters; *p;) {
      sv_waiter *w = *p;
      if (w->deadline > now) {
        p = &w->next;
        continue;
      }
      *p = w->next;
      w->next = NULL;
      w->expired = 1;
      w->wake(w->user);
    }
    pthread_mutex_unlock(&b->mu);
  }
  pthread_mutex_unlock(&j->mu);
}

/* ---- coordinates and cancelling ---- */

int sv_jobs_coords(sv_jobs *j, int id, float **coords, int64_t *n, int *dims, int *version) {
  sv_job *b = sv_jobs_get(j, id);
  if (!b) return -1;
  pthread_mutex_lock(&b->mu);
  *n = b->coords && b->version > 0 ? b->n : 0; /* nothing published yet: nothing (not zeros) */
  *dims = b->spec.dims;
  *version = b->version;
  size_t bytes = (size_t)*n * (size_t)b->spec.dims * sizeof(float);
  *coords = malloc(bytes ? bytes : 1);
  if (*coords && bytes) memcpy(*coords, b->coords, bytes);
  pthread_mutex_unlock(&b->mu);
  sv_jobs_put(j, b);
  return *coords ? 0 : -1;
}

int sv_jobs_cancel(sv_jobs *j, int id) {
  pthread_mutex_lock(&j->mu);
  int at = find_index(j, id);
  if (at < 0) {
    pthread_mutex_unlock(&j->mu);
    return -1;
  }
  sv_job *b = j->jobs[at];
  b->cancel = 1;
  if (b->queued) { /* never started: ended now */
    pthread_mutex_lock(&b->mu);
    b->state = JOB_CANCELLED;
    b->fraction = 1;
    sv_job_changed(b);
    pthread_mutex_unlock(&b->mu);
    b->active = b->queued = 0;
    evict(j);
  }
  pthread_mutex_unlock(&j->mu);
  return 0;
}
