/* nndescent.c — approximate kNN graph: random-projection forest, then
 * NN-descent (Dong, Moses & Li, WWW 2011), following PyNNDescent's scheme.
 *
 * How it works.
 *  1. Forest.  Each tree splits its points recursively by the hyperplane
 *     halfway between two random points (for cosine and inner product: the
 *     angular hyperplane between their directions) until a node holds at most
 *     leaf_size points.  Every pair inside a leaf is offered to both points'
 *     lists.  Ties on the plane and degenerate splits go to a random side.
 *  2. NN-descent.  "A neighbour of a neighbour is likely a neighbour": each
 *     round samples, per point u, up to c = min(60, k) "new" candidates (list
 *     entries added since they were last sampled) and c "old" ones, forward
 *     and reverse, with random priorities.  The local join compares every
 *     new candidate with every other candidate (new-new and new-old; old-old
 *     pairs were compared before) and offers each pair to both lists.  A
 *     round that changes fewer than delta * N * k entries ends the descent.
 *  The distances of a local join are one small all-pairs block computed by
 *  the register-blocked kernels of pair_kernels.c (exact integers for byte
 *  data).
 *
 * Determinism.  Candidate samples come from hashes of (seed, round, pair),
 * not from a shared generator.  Lists are bounded heaps under the total
 * order (distance, index) with duplicate checks, so after a phase each list
 * holds the k best of everything offered to it, whatever order the threads
 * offered them in; the set of pairs a phase offers depends only on the lists
 * at its start.  Hence the same seed gives the same graph for any thread
 * count.  Lists are guarded by per-point spin locks during a phase.
 *
 * Cost: about N * leaf_size * n_trees / 2 distances for the forest and
 * N * 1.5 c^2 per round, each round on a shrinking set of new candidates.
 */
#include <math.h>
#include <string.h>

#include <cblas.h>

#include "core/parallel.h"
#include "core/rng.h"
#include "knn/heap.h"
#include "knn/knn_internal.h"

typedef struct nnd {
  ev__knn_rows *r;
  const ev__knn_rows *tree_rows; /* rows the forest splits on (r, or a random projection of r) */
  int64_t n;
  int k;
  float *hd;        /* n x k heap distances (internal units) */
  int32_t *hi;      /* n x k heap indices */
  uint8_t *hnew;    /* n x k: 0 = old (sampled); else the phase that added it (stamp) */
  uint8_t stamp;    /* the current phase's stamp: 1 for the forest, 2 + round after */
  uint8_t *locks;   /* n spin locks */
} nnd;

static inline void lock(uint8_t *l) {
  while (__atomic_test_and_set(l, __ATOMIC_ACQUIRE))
    while (__atomic_load_n(l, __ATOMIC_RELAXED)) {
    }
}
static inline void unlock(uint8_t *l) { __atomic_clear(l, __ATOMIC_RELEASE); }

static inline float load_top(const float *p) {
  uint32_t bits = __atomic_load_n((const uint32_t *)(const void *)p, __ATOMIC_RELAXED);
  float f;
  memcpy(&f, &bits, 4);
  return f;
}

/* Whether j is in the list: branch-free so that it vectorises (k up to 100s). */
static inline int list_has(const int32_t *idx, int k, int32_t j) {
  int found = 0;
  for (int i = 0; i < k; i++) found |= idx[i] == j;
  return found;
}

