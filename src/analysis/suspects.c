/* suspects.c — which given labels look wrong: labels spread over the kNN
 * graph, each point judged by its neighbours' share of the field, and the
 * number of wrong labels estimated by confident learning's per-class
 * thresholds (see embview/analysis.h for the steps and the measurements). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "core/parallel.h"
#include "core/sparse.h"
#include "embview/analysis.h"

/* F, its update and the probabilities are N x C floats each */
#define MAX_FIELD_BYTES ((size_t)6 << 30)

ev_suspect_params ev_suspect_params_default(void) {
  ev_suspect_params p = {.alpha = 0.5, .iterations = 30, .n_threads = 0};
  return p;
}

void ev_suspects_free(ev_suspects *s) {
  if (!s) return;
  ev__free(s->score);
  ev__free(s->suggested);
  ev__free(s->p_suggested);
  ev__free(s->threshold);
  ev__free(s->ranked);
  ev__free(s);
}

/* Gaussian edge weights exp(-(d / d_mid)^2), d_mid the distance to the
 * middle neighbour: a scale that adapts to the local density.  Rows whose
 * middle distance is 0 (duplicates) weigh every neighbour 1. */
static void edge_weights(const ev_knn_graph *g, float *w) {
  int k = g->k;
  for (int64_t i = 0; i < g->n_points; i++) {
    const float *d = g->distances + i * k;
    int valid = 0;
    while (valid < k && g->indices[i * k + valid] >= 0) valid++;
    double mid = valid ? d[valid / 2] : 0;
    for (int t = 0; t < k; t++) {
      double r = mid > 0 && isfinite(mid) ? d[t] / mid : 0;
      w[i * k + t] = t < valid ? (float)exp(-r * r) : 0.0f;
    }
  }
}

/* y = S x for C-column row-major blocks */
static void spmm(const ev_csr *s, const float *x, float *y, int c_n, int nt) {
  (void)nt;
#pragma omp parallel for schedule(dynamic, 256) num_threads(nt)
  for (int64_t i = 0; i < s->n_rows; i++) {
    float *yi = y + i * c_n;
    memset(yi, 0, (size_t)c_n * sizeof *yi);
    for (int64_t e = s->row_ptr[i]; e < s->row_ptr[i + 1]; e++) {
      const float *xj = x + (int64_t)s->col[e] * c_n;
      float v = s->val[e];
      for (int c = 0; c < c_n; c++) yi[c] += v * xj[c];
    }
  }
}

/* Confident learning's count of wrong labels from the plain neighbour vote:
 * t_c = mean vote for c among points labelled c; a point counts when the
 * most voted class reaching its threshold is not its label. */
static int64_t confident_count(const ev_knn_graph *g, const float *w, const int32_t *labels, int c_n, double *thr,
                               double *vote, int64_t *members) {
  int64_t n = g->n_points;
  int k = g->k;
  memset(thr, 0, (size_t)c_n * sizeof *thr);
  memset(members, 0, (size_t)c_n * sizeof *members);
  for (int pass = 0; pass < 2; pass++) {
    int64_t count = 0;
    for (int64_t i = 0; i < n; i++) {
      int a = labels[i];
      if (a < 0) continue;
      memset(vote, 0, (size_t)c_n * sizeof *vote);
      double sum = 0;
      for (int t = 0; t < k; t++) {
        int32_t j = g->indices[i * k + t];
        if (j < 0 || labels[j] < 0) continue;
        vote[labels[j]] += w[i * k + t];
        sum += w[i * k + t];
      }
      if (!(sum > 0)) continue;
      if (pass == 0) {
        thr[a] += vote[a] / sum;
        members[a]++;
        continue;
      }
      int best = -1;
      for (int c = 0; c < c_n; c++)
        if (members[c] && vote[c] / sum >= thr[c] && (best < 0 || vote[c] > vote[best])) best = c;
      count += best >= 0 && best != a;
    }
    if (pass == 0)
      for (int c = 0; c < c_n; c++) thr[c] = members[c] ? thr[c] / (double)members[c] : NAN;
    else
      return count;
  }
  return 0;
}

typedef struct scored {
  float score;
  int32_t i;
} scored;

static int by_score_desc(const void *x, const void *y) {
  const scored *a = x, *b = y;
  if (a->score != b->score) return a->score < b->score ? 1 : -1;
  return (a->i > b->i) - (a->i < b->i);
}

