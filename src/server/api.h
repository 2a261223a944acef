/* api.h — the viewer's API routes (api.c), independent of the HTTP plumbing
 * in http.c: a parsed request in, a reply out (so the routes can be fuzzed
 * without a socket). */
#ifndef EV_SERVER_API_H
#define EV_SERVER_API_H

#include "server/request.h"
#include "server/server.h"

typedef struct sv_api {
  sv_dataset *const *datasets;
  int n_datasets;
  sv_jobs *jobs;
} sv_api;

typedef struct sv_request {
  const sv_target *target;  /* the decoded path and query */
  const char *url;          /* the path, for messages */
  int post;
  const char *client;       /* who asks (an address): per-client limits */
} sv_request;

typedef struct sv_reply {
  int status;
  const char *mime;
  char *body;              /* malloc'd; the HTTP side frees it */
  size_t len;
  char extra_name[48], extra_value[64];
  char extra2_name[48], extra2_value[64];
  char cookie[256];
  int stream_job;          /* > 0: answer with job stream_job - 1's event stream instead of a body */
} sv_reply;

/* EV_OK or EV_ENOMEM. */
int sv_api_init(sv_api *a, sv_dataset *const *datasets, int n, const sv_jobs_config *jobs);
void sv_api_free(sv_api *a);
void sv_api_handle(sv_api *a, const sv_request *q, sv_reply *rep);

#endif