/* Heap push that carries the "new" flag along; returns 1 if q entered p's list.
 * Two checks run before taking the lock, on possibly changing data: a worse
 * distance than the current worst, and q already listed.  Both only skip
 * pushes that could not change the final list: lists only improve during a
 * phase, and a q seen listed (even mid-update) is either still there or was
 * evicted by k better entries. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && !defined(__SANITIZE_ADDRESS__)
__attribute__((target_clones("arch=skylake-avx512", "avx2", "default")))
#endif
static int push(nnd *s, int64_t p, float d, int32_t q) {
  int k = s->k;
  float *hd = s->hd + (size_t)p * (size_t)k;
  if (d > load_top(hd)) return 0;
  int32_t *hi = s->hi + (size_t)p * (size_t)k;
  if (list_has(hi, k, q)) return 0;
  uint8_t *hn = s->hnew + (size_t)p * (size_t)k;
  lock(&s->locks[p]);
  int changed = 0;
  if (ev__pair_less(d, q, hd[0], hi[0]) && !list_has(hi, k, q)) {
    int i = 0;
    for (;;) {
      int l = 2 * i + 1, r = l + 1, c = l;
      if (l >= k) break;
      if (r < k && ev__pair_less(hd[l], hi[l], hd[r], hi[r])) c = r;
      if (!ev__pair_less(d, q, hd[c], hi[c])) break;
      hd[i] = hd[c];
      hi[i] = hi[c];
      hn[i] = hn[c];
      i = c;
    }
    hd[i] = d;
    hi[i] = q;
    hn[i] = s->stamp;
    changed = 1;
  }
  unlock(&s->locks[p]);
  return changed;
}

/* ---- random-projection forest ---- */

typedef struct tree_scratch {
  double *g;        /* 2 x m dot products */
  int32_t *tmp;
} tree_scratch;

/* Split perm[lo, hi) in place; returns the split point. */
static int64_t split_node(nnd *s, int32_t *perm, int64_t lo, int64_t hi, ev__rng *rng, double *g) {
  const ev__knn_rows *r = s->tree_rows;
  int64_t m = hi - lo;
  int32_t ab[2];
  ab[0] = perm[lo + (int64_t)ev__rng_below(rng, (uint64_t)m)];
  do ab[1] = perm[lo + (int64_t)ev__rng_below(rng, (uint64_t)m)];
  while (ab[1] == ab[0] && m > 1);
  /* dots of every point with a and b (computed as a 2 x m block) */
  ev__knn_dot_block(r, ab, 2, perm + lo, (int)m, g);
  double wa = 1, wb = 1, off = 0;
  if (r->metric == EV_METRIC_EUCLIDEAN) {
    off = (r->sqnorm[ab[0]] - r->sqnorm[ab[1]]) / 2;
  } else { /* angular */
    wa = r->sqnorm[ab[0]] > 0 ? 1 / sqrt(r->sqnorm[ab[0]]) : 0;
    wb = r->sqnorm[ab[1]] > 0 ? 1 / sqrt(r->sqnorm[ab[1]]) : 0;
  }
  /* partition: margin > 0 (closer to a) left */
  int64_t i = lo, j = hi - 1;
  uint8_t *side = (uint8_t *)(void *)(g + 2 * m); /* m bytes after the dots */
  for (int64_t t = 0; t < m; t++) {
    double margin = wa * g[t] - wb * g[m + t] - off;
    side[t] = margin > 0 ? 1 : margin < 0 ? 0 : (uint8_t)(ev__rng_u64(rng) & 1);
  }
  /* stable enough: two-pointer partition on the side flags */
  int32_t *p = perm;
  int64_t a = 0, b = m - 1;
  while (a <= b) {
    if (side[a]) {
      a++;
    } else {
      int32_t tv = p[lo + a];
      p[lo + a] = p[lo + b];
      p[lo + b] = tv;
      uint8_t ts = side[a];
      side[a] = side[b];
      side[b] = ts;
      b--;
    }
  }
  (void)i;
  (void)j;
  int64_t mid = lo + a;
  if (mid == lo || mid == hi) { /* degenerate: random halves */
    for (int64_t t = m - 1; t > 0; t--) {
      int64_t u = (int64_t)ev__rng_below(rng, (uint64_t)t + 1);
      int32_t tv = perm[lo + t];
      perm[lo + t] = perm[lo + u];
      perm[lo + u] = tv;
    }
    mid = lo + m / 2;
  }
  return mid;
}