int ev_suspects_compute(const ev_knn_graph *g, const int32_t *labels, int n_classes,
                        const ev_suspect_params *params, ev_suspects **out, ev_error *err) {
  *out = NULL;
  ev_suspect_params p = params ? *params : ev_suspect_params_default();
  if (!(p.alpha >= 0 && p.alpha < 1)) return ev__err(err, EV_EINVAL, "suspects: alpha %g (need 0 <= alpha < 1)", p.alpha);
  if (p.iterations < 0 || p.iterations > 10000)
    return ev__err(err, EV_EINVAL, "suspects: %d iterations (need 0..10000)", p.iterations);
  if (n_classes < 1 || n_classes > 100000)
    return ev__err(err, EV_EINVAL, "suspects: %d classes (need 1..100000)", n_classes);
  int64_t n = g->n_points;
  int k = g->k;
  for (int64_t i = 0; i < n; i++)
    if (labels[i] >= n_classes)
      return ev__err(err, EV_EINVAL, "suspects: point %lld has class %d, beyond the %d classes", (long long)i,
                     labels[i], n_classes);
  size_t field;
  if (ev__mul((size_t)n, (size_t)n_classes, &field) || ev__mul(field, 3 * sizeof(float), &field) ||
      field > MAX_FIELD_BYTES)
    return ev__err(err, EV_EINVAL,
                   "suspects: %lld points x %d classes needs more than %zu GiB; use a column with fewer classes",
                   (long long)n, n_classes, MAX_FIELD_BYTES >> 30);
  int nt = ev__resolve_threads(p.n_threads);
  size_t nc = (size_t)n * (size_t)n_classes, nn = (size_t)(n ? n : 1);
  ev_suspects *s = ev__calloc(1, sizeof *s);
  float *w = ev__malloc(nn * (size_t)k * sizeof *w);
  float *y = ev__calloc(nc ? nc : 1, sizeof *y), *f = ev__malloc((nc ? nc : 1) * sizeof *f);
  float *sf = ev__malloc((nc ? nc : 1) * sizeof *sf);
  double *vote = ev__malloc((size_t)n_classes * sizeof *vote);
  int64_t *members = ev__malloc((size_t)n_classes * sizeof *members);
  ev_csr *sym = NULL;
  int rc = EV_ENOMEM;
  if (!s || !w || !y || !f || !sf || !vote || !members || !(s->score = ev__malloc(nn * sizeof *s->score)) ||
      !(s->suggested = ev__malloc(nn * sizeof *s->suggested)) ||
      !(s->p_suggested = ev__malloc(nn * sizeof *s->p_suggested)) ||
      !(s->threshold = ev__malloc((size_t)n_classes * sizeof *s->threshold)) ||
      !(s->ranked = ev__malloc(nn * sizeof *s->ranked))) {
    ev__err(err, EV_ENOMEM, "suspects: out of memory for %lld points x %d classes", (long long)n, n_classes);
    goto fail;
  }
  s->n_points = n;
  s->n_classes = n_classes;
  s->k = k;
  edge_weights(g, w);
  s->n_estimated = confident_count(g, w, labels, n_classes, s->threshold, vote, members);
  if ((rc = ev__csr_symmetrize(n, k, k, g->indices, w, EV__SYM_SUM, 0, 1.0, &sym, err))) goto fail;
  /* S = D^-1/2 W D^-1/2 in place */
  double *deg = ev__malloc(nn * sizeof *deg);
  if (!deg) {
    rc = ev__err(err, EV_ENOMEM, "suspects: out of memory for %lld points", (long long)n);
    goto fail;
  }
  for (int64_t i = 0; i < n; i++) {
    double d = 0;
    for (int64_t e = sym->row_ptr[i]; e < sym->row_ptr[i + 1]; e++) d += sym->val[e];
    deg[i] = d > 0 ? 1.0 / sqrt(d) : 0;
  }
  for (int64_t i = 0; i < n; i++)
    for (int64_t e = sym->row_ptr[i]; e < sym->row_ptr[i + 1]; e++)
      sym->val[e] = (float)(sym->val[e] * deg[i] * deg[sym->col[e]]);
  ev__free(deg);
  for (int64_t i = 0; i < n; i++)
    if (labels[i] >= 0) y[(size_t)i * n_classes + labels[i]] = 1.0f;
  memcpy(f, y, nc * sizeof *f);
  float a = (float)p.alpha;
  for (int it = 0; it < p.iterations; it++) {
    spmm(sym, f, sf, n_classes, nt);
    for (size_t e = 0; e < nc; e++) f[e] = a * sf[e] + (1.0f - a) * y[e];
  }
  spmm(sym, f, sf, n_classes, nt); /* one hop: the point's own label is not in the first step */
  s->n_ranked = 0;
  for (int64_t i = 0; i < n; i++) {
    const float *pi = sf + (size_t)i * n_classes;
    double sum = 0;
    int best = 0;
    for (int c = 0; c < n_classes; c++) {
      sum += pi[c];
      if (pi[c] > pi[best]) best = c;
    }
    if (!(sum > 0)) {
      s->score[i] = NAN;
      s->suggested[i] = -1;
      s->p_suggested[i] = NAN;
      continue;
    }
    s->suggested[i] = best;
    s->p_suggested[i] = (float)(pi[best] / sum);
    s->score[i] = labels[i] >= 0 ? (float)(1.0 - pi[labels[i]] / sum) : NAN;
    if (labels[i] >= 0 && best != labels[i]) s->ranked[s->n_ranked++] = (int32_t)i;
  }
  /* rank in a scratch array (f is free now: N x C floats >= N pairs) */
  scored *order = (scored *)(void *)f;
  if (n_classes < 2) order = NULL;
  if (order) {
    for (int64_t r = 0; r < s->n_ranked; r++) order[r] = (scored){s->score[s->ranked[r]], s->ranked[r]};
    qsort(order, (size_t)s->n_ranked, sizeof *order, by_score_desc);
    for (int64_t r = 0; r < s->n_ranked; r++) s->ranked[r] = order[r].i;
  }
  s->n_flagged = EV__MIN(s->n_estimated, s->n_ranked);
  *out = s;
  s = NULL;
  rc = EV_OK;
fail:
  ev_csr_free(sym);
  ev__free(w);
  ev__free(y);
  ev__free(f);
  ev__free(sf);
  ev__free(vote);
  ev__free(members);
  ev_suspects_free(s);
  return rc;
}
