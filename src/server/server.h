/* server.h — `embview serve`: a local HTTP server (libmicrohttpd) over the
 * library, for the browser viewer in web/.
 *
 * The server owns a list of datasets (each loaded input: vectors, metadata,
 * thumbnails, the analysis graph and its results) and a job table of
 * projections that run from a bounded queue.  Security (the README's
 * "Security model"): loopback by default; every request carries the access
 * token (the printed URL's, kept as an HttpOnly SameSite=Strict cookie, or a
 * header); state changes come only from the viewer's own origin; on loopback
 * the Host header must name this server (DNS rebinding); only built-in
 * assets and API routes exist; request sizes, parameters, jobs, event
 * streams and searches are bounded. */
#ifndef EV_SERVER_H
#define EV_SERVER_H

#include <pthread.h>
#include <stdint.h>

#include "embview/embview.h"

typedef struct sv_dataset {
  char *name;               /* shown in the viewer (the input's name) */
  ev_dataset *ds;
  ev_labels *labels;        /* the default label column's classes, or NULL */
  int label_col;
  ev_knn_graph *graph;      /* the analysis graph */
  ev_overlap *overlap;      /* with labels */
  ev_suspects *suspects;    /* with labels */
  ev_thumbnails *thumbs;    /* from a sprite or the image vectors; NULL if none */
  int64_t image_w, image_h; /* thumbnail size */
  float *norms;             /* row norms, for the inspector's neighbour queries */
} sv_dataset;

typedef struct sv_config {
  const char *host;         /* "127.0.0.1" default */
  int port;                 /* 0: any free port */
  const char *token;        /* the access secret every request must carry (cookie or header) */
  int n_threads;            /* compute threads per job (0 = all) */
  int stream_seconds;       /* an event stream ends after this long (the browser reconnects); 0 = 300 */
} sv_config;

typedef struct sv_server sv_server;

/* Start serving; *port_out is the bound port.  EV_OK; EV_EINVAL for a bad
 * token or host, EV_EIO when the port cannot be listened on, EV_ENOMEM. */
int sv_start(const sv_config *cfg, sv_dataset *const *datasets, int n_datasets, sv_server **out, int *port_out,
             ev_error *err);
/* Stop accepting, cancel running jobs, wait for them, free the server (not
 * the datasets). */
void sv_stop(sv_server *s);

/* ---- pieces shared by the server's files ---- */

/* Projection jobs (jobs.c).  Jobs wait in a queue and at most max_running
 * compute at once (each with all its threads); a client (an address) may
 * have at most max_per_client jobs waiting or running, and the server
 * max_active.  Ended jobs (done, failed, cancelled) stay for the viewer to
 * fetch and for the cache, least recently used first out, within keep_bytes
 * of coordinates and keep_jobs jobs.  Ids only grow: an evicted job's id
 * answers 404. */
typedef struct sv_jobs_config {
  int n_threads;            /* compute threads per job (0 = all) */
  int max_running;          /* default (0) 2; < 0: none run (a queue for tests) */
  int max_active;           /* waiting + running, all clients: default 16 */
  int max_per_client;       /* waiting + running, one client: default 4 */
  size_t keep_bytes;        /* ended jobs' coordinates: default 256 MB */
  int keep_jobs;            /* ended jobs kept: default 32 */
} sv_jobs_config;

typedef struct sv_job sv_job;
typedef struct sv_jobs sv_jobs;
sv_jobs *sv_jobs_new(const sv_jobs_config *cfg);
void sv_jobs_free(sv_jobs *j); /* cancels and joins */

typedef struct sv_job_spec {
  int dataset;
  char method[8];           /* pca, tsne, umap, custom */
  int dims;                 /* 2 or 3 */
  double perplexity;        /* t-SNE */
  int iterations;           /* t-SNE iterations / UMAP epochs (0 = default) */
  int neighbors;            /* UMAP */
  double min_dist;          /* UMAP */
  int components[3];        /* PCA: the principal components (1-based) on the axes */
  int column;               /* custom: the metadata column the searches match */
  char search[4][128];      /* custom: x from [0] to [1], y from [2] to [3] (search.h's searches) */
  uint64_t seed;
} sv_job_spec;