/* Build one tree over all points; leaves are ranges [leaf[2l], leaf[2l+1])
 * of perm.  The smaller child is split first, so the explicit stack never
 * holds more than log2(N) + 1 ranges however unbalanced the splits are. */
static int64_t build_tree(nnd *s, int tree, uint64_t seed, int leaf_size, int32_t *perm,
                          int32_t *leaf_start, double *g) {
  ev__rng rng;
  ev__rng_seed(&rng, seed, 0x74726565ull + (uint64_t)tree);
  for (int64_t i = 0; i < s->n; i++) perm[i] = (int32_t)i;
  int64_t stack_lo[66], stack_hi[66];
  int top = 1;
  stack_lo[0] = 0;
  stack_hi[0] = s->n;
  int64_t n_leaves = 0;
  while (top > 0) {
    top--;
    int64_t lo = stack_lo[top], hi = stack_hi[top];
    if (hi - lo <= leaf_size) {
      leaf_start[2 * n_leaves] = (int32_t)lo;
      leaf_start[2 * n_leaves + 1] = (int32_t)hi;
      n_leaves++;
      continue;
    }
    int64_t mid = split_node(s, perm, lo, hi, &rng, g);
    int left_smaller = mid - lo <= hi - mid;
    /* push the larger part first: the smaller one is popped next */
    stack_lo[top] = left_smaller ? mid : lo;
    stack_hi[top] = left_smaller ? hi : mid;
    top++;
    stack_lo[top] = left_smaller ? lo : mid;
    stack_hi[top] = left_smaller ? mid : hi;
    top++;
  }
  return n_leaves;
}

/* Offer every pair inside each leaf of a tree to both points' lists. */
static void join_leaves(nnd *s, const int32_t *perm, const int32_t *leaf_start, int64_t n_leaves,
                        int leaf_size, double *g, float *dd) {
  for (int64_t l = 0; l < n_leaves; l++) {
    int m = leaf_start[2 * l + 1] - leaf_start[2 * l];
    const int32_t *ids = perm + leaf_start[2 * l];
    (void)leaf_size;
    ev__knn_dist_block(s->r, ids, m, ids, m, g, dd);
    for (int a = 0; a < m; a++)
      for (int b = a + 1; b < m; b++) {
        float d = dd[a * m + b];
        push(s, ids[a], d, ids[b]);
        push(s, ids[b], d, ids[a]);
      }
  }
}

/* ---- sizes ---- */

/* Leaf size and tree count for n points and k.  The candidates per round
 * are ev_knn_params.max_candidates, default 32 (knn/graph.c); PyNNDescent
 * samples min(60, k) candidates.  32 whatever k: for small k the
 * extra room takes more reverse neighbours at little cost (Fashion-70k,
 * k = 15: recall 0.9857 with c = 15, 0.9946 with c = 32, both 3.1 s; on a
 * 40-dimensional Gaussian mixture 0.9775 and 0.9939), and for large k it
 * loses almost nothing (k = 90: recall 0.9995 in 10.5 s against 0.9999 in
 * 14.3 s with 60).  Trees: 5 + N^(1/4), at most 64, and leaves of k points
 * (10..64), as PyNNDescent. */
static void nnd_sizes(int64_t n, int k, int *leaf_size, int *n_trees) {
  *leaf_size = k < 10 ? 10 : k > 64 ? 64 : k;
  *n_trees = (int)EV__MIN(64.0, 5.0 + round(pow((double)n, 0.25)));
}

/* ---- candidate sampling ---- */

static inline uint32_t pair_priority(uint64_t seed, int round, int32_t a, int32_t b) {
  uint64_t lo = (uint64_t)(a < b ? a : b), hi = (uint64_t)(a < b ? b : a);
  uint64_t x = seed ^ ((uint64_t)round * 0x9e3779b97f4a7c15ULL) ^ (lo << 32 | hi);
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ULL;
  x ^= x >> 33;
  return (uint32_t)x;
}

