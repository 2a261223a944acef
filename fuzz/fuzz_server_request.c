/* fuzz_server_request.c — the server's request handling without a socket:
 * the raw request target through our parser (src/server/request.c), then the
 * API's routing and parameter checks (src/server/api.c) over a small dataset.
 * Input: "GET " or "POST " followed by the raw target ("/api/...?a=1").
 * Each input gets a fresh job queue without runners (no state carries over
 * from one input to the next): projections are queued, deduplicated,
 * limited and cancelled, but never computed. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "server/api.h"
#include "embview/json.h"

static sv_dataset dataset;
static sv_dataset *list[1];

static void setup(void) {
  static ev_dataset ds;
  ev_error err = {0};
  ev_matrix *x = NULL;
  if (ev_matrix_new(40, 3, &x, &err)) abort();
  for (int64_t i = 0; i < 40 * 3; i++) x->data[i] = (float)((i * 7919) % 101) / 10.0f;
  ev_table *t = NULL;
  const char *labels[40], *text[40];
  static const char *names[] = {"cat", "dog", "bird", "fish"};
  for (int i = 0; i < 40; i++) {
    labels[i] = names[i % 4];
    text[i] = i % 3 ? "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!" : NULL;
  }
  if (ev_table_new(40, &t, &err) || ev_table_add_column(t, "label", labels, &err) ||
      ev_table_add_column(t, "text", text, &err))
    abort();
  ds.x = x;
  ds.meta = t;
  dataset.name = "fuzz";
  dataset.ds = &ds;
  dataset.label_col = 0;
  if (ev_labels_from_column(t, 0, &dataset.labels, &err)) abort();
  dataset.norms = malloc(40 * sizeof *dataset.norms);
  if (!dataset.norms) abort();
  ev_knn_row_norms(x, dataset.norms);
  list[0] = &dataset;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (!list[0]) setup();
  int post;
  if (size >= 4 && !memcmp(data, "GET ", 4)) post = 0;
  else if (size >= 5 && !memcmp(data, "POST ", 5)) post = 1;
  else return 0;
  const char *raw = (const char *)data + (post ? 5 : 4);
  size_t len = size - (post ? 5 : 4);
  sv_target t;
  if (sv_target_parse(raw, len, &t, NULL)) return 0;
  if (strncmp(t.path, "/api/", 5)) {
    sv_asset_find(t.path);
    return 0;
  }
  sv_api api;
  sv_jobs_config jc = {.n_threads = 1, .max_running = -1};
  if (sv_api_init(&api, list, 1, &jc)) abort();
  sv_request q = {.target = &t, .url = t.path, .post = post, .client = "127.0.0.1"};
  for (int round = 0; round < 6; round++) { /* again: the cache, the per-client limit, cancelling */
    sv_reply rep = {0};
    sv_api_handle(&api, &q, &rep);
    if (rep.status < 200 || rep.status > 599) abort(); /* every route answers with a status */
    free(rep.body);
  }
  sv_api_free(&api);
  return 0;
}
