/* server.h — `embview serve`: a local HTTP server (libmicrohttpd) over the
 * library, for the browser viewer in web/.
 *
 * The server owns a list of datasets (each loaded input: vectors, metadata,
 * thumbnails, the analysis graph and its results) and a job table of
 * projections that run on their own threads.  Security: loopback by
 * default; any other host needs the access token on every request; the Host
 * header must name this server (DNS rebinding); only built-in assets and API
 * routes exist; request sizes and parameters are bounded. */
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
  const char *token;        /* NULL: none needed (loopback only) */
  int n_threads;            /* compute threads per job (0 = all) */
} sv_config;

typedef struct sv_server sv_server;

/* Start serving; *port_out is the bound port.  Returns 0, or -1 with a
 * message in msg. */
int sv_start(const sv_config *cfg, sv_dataset *const *datasets, int n_datasets, sv_server **out, int *port_out,
             char *msg, size_t msg_len);
/* Stop accepting, cancel running jobs, wait for them, free the server (not
 * the datasets). */
void sv_stop(sv_server *s);

/* ---- pieces shared by the server's files ---- */

typedef struct sv_job sv_job;

/* Projection jobs (jobs.c). */
typedef struct sv_jobs sv_jobs;
sv_jobs *sv_jobs_new(int n_threads);
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
  char search[4][128];      /* custom: x from [0] to [1], y from [2] to [3] (regular expressions) */
  uint64_t seed;
} sv_job_spec;

/* Start (or find, when the same spec ran before) a job; its id. -1 with msg
 * on failure. */
int sv_jobs_submit(sv_jobs *j, sv_dataset *d, const sv_job_spec *spec, char *msg, size_t msg_len);
/* Status as JSON into buf; 0, or -1 when there is no such job. */
int sv_jobs_status_json(sv_jobs *j, int id, char *buf, size_t len);
/* A copy of the job's latest coordinates (malloc'd, n x dims floats). */
int sv_jobs_coords(sv_jobs *j, int id, float **coords, int64_t *n, int *dims, int *version);
int sv_jobs_cancel(sv_jobs *j, int id);
/* A finished job's class overlap with the map's verdicts (owned by the job,
 * unchanging); NULL while it runs or without one.  *dataset: the job's
 * dataset, -1 when there is no such job. */
const ev_overlap *sv_jobs_map_overlap(sv_jobs *j, int id, int *dataset);

/* Following a job as it runs (the viewer's server-sent events stream).  A
 * waiter is one stream's place in its job's queue: `suspend` parks the
 * stream, `wake` resumes it; both are called with the job's lock held, so a
 * change cannot slip between "nothing new" and parking. */
typedef struct sv_waiter {
  void (*suspend)(void *user);
  void (*wake)(void *user);
  void *user;
  struct sv_waiter *next;   /* the job's queue; jobs.c's while parked */
} sv_waiter;

enum { SV_EVENT_NONE = 0, SV_EVENT_READY = 1, SV_EVENT_END = 2 };
/* The job's status (as sv_jobs_status_json) when it changed since *tick:
 * SV_EVENT_READY, with *tick advanced (start it at 0) and *last set when the job has
 * ended.  SV_EVENT_NONE: nothing new; the waiter is parked and will be
 * woken once at the next change.  SV_EVENT_END: the job's last status has
 * been sent, or the server is closing.  -1: no such job. */
int sv_jobs_next_event(sv_jobs *j, int id, unsigned *tick, int *last, char *buf, size_t len, sv_waiter *w);
/* Wake every parked stream and park no more (before the HTTP side stops). */
void sv_jobs_close_streams(sv_jobs *j);

/* Custom projection (TensorBoard's): axis = mean of the rows whose column
 * value matches `to` minus the mean of those matching `from`.  Rows that
 * match: 1 = this regex (POSIX extended, case-insensitive) matches; counts
 * into n_from / n_to.  0, or -1 with msg (a bad regex, no match). */
int sv_custom_axis(const sv_dataset *d, int column, const char *from, const char *to, double *axis, int64_t *n_from,
                   int64_t *n_to, char *msg, size_t msg_len);

/* Built-in assets (assets.c, generated from web/). */
typedef struct sv_asset {
  const char *path;         /* "/", "/static/app.js", ... */
  const char *mime;
  const unsigned char *data;
  size_t len;
} sv_asset;
const sv_asset *sv_asset_find(const char *path);

#endif