/* Bounded max-heap of (priority, id) of capacity c; returns nothing. */
static void cand_push(uint32_t *pr, int32_t *id, int *n, int c, uint32_t p, int32_t v) {
  for (int t = 0; t < *n; t++)
    if (id[t] == v) return;
  if (*n < c) { /* sift up */
    int i = (*n)++;
    while (i > 0) {
      int par = (i - 1) / 2;
      if (pr[par] > p || (pr[par] == p && id[par] > v)) break;
      pr[i] = pr[par];
      id[i] = id[par];
      i = par;
    }
    pr[i] = p;
    id[i] = v;
    return;
  }
  if (p > pr[0] || (p == pr[0] && v > id[0])) return;
  int i = 0;
  for (;;) {
    int l = 2 * i + 1, r = l + 1, m = l;
    if (l >= c) break;
    if (r < c && (pr[r] > pr[l] || (pr[r] == pr[l] && id[r] > id[l]))) m = r;
    if (pr[m] < p || (pr[m] == p && id[m] < v)) break;
    pr[i] = pr[m];
    id[i] = id[m];
    i = m;
  }
  pr[i] = p;
  id[i] = v;
}

/* The forest only seeds the candidate lists, so for wide inputs its trees
 * split a random projection of the rows to TREE_DIMS dimensions (Gaussian,
 * Johnson-Lindenstrauss: distances and angles are kept approximately).
 * Splitting reads every row at every level of every tree; on 784-dim rows
 * that traffic, not arithmetic, dominated large inputs (1M points: 37 trees
 * x 16 levels x 3 KB per row). */
#define TREE_DIMS 64

static int project_rows(const ev__knn_rows *r, uint64_t seed, int nt, ev_matrix **out, ev_error *err) {
  (void)nt; /* used by the OpenMP pragma only */
  int64_t n = r->n, d = r->d;
  float *w = ev__malloc((size_t)d * TREE_DIMS * sizeof *w);
  int rc = ev_matrix_new(n, TREE_DIMS, out, err);
  if (rc || !w) {
    ev__free(w);
    ev_matrix_free(*out);
    *out = NULL;
    return rc ? rc : ev__err(err, EV_ENOMEM, "knn: out of memory for the tree projection");
  }
  ev__rng rng;
  ev__rng_seed(&rng, seed, 0x70726f6aull);
  for (int64_t t = 0; t < d * TREE_DIMS; t++) w[t] = (float)ev__rng_normal(&rng);
  int fail = 0;
  const int64_t block = 1024;
#pragma omp parallel num_threads(nt)
  {
    ev__blas_scope one = ev__blas_threads_begin(1); /* same sums whatever the team size */
    float *buf = r->is_u8 ? ev__malloc((size_t)block * (size_t)d * sizeof *buf) : NULL;
    if (r->is_u8 && !buf) {
#pragma omp atomic write
      fail = 1;
    }
#pragma omp for schedule(dynamic, 1)
    for (int64_t b0 = 0; b0 < n; b0 += block) {
      if (fail) continue;
      int64_t m = EV__MIN(block, n - b0);
      const float *src;
      int64_t lda;
      if (r->is_u8) {
        for (int64_t i = 0; i < m; i++)
          for (int64_t j = 0; j < d; j++) buf[i * d + j] = r->u8[(size_t)(b0 + i) * (size_t)r->dp + (size_t)j];
        src = buf;
        lda = d;
      } else {
        src = r->f + (size_t)b0 * (size_t)r->fs;
        lda = r->fs;
      }
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (blasint)m, TREE_DIMS, (blasint)d, 1.0f,
                  src, (blasint)lda, w, TREE_DIMS, 0.0f, ev_matrix_row(*out, b0), TREE_DIMS);
    }
    ev__free(buf);
    ev__blas_threads_end(one);
  }
  ev__free(w);
  if (fail) {
    ev_matrix_free(*out);
    *out = NULL;
    return ev__err(err, EV_ENOMEM, "knn: out of memory for the tree projection");
  }
  return EV_OK;
}

