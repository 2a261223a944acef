/* api.c — the viewer's API.  JSON for structure, raw little-endian float32
 * for coordinates, PNG for thumbnails.  Every parameter is checked and
 * bounded; a bad one is a 4xx with a message naming it.
 *
 *   GET  /api/datasets                        the inputs: name, size, columns, analysis (bool), thumbnails
 *   GET  /api/datasets/D/metadata             every column: categories + codes, or numbers
 *   GET  /api/datasets/D/neighbors?i=&k=&metric=euclidean|cosine
 *   GET  /api/datasets/D/thumb?i=             PNG
 *   GET  /api/datasets/D/analysis             overlapping pairs, suspects
 *   POST /api/datasets/D/projections?method=pca|tsne|umap&dims=2|3&...   -> {"job": J}
 *        (pca: components=1,2; tsne: perplexity, iterations; umap: neighbors, min_dist, iterations; seed;
 *         custom: column, left, right, down, up: searches whose means define the axes)
 *   GET  /api/jobs/J                          state, stage, iteration, KL, version
 *   GET  /api/jobs/J/events                   server-sent events: the status at each change, until the end
 *   GET  /api/jobs/J/coords                   float32 N x dims (headers: dims, version)
 *   GET  /api/jobs/J/overlap                  the class pairs with their overlap on this map and the verdict
 *   POST /api/jobs/J/cancel
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/api.h"
#include "server/error_body.h"

#define MAX_K 1000
#define MAX_ITER 10000

/* ---- replies ---- */

static void reply_json(sv_reply *r, ev_json *b) {
  if (b->failed) {
    free(b->p);
    r->status = 500;
    r->mime = "application/json";
    r->body = strdup("{\"error\": \"out of memory\"}\n");
    r->len = r->body ? strlen(r->body) : 0;
    return;
  }
  r->status = 200;
  r->mime = "application/json";
  r->body = b->p;
  r->len = b->len;
}

