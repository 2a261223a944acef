/* api.h — the viewer's API routes (api.c), independent of the HTTP plumbing
 * in http.c except for reading query parameters. */
#ifndef EV_SERVER_API_H
#define EV_SERVER_API_H

#include "server/server.h"

struct MHD_Connection;

typedef struct sv_api {
  sv_dataset *const *datasets;
  int n_datasets;
  sv_jobs *jobs;
  int n_threads;
} sv_api;

typedef struct sv_request {
  struct MHD_Connection *conn;
  const char *url;
  int post;
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

int sv_api_init(sv_api *a, sv_dataset *const *datasets, int n, int n_threads);
void sv_api_free(sv_api *a);
void sv_api_handle(sv_api *a, const sv_request *q, sv_reply *rep);

#endif