static int nndescent_core(ev__knn_rows *r, const ev_knn_params *p, ev_knn_graph *out, ev_error *err) {
  int64_t n = r->n;
  int k = out->k;
  int nt = ev__resolve_threads(p->n_threads);
  int c = p->max_candidates, leaf_size, n_trees;
  nnd_sizes(n, k, &leaf_size, &n_trees);
  if (p->n_trees > 0) n_trees = p->n_trees;
  int max_iters = p->max_iters > 0 ? p->max_iters : (int)EV__MAX(5.0, round(log2((double)n)));
  double delta = p->delta >= 0 ? p->delta : 0.001; /* 0: run every round */
  nnd s = {r, r, n, k, out->distances, out->indices, NULL, 1, NULL};
  ev_matrix *proj = NULL;
  ev__knn_rows proj_rows;
  memset(&proj_rows, 0, sizeof proj_rows);
  int32_t *cand_id = NULL;
  uint32_t *cand_pr = NULL;
  int *cand_n = NULL;
  int rc = EV_OK;
  s.hnew = ev__calloc((size_t)n * (size_t)k, 1);
  s.locks = ev__calloc((size_t)n, 1);
  /* candidate lists: per point, c new then c old */
  cand_id = ev__malloc((size_t)n * 2 * (size_t)c * sizeof *cand_id);
  cand_pr = ev__malloc((size_t)n * 2 * (size_t)c * sizeof *cand_pr);
  cand_n = ev__malloc((size_t)n * 2 * sizeof *cand_n);
  if (!s.hnew || !s.locks || !cand_id || !cand_pr || !cand_n) {
    rc = ev__err(err, EV_ENOMEM, "knn: out of memory for NN-descent on %lld points", (long long)n);
    goto done;
  }
  for (int64_t i = 0; i < n; i++)
    ev__heap_init(s.hd + (size_t)i * (size_t)k, s.hi + (size_t)i * (size_t)k, k);
  if (r->d > 2 * TREE_DIMS) {
    rc = project_rows(r, p->seed, nt, &proj, err);
    if (!rc) rc = ev__knn_rows_init(&proj_rows, proj, r->metric, 0, p->n_threads, err);
    if (rc) goto done;
    s.tree_rows = &proj_rows;
  }

  /* 1. forest: each thread builds whole trees and joins their leaves (the
   * locked pushes make the order of trees irrelevant) */
  int tree_fail = 0;
#pragma omp parallel num_threads(nt)
  {
    double *g = ev__malloc((size_t)n * 3 * sizeof(double));
    int32_t *perm = ev__malloc((size_t)n * sizeof *perm);
    int32_t *leaf_start = ev__malloc(2 * ((size_t)n + 1) * sizeof *leaf_start);
    double *lg = ev__malloc((size_t)leaf_size * (size_t)leaf_size * sizeof *lg);
    float *dd = ev__malloc((size_t)leaf_size * (size_t)leaf_size * sizeof *dd);
    if (!g || !perm || !leaf_start || !lg || !dd) {
#pragma omp atomic write
      tree_fail = 1;
    }
#pragma omp for schedule(dynamic, 1)
    for (int t = 0; t < n_trees; t++) {
      if (tree_fail) continue;
      int64_t n_leaves = build_tree(&s, t, p->seed, leaf_size, perm, leaf_start, g);
      join_leaves(&s, perm, leaf_start, n_leaves, leaf_size, lg, dd);
    }
    ev__free(g);
    ev__free(perm);
    ev__free(leaf_start);
    ev__free(lg);
    ev__free(dd);
  }
  if (tree_fail) {
    rc = ev__err(err, EV_ENOMEM, "knn: out of memory building trees");
    goto done;
  }
  if (p->progress.fn && p->progress.fn(p->progress.user, "knn: trees", 1.0)) {
    rc = ev__err(err, EV_ECANCELED, "knn: canceled");
    goto done;
  }

  /* 2. NN-descent rounds */
  for (int round = 0; round < max_iters && round < 250; round++) {
    s.stamp = (uint8_t)(2 + round);
    /* sample candidates: each thread fills the lists of its own point range */
#pragma omp parallel num_threads(nt)
    {
      int tid = ev__thread_id(), nth = 1;
#ifdef _OPENMP
      nth = omp_get_num_threads();
#endif
      int64_t lo = n * tid / nth, hi = n * (tid + 1) / nth;
      for (int64_t u = lo; u < hi; u++) cand_n[2 * u] = cand_n[2 * u + 1] = 0;
      for (int64_t u = 0; u < n; u++) {
        const int32_t *hi_u = s.hi + (size_t)u * (size_t)k;
        const uint8_t *hn_u = s.hnew + (size_t)u * (size_t)k;
        for (int t = 0; t < k; t++) {
          int32_t v = hi_u[t];
          if (v == EV__HEAP_EMPTY) continue;
          int mine_u = u >= lo && u < hi, mine_v = v >= lo && v < hi;
          if (!mine_u && !mine_v) continue;
          int list = hn_u[t] ? 0 : 1;
          uint32_t pr = pair_priority(p->seed, round, (int32_t)u, v);
          if (mine_u)
            cand_push(cand_pr + (size_t)(2 * u + list) * (size_t)c, cand_id + (size_t)(2 * u + list) * (size_t)c,
                      &cand_n[2 * u + list], c, pr, v);
          if (mine_v)
            cand_push(cand_pr + (size_t)(2 * v + list) * (size_t)c, cand_id + (size_t)(2 * v + list) * (size_t)c,
                      &cand_n[2 * v + list], c, pr, (int32_t)u);
        }
      }
    }
    /* sampled new entries become old */
#pragma omp parallel for schedule(static) num_threads(nt)
    for (int64_t u = 0; u < n; u++) {
      const int32_t *nid = cand_id + (size_t)(2 * u) * (size_t)c;
      int nn = cand_n[2 * u];
      int32_t *hi_u = s.hi + (size_t)u * (size_t)k;
      uint8_t *hn_u = s.hnew + (size_t)u * (size_t)k;
      for (int t = 0; t < k; t++) {
        if (!hn_u[t]) continue;
        for (int q = 0; q < nn; q++)
          if (nid[q] == hi_u[t]) {
            hn_u[t] = 0;
            break;
          }
      }
    }
    /* local joins */
#pragma omp parallel num_threads(nt)
    {
      int32_t *ids = ev__malloc((size_t)2 * (size_t)c * sizeof *ids);
      double *g = ev__malloc((size_t)4 * (size_t)c * (size_t)c * sizeof *g);
      float *dd = ev__malloc((size_t)4 * (size_t)c * (size_t)c * sizeof *dd);
#pragma omp for schedule(dynamic, 32)
      for (int64_t u = 0; u < n; u++) {
        if (!ids || !g || !dd) continue;
        int nn = cand_n[2 * u], no = cand_n[2 * u + 1];
        if (nn == 0) continue;
        memcpy(ids, cand_id + (size_t)(2 * u) * (size_t)c, (size_t)nn * sizeof *ids);
        memcpy(ids + nn, cand_id + (size_t)(2 * u + 1) * (size_t)c, (size_t)no * sizeof *ids);
        int m = nn + no;
        /* upper triangle only: rows a0..a0+3 against ids[a0 .. m) */
        for (int a0 = 0; a0 < nn; a0 += 4) {
          int na = nn - a0 < 4 ? nn - a0 : 4;
          int nb = m - a0;
          ev__knn_dist_block(r, ids + a0, na, ids + a0, nb, g, dd);
          for (int a = 0; a < na; a++) {
            int32_t pa = ids[a0 + a];
            for (int b = a + 1; b < nb; b++) {
              int32_t pb = ids[a0 + b];
              if (pa == pb) continue;
              float d = dd[(size_t)a * (size_t)nb + (size_t)b];
              push(&s, pa, d, pb);
              push(&s, pb, d, pa);
            }
          }
        }
      }
      ev__free(ids);
      ev__free(g);
      ev__free(dd);
    }
    /* Entries this round added that are still there: unlike a count of
     * pushes, this does not depend on the order threads pushed in. */
    int64_t updates = 0;
#pragma omp parallel for schedule(static) num_threads(nt) reduction(+ : updates)
    for (int64_t t = 0; t < n * (int64_t)k; t++) updates += s.hnew[t] == s.stamp;
    if (p->progress.fn &&
        p->progress.fn(p->progress.user, "knn: nn-descent", (double)(round + 1) / (double)max_iters)) {
      rc = ev__err(err, EV_ECANCELED, "knn: canceled");
      goto done;
    }
      if ((double)updates <= delta * (double)n * (double)k) break;
  }

  /* 3. fill any list left short (isolated points) with random others */
#pragma omp parallel for schedule(dynamic, 256) num_threads(nt)
  for (int64_t u = 0; u < n; u++) {
    int32_t *hi_u = s.hi + (size_t)u * (size_t)k;
    if (hi_u[0] != EV__HEAP_EMPTY) continue; /* the root is the worst: full list */
    ev__rng rng;
    ev__rng_seed(&rng, p->seed, 0x66696c6cull + (uint64_t)u);
    for (int tries = 0; tries < 4 * k && hi_u[0] == EV__HEAP_EMPTY; tries++) {
      int32_t v = (int32_t)ev__rng_below(&rng, (uint64_t)n);
      if (v == u) continue;
      double gd;
      ev__knn_dot_block(r, (const int32_t[]){(int32_t)u}, 1, &v, 1, &gd);
      push(&s, u, ev__knn_dist(r, u, r, v, gd), v);
    }
  }
#pragma omp parallel for schedule(static) num_threads(nt)
  for (int64_t i = 0; i < n; i++)
    ev__heap_finish(s.hd + (size_t)i * (size_t)k, s.hi + (size_t)i * (size_t)k, k);
  if (!r->is_u8) ev__knn_refine(r, r, out, nt);
done:
  ev__knn_rows_free(&proj_rows);
  ev_matrix_free(proj);
  ev__free(s.hnew);
  ev__free(s.locks);
  ev__free(cand_id);
  ev__free(cand_pr);
  ev__free(cand_n);
  return rc;
}