static void reply_error(sv_reply *r, int status, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void reply_error(sv_reply *r, int status, const char *fmt, ...) {
  if (r->body) return; /* the first error stands (parameters are checked one after another) */
  ev_json b = {0};
  va_list ap;
  va_start(ap, fmt);
  sv_error_body(&b, fmt, ap);
  va_end(ap);
  reply_json(r, &b);
  if (r->status == 200) r->status = status;
}

/* ---- parameters ---- */

static const char *arg(const sv_request *q, const char *name) { return sv_target_arg(q->target, name); }

/* An integer parameter in [lo, hi]; *ok = 0 (and the reply set) when bad. */
static long arg_long(const sv_request *q, sv_reply *r, const char *name, long def, long lo, long hi, int *ok) {
  const char *v = arg(q, name);
  if (!v) return def;
  char *end;
  errno = 0;
  long x = strtol(v, &end, 10);
  if (errno || end == v || *end || x < lo || x > hi) {
    reply_error(r, 400, "parameter %s='%.40s': expected an integer from %ld to %ld", name, v, lo, hi);
    *ok = 0;
  }
  return x;
}

static double arg_double(const sv_request *q, sv_reply *r, const char *name, double def, double lo, double hi,
                         int *ok) {
  const char *v = arg(q, name);
  if (!v) return def;
  char *end;
  double x = strtod(v, &end);
  if (end == v || *end || !(x >= lo && x <= hi)) {
    reply_error(r, 400, "parameter %s='%.40s': expected a number from %g to %g", name, v, lo, hi);
    *ok = 0;
  }
  return x;
}

/* ---- routes ---- */

static void route_datasets(sv_api *a, sv_reply *r) {
  ev_json b = {0};
  ev_json_put(&b, "{\"datasets\": [", 14);
  for (int i = 0; i < a->n_datasets; i++) {
    const sv_dataset *d = a->datasets[i];
    ev_json_printf(&b, "%s{\"id\": %d, \"name\": ", i ? ", " : "", i);
    ev_json_str(&b, d->name);
    ev_json_printf(&b, ", \"points\": %lld, \"dims\": %lld, \"label_column\": ", (long long)d->ds->x->n_rows,
              (long long)d->ds->x->n_cols);
    if (d->labels) ev_json_str(&b, ev_table_col_name(d->ds->meta, d->label_col));
    else ev_json_put(&b, "null", 4);
    ev_json_put(&b, ", \"columns\": [", 14);
    int nc = d->ds->meta ? ev_table_n_cols(d->ds->meta) : 0;
    for (int c = 0; c < nc; c++) {
      if (c) ev_json_put(&b, ", ", 2);
      ev_json_str(&b, ev_table_col_name(d->ds->meta, c));
    }
    ev_json_printf(&b, "], \"analysis\": %s, \"thumbnails\": %s, \"thumb_size\": [%lld, %lld]}",
              d->graph ? "true" : "false", d->thumbs ? "true" : "false",
              (long long)d->image_w, (long long)d->image_h);
  }
  ev_json_put(&b, "]}\n", 3);
  reply_json(r, &b);
}

/* Columns with few distinct values travel as categories and codes; numeric
 * columns with many as numbers; the rest as strings. */
static void route_metadata(const sv_dataset *d, sv_reply *r) {
  ev_json b = {0};
  ev_json_put(&b, "{\"columns\": [", 13);
  const ev_table *t = d->ds->meta;
  int nc = t ? ev_table_n_cols(t) : 0;
  int64_t n = d->ds->x->n_rows;
  for (int c = 0; c < nc; c++) {
    if (c) ev_json_put(&b, ",\n", 2);
    ev_json_put(&b, "{\"name\": ", 9);
    ev_json_str(&b, ev_table_col_name(t, c));
    int64_t distinct = ev_table_col_n_distinct(t, c);
    int numeric = ev_table_col_is_numeric(t, c);
    ev_labels *lab = NULL;
    ev_error err = {0};
    if (distinct <= 1000 && !ev_labels_from_column(t, c, &lab, &err)) {
      ev_json_put(&b, ", \"kind\": \"categorical\", \"categories\": [", 40);
      for (int k = 0; k < lab->n_classes; k++) {
        if (k) ev_json_put(&b, ", ", 2);
        ev_json_str(&b, lab->class_names[k]);
      }
      ev_json_put(&b, "], \"codes\": [", 13);
      for (int64_t i = 0; i < n; i++) ev_json_printf(&b, i ? ",%d" : "%d", lab->codes[i]);
      ev_json_put(&b, "]}", 2);
      ev_labels_free(lab);
    } else if (numeric) {
      ev_json_put(&b, ", \"kind\": \"numeric\", \"values\": [", 32);
      for (int64_t i = 0; i < n; i++) {
        if (i) ev_json_put(&b, ",", 1);
        ev_json_num(&b, ev_table_cell_number(t, i, c));
      }
      ev_json_put(&b, "]}", 2);
    } else {
      ev_json_put(&b, ", \"kind\": \"text\", \"values\": [", 29);
      for (int64_t i = 0; i < n; i++) {
        if (i) ev_json_put(&b, ",", 1);
        const char *v = ev_table_cell(t, i, c);
        if (v) ev_json_str(&b, v);
        else ev_json_put(&b, "null", 4);
      }
      ev_json_put(&b, "]}", 2);
    }
  }
  ev_json_put(&b, "]}\n", 3);
  reply_json(r, &b);
}

static void route_neighbors(const sv_dataset *d, const sv_request *q, sv_reply *r) {
  int ok = 1;
  int64_t n = d->ds->x->n_rows;
  long i = arg_long(q, r, "i", -1, 0, n - 1, &ok);
  if (ok && i < 0) {
    reply_error(r, 400, "parameter i (the point) is required");
    return;
  }
  long k = arg_long(q, r, "k", 10, 1, n - 1 < MAX_K ? n - 1 : MAX_K, &ok);
  if (!ok) return;
  const char *m = arg(q, "metric");
  int metric = m ? ev_metric_parse(m) : EV_METRIC_EUCLIDEAN;
  if (metric != EV_METRIC_EUCLIDEAN && metric != EV_METRIC_COSINE) {
    reply_error(r, 400, "parameter metric='%.40s': expected euclidean or cosine", m);
    return;
  }
  int32_t idx[MAX_K];
  float dist[MAX_K];
  ev_error err = {0};
  ev_knn_params kp = ev_knn_params_default();
  kp.k = (int)k;
  kp.metric = (ev_metric)metric;
  if (ev_knn_search_one(d->ds->x, ev_matrix_row(d->ds->x, i), i, d->norms, &kp, idx, dist, &err)) {
    reply_error(r, 500, "neighbours: %s", err.msg);
    return;
  }
  ev_json b = {0};
  ev_json_printf(&b, "{\"point\": %ld, \"k\": %ld, \"metric\": \"%s\", \"neighbors\": [", i, k,
            metric == EV_METRIC_COSINE ? "cosine" : "euclidean");
  int c_n = d->labels ? d->labels->n_classes : 0;
  int64_t *counts = c_n ? calloc((size_t)c_n, sizeof *counts) : NULL;
  int written = 0;
  for (int t = 0; t < k; t++) {
    int32_t j = idx[t];
    if (j < 0) break;
    ev_json_printf(&b, "%s{\"i\": %d, \"d\": ", written ? ", " : "", j);
    ev_json_num(&b, dist[t]);
    ev_json_put(&b, "}", 1);
    if (counts && d->labels->codes[j] >= 0) counts[d->labels->codes[j]]++;
    written++;
  }
  ev_json_put(&b, "], \"label_counts\": {", 20);
  int first = 1;
  for (int c = 0; counts && c < c_n; c++)
    if (counts[c]) {
      ev_json_put(&b, first ? "" : ", ", first ? 0 : 2);
      ev_json_str(&b, d->labels->class_names[c]);
      ev_json_printf(&b, ": %lld", (long long)counts[c]);
      first = 0;
    }
  ev_json_put(&b, "}}\n", 3);
  free(counts);
  reply_json(r, &b);
}

static void route_thumb(const sv_dataset *d, const sv_request *q, sv_reply *r) {
  int ok = 1;
  if (!d->thumbs) {
    reply_error(r, 404, "this dataset has no thumbnails (its vectors are not images and no sprite was given)");
    return;
  }
  long i = arg_long(q, r, "i", -1, 0, d->thumbs->n - 1, &ok);
  if (!ok) return;
  if (i < 0) {
    reply_error(r, 400, "parameter i (the point) is required");
    return;
  }
  unsigned char *png;
  size_t len;
  ev_error err = {0};
  if (ev_thumbnail_png(d->thumbs, i, &png, &len, &err)) {
    reply_error(r, sv_http_status(err.code), "thumbnail: %s", err.msg);
    return;
  }
  r->status = 200;
  r->mime = "image/png";
  r->body = (char *)png;
  r->len = len;
}

/* "pairs": the 100 most overlapping class pairs; with_map: each with its
 * score on the map and the verdict, and also the pairs that overlap only on
 * the map (artefacts of the projection), however low their input score (up
 * to 200 pairs in all) */
static void pairs_json(ev_json *b, const ev_labels *lab, const ev_overlap *o, int with_map) {
  ev_json_put(b, "\"pairs\": [", 10);
  int shown = 0;
  for (int p = 0; p < o->n_pairs; p++) {
    const ev_overlap_pair *pr = &o->pairs[p];
    int artefact = with_map && pr->verdict == EV_OVERLAP_MAP_ARTEFACT;
    if (p >= 100 && !(artefact && shown < 200)) continue;
    ev_json_put(b, shown ? ",\n  {\"a\": " : "\n  {\"a\": ", shown ? 10 : 9);
    shown++;
    ev_json_str(b, lab->class_names[pr->a]);
    ev_json_put(b, ", \"b\": ", 7);
    ev_json_str(b, lab->class_names[pr->b]);
    ev_json_printf(b, ", \"score\": %.6g, ", isfinite(pr->score) ? pr->score : 0.0);
    if (with_map) {
      ev_json_printf(b, "\"map_score\": %.6g, \"verdict\": ", isfinite(pr->map_score) ? pr->map_score : 0.0);
      ev_json_str(b, ev_overlap_verdict_name(pr->verdict));
      ev_json_put(b, ", ", 2);
    }
    ev_json_put(b, "\"examples\": [", 13);
    for (int e = 0; e < pr->n_examples; e++) ev_json_printf(b, e ? ", %d" : "%d", pr->examples[e]);
    ev_json_put(b, "]}", 2);
  }
  ev_json_put(b, "]", 1);
}

static void route_analysis(const sv_dataset *d, sv_reply *r) {
  if (!d->labels || !d->overlap) {
    reply_error(r, 404, !d->labels  ? "no analysis: this dataset has no labels (give --labels or --metadata)"
                        : d->graph ? "no analysis: the label column has more than 1,000 classes"
                                   : "no analysis: the server was started with --no-analysis");
    return;
  }
  const ev_labels *lab = d->labels;
  const ev_overlap *o = d->overlap;
  const ev_suspects *s = d->suspects;
  ev_json b = {0};
  ev_json_put(&b, "{\"label_column\": ", 17);
  ev_json_str(&b, ev_table_col_name(d->ds->meta, d->label_col));
  ev_json_printf(&b, ", \"k\": %d, ", o->k);
  pairs_json(&b, lab, o, 0);
  ev_json_printf(&b, ",\n\"suspects\": {\"flagged\": %lld, \"points\": [", (long long)s->n_flagged);
  for (int64_t t = 0; t < s->n_flagged && t < 1000; t++) {
    int32_t i = s->ranked[t];
    ev_json_printf(&b, "%s\n  {\"i\": %d, \"label\": ", t ? "," : "", i);
    ev_json_str(&b, lab->class_names[lab->codes[i]]);
    ev_json_put(&b, ", \"suggested\": ", 15);
    ev_json_str(&b, lab->class_names[s->suggested[i]]);
    ev_json_printf(&b, ", \"score\": %.4f}", s->score[i]);
  }
  ev_json_put(&b, "]}}\n", 4);
  reply_json(r, &b);
}

static void route_submit(sv_api *a, int id, sv_dataset *d, const sv_request *q, sv_reply *r) {
  int ok = 1;
  sv_job_spec sp = {.dataset = id};
  const char *m = arg(q, "method");
  if (!m || (strcmp(m, "pca") && strcmp(m, "tsne") && strcmp(m, "umap") && strcmp(m, "custom"))) {
    reply_error(r, 400, "parameter method='%.20s': expected pca, tsne, umap or custom", m ? m : "");
    return;
  }
  snprintf(sp.method, sizeof sp.method, "%s", m);
  int64_t n = d->ds->x->n_rows;
  const ev_map_params def = ev_map_params_default(EV_MAP_UMAP); /* the library's defaults, as `embed` has them */
  sp.dims = (int)arg_long(q, r, "dims", def.n_dims, 2, 3, &ok);
  if (ok) sp.perplexity = arg_double(q, r, "perplexity", def.tsne.perplexity, 2, n > 4 ? (double)(n - 1) / 3 : 2, &ok);
  if (ok) sp.iterations = (int)arg_long(q, r, "iterations", 0, 0, MAX_ITER, &ok);
  if (ok) sp.neighbors = (int)arg_long(q, r, "neighbors", def.umap.n_neighbors, 2, n - 1 < 200 ? n - 1 : 200, &ok);
  if (ok) sp.min_dist = arg_double(q, r, "min_dist", def.umap.min_dist, 0, 1, &ok);
  if (ok) sp.seed = (uint64_t)arg_long(q, r, "seed", (long)def.seed, 0, 1L << 40, &ok);
  if (!ok) return;
  /* the defaults too must suit this dataset: a 400 now, not a failed job later */
  if (!strcmp(m, "tsne") && 3 * sp.perplexity + 1 > (double)n) {
    reply_error(r, 400, "parameter perplexity=%g: %lld points allow at most %g (t-SNE needs 3 x perplexity + 1)",
                sp.perplexity, (long long)n, n > 4 ? (double)(n - 1) / 3 : 0.0);
    return;
  }
  if (!strcmp(m, "umap") && sp.neighbors > n - 1) {
    reply_error(r, 400, "parameter neighbors=%d: %lld points allow at most %lld", sp.neighbors, (long long)n,
                (long long)(n - 1));
    return;
  }
  /* what the method ignores is cleared and what it resolves is resolved, so
   * that the same map is one job (iterations=0 and 750 are one t-SNE) */
  if (strcmp(m, "tsne")) sp.perplexity = 0;
  if (strcmp(m, "umap")) sp.neighbors = 0, sp.min_dist = 0;
  if (!strcmp(m, "tsne") && !sp.iterations) sp.iterations = def.tsne.n_iter;
  if (!strcmp(m, "umap")) {
    ev_umap_params up = def.umap;
    up.n_epochs = sp.iterations;
    sp.iterations = ev_umap_epochs(&up, n);
  }
  if (strcmp(m, "tsne") && strcmp(m, "umap")) sp.iterations = 0;
  /* PCA: which components go on the axes, "1,2" by default */
  int max_pc = (int)(d->ds->x->n_cols < n ? d->ds->x->n_cols : n);
  if (max_pc > 100) max_pc = 100;
  for (int c = 0; c < 3; c++) sp.components[c] = c < sp.dims ? c + 1 : 0;
  const char *pcs = arg(q, "components");
  if (pcs && !strcmp(m, "pca")) {
    int got = 0, at = 0;
    while (got < 3) {
      int v, used;
      if (sscanf(pcs + at, "%d%n", &v, &used) != 1 || v < 1 || v > max_pc) break;
      sp.components[got++] = v;
      at += used;
      if (pcs[at] != ',') break;
      at++;
    }
    if (got != sp.dims || pcs[at]) {
      reply_error(r, 400, "parameter components='%.40s': expected %d component numbers from 1 to %d, e.g. 1,2",
                  pcs, sp.dims, max_pc);
      return;
    }
  }
  if (strcmp(m, "pca")) memset(sp.components, 0, sizeof sp.components); /* no effect on other methods' cache */
  if (!strcmp(m, "custom")) { /* x from left to right, y from down to up: four searches of one column */
    static const char *names[4] = {"left", "right", "down", "up"};
    const ev_table *t = d->ds->meta;
    const char *col = arg(q, "column");
    sp.column = !t ? -1 : col ? ev_table_find_col(t, col) : d->labels ? d->label_col : 0;
    if (sp.column < 0) {
      reply_error(r, 400, "parameter column='%.40s': no such metadata column", col ? col : "");
      return;
    }
    sp.dims = 2;
    for (int k = 0; k < 4; k++) {
      const char *v = arg(q, names[k]);
      if (!v || !*v || strlen(v) >= sizeof sp.search[k]) {
        reply_error(r, 400, "parameter %s: a search (text, or /regular expression/) of up to %zu characters is required",
                    names[k], sizeof sp.search[k] - 1);
        return;
      }
      snprintf(sp.search[k], sizeof sp.search[k], "%s", v);
    }
    /* compiled here, so that a bad search is a 400; matching runs in the job, off the HTTP workers */
    ev_error err;
    for (int k = 0; k < 4; k++)
      if (sv_custom_check(sp.search[k], &err)) {
        reply_error(r, sv_http_status(err.code), "parameter %s: %s", names[k], err.msg);
        return;
      }
  }
  if (!strcmp(m, "tsne") && n < 4) {
    reply_error(r, 400, "t-SNE needs at least 4 points");
    return;
  }
  ev_error err;
  int job;
  if (sv_jobs_submit(a->jobs, d, &sp, q->client, &job, &err)) {
    reply_error(r, sv_http_status(err.code), "%s", err.msg);
    return;
  }
  ev_json b = {0};
  ev_json_printf(&b, "{\"job\": %d}\n", job);
  reply_json(r, &b);
}

static void route_job(sv_api *a, int job, const char *rest, const sv_request *q, sv_reply *r) {
  if (!*rest && !q->post) {
    ev_json b = {0};
    if (sv_jobs_status_json(a->jobs, job, &b)) {
      ev_json_clear(&b);
      reply_error(r, 404, "no job %d", job);
      return;
    }
    ev_json_put(&b, "\n", 1);
    reply_json(r, &b);
  } else if (!strcmp(rest, "/events") && !q->post) {
    sv_job *b = sv_jobs_get(a->jobs, job);
    sv_jobs_put(a->jobs, b);
    if (!b) {
      reply_error(r, 404, "no job %d", job);
      return;
    }
    r->status = 200;
    r->stream_job = job + 1;
  } else if (!strcmp(rest, "/coords") && !q->post) {
    float *y;
    int64_t n;
    int dims, version;
    if (sv_jobs_coords(a->jobs, job, &y, &n, &dims, &version)) {
      reply_error(r, 404, "no job %d", job);
      return;
    }
    r->status = 200;
    r->mime = "application/octet-stream"; /* little-endian float32, n x dims */
    r->body = (char *)y;
    r->len = (size_t)n * (size_t)dims * sizeof *y;
    snprintf(r->extra_name, sizeof r->extra_name, "X-Embview-Dims");
    snprintf(r->extra_value, sizeof r->extra_value, "%d", dims);
    snprintf(r->extra2_name, sizeof r->extra2_name, "X-Embview-Version");
    snprintf(r->extra2_value, sizeof r->extra2_value, "%d", version);
  } else if (!strcmp(rest, "/overlap") && !q->post) {
    sv_job *b = sv_jobs_get(a->jobs, job);
    const ev_overlap *o = b ? sv_job_map_overlap(b) : NULL;
    if (!o) {
      sv_jobs_put(a->jobs, b);
      reply_error(r, 404, !b ? "no job %d" : "job %d: no overlap on its map (running, or no labels and analysis)", job);
      return;
    }
    ev_json out = {0};
    ev_json_printf(&out, "{\"job\": %d, \"k\": %d, ", job, o->k);
    pairs_json(&out, a->datasets[sv_job_dataset(b)]->labels, o, 1);
    sv_jobs_put(a->jobs, b);
    ev_json_put(&out, "}\n", 2);
    reply_json(r, &out);
  } else if (!strcmp(rest, "/cancel") && q->post) {
    if (sv_jobs_cancel(a->jobs, job)) {
      reply_error(r, 404, "no job %d", job);
      return;
    }
    ev_json b = {0};
    ev_json_printf(&b, "{\"job\": %d, \"cancelled\": true}\n", job);
    reply_json(r, &b);
  } else {
    reply_error(r, q->post ? 405 : 404, "no such route: %s %s", q->post ? "POST" : "GET", q->url);
  }
}

/* "/api/<what>/<number><rest>": the number, or -1 */
static long path_id(const char *url, const char *prefix, const char **rest) {
  size_t n = strlen(prefix);
  if (strncmp(url, prefix, n)) return -1;
  const char *p = url + n;
  if (*p < '0' || *p > '9') return -1;
  long v = 0;
  while (*p >= '0' && *p <= '9' && v < 1000000) v = v * 10 + (*p++ - '0');
  if (*p >= '0' && *p <= '9') return -1;
  *rest = p;
  return v;
}

void sv_api_handle(sv_api *a, const sv_request *q, sv_reply *r) {
  const char *rest;
  long id;
  if (!strcmp(q->url, "/api/datasets") && !q->post) {
    route_datasets(a, r);
  } else if ((id = path_id(q->url, "/api/datasets/", &rest)) >= 0) {
    if (id >= a->n_datasets) {
      reply_error(r, 404, "no dataset %ld (there are %d)", id, a->n_datasets);
      return;
    }
    sv_dataset *d = a->datasets[id];
    if (!strcmp(rest, "/metadata") && !q->post) route_metadata(d, r);
    else if (!strcmp(rest, "/neighbors") && !q->post) route_neighbors(d, q, r);
    else if (!strcmp(rest, "/thumb") && !q->post) route_thumb(d, q, r);
    else if (!strcmp(rest, "/analysis") && !q->post) route_analysis(d, r);
    else if (!strcmp(rest, "/projections") && q->post) route_submit(a, (int)id, d, q, r);
    else reply_error(r, 404, "no such route: %s %s", q->post ? "POST" : "GET", q->url);
  } else if ((id = path_id(q->url, "/api/jobs/", &rest)) >= 0) {
    route_job(a, (int)id, rest, q, r);
  } else {
    reply_error(r, 404, "no such route: %s %s", q->post ? "POST" : "GET", q->url);
  }
}

int sv_api_init(sv_api *a, sv_dataset *const *datasets, int n, const sv_jobs_config *jobs) {
  a->datasets = datasets;
  a->n_datasets = n;
  a->jobs = sv_jobs_new(jobs);
  return a->jobs ? EV_OK : EV_ENOMEM;
}

void sv_api_free(sv_api *a) {
  sv_jobs_free(a->jobs);
  a->jobs = NULL;
}
