/* jobs_internal.h — one projection job, shared by the queue (jobs.c) and
 * the code that computes it (job_run.c). */
#ifndef EV_SERVER_JOBS_INTERNAL_H
#define EV_SERVER_JOBS_INTERNAL_H

#include "server/server.h"

typedef enum { JOB_QUEUED, JOB_RUNNING, JOB_DONE, JOB_FAILED, JOB_CANCELLED } job_state;

struct sv_job {
  /* fixed at submission */
  int id;
  int n_threads;
  sv_job_spec spec;
  sv_dataset *d;
  char client[64];     /* who asked (an address): the per-client limit */
  int64_t n;           /* points */

  /* the queue's (sv_jobs.mu) */
  int refs;            /* references from requests and the runner */
  int active;          /* queued or running: counts against the limits */
  int queued;          /* waiting for a runner */
  int evicted;         /* out of the table; freed at the last sv_jobs_put */
  unsigned long last_used;

  /* the job's (mu); state changes from JOB_QUEUED only with sv_jobs.mu held too */
  pthread_mutex_t mu;
  job_state state;
  volatile int cancel;
  int gone;            /* evicted or closing: streams end */
  char stage[64];
  double fraction;
  int iteration, total_iterations;
  double kl;
  float *coords;       /* n x dims, the latest published; NULL until it starts */
  int version;         /* bumped on every publication */
  char error[512];
  double variance[3];  /* PCA: explained variance ratio of each axis */
  double submitted, started, seconds;
  int has_quality;     /* the finished map measured (datasets with analysis) */
  ev_map_quality quality;
  ev_overlap *map_overlap; /* the classes' overlap with this map's verdicts; NULL without labels */
  unsigned tick;       /* bumped on every change a stream reports */
  sv_waiter *waiters;  /* streams parked until the next change */
};

/* A change: parked streams are woken (once each).  Called with b->mu held. */
void sv_job_changed(sv_job *b);
/* Compute the job (on a runner thread): its final state, coordinates,
 * quality and error are set when it returns. */
void sv_job_run(sv_job *b);

#endif