/* ---- locality for large inputs ----
 *
 * With hundreds of thousands of rows the data no longer fit in cache, and
 * the local joins' rows are scattered across gigabytes.  Large inputs are
 * therefore first laid out in the order of one random-projection tree's
 * leaves (points compared together then sit together in memory), the graph
 * built in that order, and the indices mapped back.  Lists are re-sorted by
 * (distance, original index), so the result is the one the original order
 * would give up to the order of exact ties. */

#define REORDER_MIN_POINTS 200000

static int reorder_rows(const ev__knn_rows *r, const int32_t *perm, ev__knn_rows *o, ev_error *err) {
  int64_t n = r->n, d = r->d;
  memset(o, 0, sizeof *o);
  o->n = n;
  o->d = d;
  o->metric = r->metric;
  o->is_u8 = r->is_u8;
  o->dp = r->dp;
  o->sqnorm = ev__malloc((size_t)n * sizeof *o->sqnorm);
  if (r->inv_norm) o->inv_norm = ev__malloc((size_t)n * sizeof *o->inv_norm);
  int ok = o->sqnorm && (!r->inv_norm || o->inv_norm);
  if (r->is_u8) {
    o->u8 = ev__malloc((size_t)n * (size_t)r->dp);
    o->u8_sum = ev__malloc((size_t)n * sizeof *o->u8_sum);
    if (r->u8_s8) o->u8_s8 = ev__malloc((size_t)n * (size_t)r->dp);
    ok = ok && o->u8 && o->u8_sum && (!r->u8_s8 || o->u8_s8);
  } else {
    float *f = ev__malloc((size_t)n * (size_t)d * sizeof *f);
    o->f = f;
    o->fs = d;
    ok = ok && f;
  }
  if (!ok) {
    ev__free((void *)o->f); /* rows_free leaves f alone: it is borrowed elsewhere */
    ev__knn_rows_free(o);
    return ev__err(err, EV_ENOMEM, "knn: out of memory reordering %lld rows", (long long)n);
  }
#pragma omp parallel for schedule(static)
  for (int64_t i = 0; i < n; i++) {
    int64_t src = perm[i];
    o->sqnorm[i] = r->sqnorm[src];
    if (o->inv_norm) o->inv_norm[i] = r->inv_norm[src];
    if (r->is_u8) {
      memcpy(o->u8 + (size_t)i * (size_t)r->dp, r->u8 + (size_t)src * (size_t)r->dp, (size_t)r->dp);
      o->u8_sum[i] = r->u8_sum[src];
      if (o->u8_s8)
        memcpy(o->u8_s8 + (size_t)i * (size_t)r->dp, r->u8_s8 + (size_t)src * (size_t)r->dp, (size_t)r->dp);
    } else {
      memcpy((float *)o->f + (size_t)i * (size_t)d, r->f + (size_t)src * (size_t)r->fs, (size_t)d * sizeof(float));
    }
  }
  return EV_OK;
}