/* Queue (or find, when the same spec is queued, running or done) a job;
 * its id in *id.  EV_EBUSY when the client's or the server's queue is full,
 * EV_ECANCELED when the server is stopping, EV_ENOMEM.  `client` names who
 * asked (an address). */
int sv_jobs_submit(sv_jobs *j, sv_dataset *d, const sv_job_spec *spec, const char *client, int *id, ev_error *err);
/* Status as JSON into b; 0, or -1 when there is no such job. */
struct ev_json;
int sv_jobs_status_json(sv_jobs *j, int id, struct ev_json *b);
/* A copy of the job's latest coordinates (malloc'd, n x dims floats; n = 0
 * before the first publication). */
int sv_jobs_coords(sv_jobs *j, int id, float **coords, int64_t *n, int *dims, int *version);
int sv_jobs_cancel(sv_jobs *j, int id);
/* A reference to a job (NULL when there is none), valid until sv_jobs_put. */
sv_job *sv_jobs_get(sv_jobs *j, int id);
void sv_jobs_put(sv_jobs *j, sv_job *b);
/* A finished job's class overlap with the map's verdicts (unchanging once
 * done); NULL while it runs or without one. */
const ev_overlap *sv_job_map_overlap(sv_job *b);
int sv_job_dataset(const sv_job *b);
/* Jobs computing now (for tests and the load benchmark's log). */
int sv_jobs_running(sv_jobs *j);

/* Following a job as it runs (the viewer's server-sent events stream).  A
 * waiter is one stream's place in its job's queue: `suspend` parks the
 * stream, `wake` resumes it; both are called with the job's lock held, so a
 * change cannot slip between "nothing new" and parking.  A waiter parked
 * past its deadline is woken with `expired` set. */
typedef struct sv_waiter {
  void (*suspend)(void *user);
  void (*wake)(void *user);
  void *user;
  double deadline;          /* CLOCK_MONOTONIC seconds */
  int expired;
  struct sv_waiter *next;   /* the job's queue; jobs.c's while parked */
} sv_waiter;

enum { SV_EVENT_NONE = 0, SV_EVENT_READY = 1, SV_EVENT_END = 2 };
/* The job's status (as sv_jobs_status_json) when it changed since *tick:
 * SV_EVENT_READY, with *tick advanced (start it at 0) and *last set when the job has
 * ended.  SV_EVENT_NONE: nothing new; the waiter is parked and will be
 * woken once at the next change.  SV_EVENT_END: the job's last status has
 * been sent, the waiter expired, or the server is closing.  -1: no such job. */
int sv_jobs_next_event(sv_jobs *j, int id, unsigned *tick, int *last, struct ev_json *b, sv_waiter *w);
/* Wake every parked stream and park no more (before the HTTP side stops). */
void sv_jobs_close_streams(sv_jobs *j);
/* Wake the parked streams whose deadline is before `now` (they then end). */
void sv_jobs_expire_streams(sv_jobs *j, double now);
double sv_now(void); /* CLOCK_MONOTONIC seconds */

/* Custom projection (TensorBoard's): axis = mean of the rows whose column
 * value matches `to` minus the mean of those matching `from` (searches as in
 * search.h); counts into n_from / n_to.  EV_OK; EV_ECANCELED when *cancel
 * was set; EV_ERANGE past its deadline or a search's limits; EV_ENOTFOUND
 * when a search matches no point; EV_EINVAL, EV_ENOMEM. */
int sv_custom_axis(const sv_dataset *d, int column, const char *from, const char *to, const volatile int *cancel,
                   double *axis, int64_t *n_from, int64_t *n_to, ev_error *err);
/* Whether a search compiles (cheap: for checking a request); EV_EINVAL says why not. */
int sv_custom_check(const char *search, ev_error *err);

/* Built-in assets (assets.c, generated from web/). */
typedef struct sv_asset {
  const char *path;         /* "/", "/static/app.js", ... */
  const char *mime;
  const unsigned char *data;
  size_t len;
} sv_asset;
const sv_asset *sv_asset_find(const char *path);

#endif