int ev__knn_nndescent(ev__knn_rows *r, const ev_knn_params *p, ev_knn_graph *out, ev_error *err) {
  int64_t n = r->n;
  int k = out->k;
  int rc = ev__knn_rows_add_s8(r, err);
  if (rc || n < REORDER_MIN_POINTS) return rc ? rc : nndescent_core(r, p, out, err);
  int leaf_size, n_trees;
  nnd_sizes(n, k, &leaf_size, &n_trees);
  int32_t *perm = ev__malloc((size_t)n * sizeof *perm);
  int32_t *leaves = ev__malloc(2 * ((size_t)n + 1) * sizeof *leaves);
  double *g = ev__malloc((size_t)n * 3 * sizeof *g);
  ev__knn_rows o;
  memset(&o, 0, sizeof o);
  ev_knn_graph *tmp = NULL;
  if (!perm || !leaves || !g) {
    rc = ev__err(err, EV_ENOMEM, "knn: out of memory ordering %lld rows", (long long)n);
    goto done;
  }
  nnd s = {r, r, n, k, NULL, NULL, NULL, 0, NULL};
  build_tree(&s, 4096 /* a stream no forest tree uses */, p->seed, leaf_size, perm, leaves, g);
  ev__free(g);
  g = NULL;
  ev__free(leaves);
  leaves = NULL;
  rc = reorder_rows(r, perm, &o, err);
  if (!rc) rc = ev_knn_graph_new(n, k, out->metric, &tmp, err);
  if (!rc) rc = nndescent_core(&o, p, tmp, err);
  if (rc) goto done;
#pragma omp parallel for schedule(static)
  for (int64_t i = 0; i < n; i++) {
    int64_t dst = perm[i];
    int32_t *oi = out->indices + (size_t)dst * (size_t)k;
    float *od = out->distances + (size_t)dst * (size_t)k;
    const int32_t *ti = tmp->indices + (size_t)i * (size_t)k;
    const float *td = tmp->distances + (size_t)i * (size_t)k;
    for (int t = 0; t < k; t++) {
      oi[t] = ti[t] >= 0 ? perm[ti[t]] : -1;
      od[t] = td[t];
    }
    ev__list_sort(od, oi, k); /* canonical order: (distance, original index) */
  }
done:
  ev__free(perm);
  ev__free(leaves);
  ev__free(g);
  ev__free((void *)o.f);
  ev__knn_rows_free(&o);
  ev_knn_graph_free(tmp);
  return rc;
}
