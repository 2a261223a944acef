/* exact.c — exact k-nearest neighbours by blocked all-pairs distances.
 *
 * How it works.  Rows are cut into blocks of TILE rows.  A tile (I, J) holds
 * the dot products of block I with block J (BLAS sgemm for float rows, the
 * integer kernel of dot_u8.c for byte rows), turned into distances with the
 * per-row terms; then every point's bounded heap takes the candidates that
 * beat its current worst.  Memory is one tile per thread plus N * k.
 *
 * Self-joins compute each unordered pair once: only tiles with J >= I, and a
 * tile updates the heaps of block I (along its rows) and of block J (down its
 * columns).  To do that without locks, tiles are scheduled in rounds of a
 * round-robin tournament (the circle method): in one round every block
 * appears in at most one tile, so the tiles of a round run in parallel and
 * never touch the same heap.  The diagonal tiles (I, I) form one extra round.
 * Heaps order candidates by (distance, index), so the result is the same for
 * any thread count.
 *
 * Float distances come from |x|^2 + |y|^2 - 2<x, y>, which rounds; the k
 * chosen neighbours' distances are recomputed directly in double at the end
 * and the lists re-sorted, so reported distances are accurate.  Byte rows are
 * exact throughout.
 */
#include <cblas.h>
#include <math.h>
#include <string.h>

#include "core/parallel.h"
#include "knn/heap.h"
#include "knn/knn_internal.h"

#define TILE 256 /* multiple of EV__U8_PANEL */

typedef struct tile_scratch {
  float *dist;   /* TILE x TILE distances */
  float *g;      /* TILE x TILE float dot products */
  int32_t *gi;   /* TILE x TILE integer dot products */
} tile_scratch;

/* Distances of rows [i0, i0+m) of q against rows [j0, j0+n) of b into s->dist. */
static void compute_tile(const ev__knn_rows *q, int64_t i0, int m, const ev__knn_rows *b, int64_t j0,
                         int n, tile_scratch *s) {
  if (q->is_u8 && b->is_u8) {
    ev__dot_u8_tile(q, i0, m, b, j0, n, s->gi, TILE);
    for (int i = 0; i < m; i++)
      for (int j = 0; j < n; j++)
        s->dist[i * TILE + j] = ev__knn_dist(q, i0 + i, b, j0 + j, (double)s->gi[i * TILE + j]);
  } else {
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, m, n, (blasint)q->d, 1.0f,
                q->f + (size_t)i0 * (size_t)q->fs, (blasint)q->fs, b->f + (size_t)j0 * (size_t)b->fs,
                (blasint)b->fs, 0.0f, s->g, TILE);
    for (int i = 0; i < m; i++)
      for (int j = 0; j < n; j++)
        s->dist[i * TILE + j] = ev__knn_dist(q, i0 + i, b, j0 + j, (double)s->g[i * TILE + j]);
  }
}

/* Offer row i's candidates j0..j0+n-1 (skipping `skip`) to its heap. */
static void offer_row(float *hd, int32_t *hi, int k, const float *dist, int64_t j0, int n,
                      int64_t skip) {
  for (int j = 0; j < n; j++) {
    float d = dist[j];
    if (d <= hd[0] && j0 + j != skip) ev__heap_push(hd, hi, k, d, (int32_t)(j0 + j));
  }
}

static void offer_col(float *hd, int32_t *hi, int k, const float *dist, int64_t i0, int m) {
  for (int i = 0; i < m; i++) {
    float d = dist[(size_t)i * TILE];
    if (d <= hd[0]) ev__heap_push(hd, hi, k, d, (int32_t)(i0 + i));
  }
}

static int alloc_scratch(tile_scratch *s, int n_threads) {
  for (int t = 0; t < n_threads; t++) {
    s[t].dist = ev__malloc((size_t)TILE * TILE * sizeof(float));
    s[t].g = ev__malloc((size_t)TILE * TILE * sizeof(float));
    s[t].gi = ev__malloc((size_t)TILE * TILE * sizeof(int32_t));
    if (!s[t].dist || !s[t].g || !s[t].gi) return EV_ENOMEM;
  }
  return EV_OK;
}

static void free_scratch(tile_scratch *s, int n_threads) {
  for (int t = 0; s && t < n_threads; t++) {
    ev__free(s[t].dist);
    ev__free(s[t].g);
    ev__free(s[t].gi);
  }
  ev__free(s);
}

/* Recompute the chosen neighbours' distances directly and re-sort each list
 * (float tiles round; the direct values are the ones reported). */
void ev__knn_refine(const ev__knn_rows *q, const ev__knn_rows *b, ev_knn_graph *g, int nt) {
  int k = g->k;
  nt = ev__resolve_threads(nt);
  (void)nt;
#pragma omp parallel for schedule(dynamic, 64) num_threads(nt)
  for (int64_t i = 0; i < g->n_points; i++) {
    float *hd = g->distances + (size_t)i * (size_t)k;
    int32_t *hi = g->indices + (size_t)i * (size_t)k;
    for (int t = 0; t < k; t++)
      if (hi[t] >= 0) hd[t] = (float)ev__knn_pair_dist(q, i, b, hi[t]);
    ev__list_sort(hd, hi, k);
  }
}

static int exact_search(const ev__knn_rows *q, const ev__knn_rows *base, int self, int k,
                        ev_knn_graph *out, int n_threads, const ev_progress *progress, ev_error *err) {
  int nt = ev__resolve_threads(n_threads);
  int64_t n = q->n;
  for (int64_t i = 0; i < n; i++)
    ev__heap_init(out->distances + (size_t)i * (size_t)k, out->indices + (size_t)i * (size_t)k, k);
  tile_scratch *scratch = ev__calloc((size_t)nt, sizeof *scratch);
  if (!scratch || alloc_scratch(scratch, nt) != EV_OK) {
    free_scratch(scratch, nt);
    return ev__err(err, EV_ENOMEM, "knn: out of memory for %d tile buffers", nt);
  }
  int rc = EV_OK;
  int64_t nq = (q->n + TILE - 1) / TILE, nb = (base->n + TILE - 1) / TILE;
  if (self) {
    /* Rounds of the circle method over m (even) slots; slot nb is a bye. */
    int64_t m = nb + (nb & 1);
    int64_t n_rounds = m - 1 + 1; /* + the diagonal round */
    for (int64_t round = 0; round < n_rounds && rc == EV_OK; round++) {
      int64_t n_tasks = round == 0 ? nb : m / 2;
#pragma omp parallel for schedule(dynamic, 1) num_threads(nt)
      for (int64_t t = 0; t < n_tasks; t++) {
        tile_scratch *s = &scratch[ev__thread_id()];
        int64_t bi, bj;
        if (round == 0) {
          bi = bj = t;
        } else {
          int64_t r = round - 1;
          if (t == 0) {
            bi = r;
            bj = m - 1;
          } else {
            bi = (r + t) % (m - 1);
            bj = (r + m - 1 - t) % (m - 1);
          }
          if (bi >= nb || bj >= nb) continue; /* bye */
          if (bi > bj) {
            int64_t tmp = bi;
            bi = bj;
            bj = tmp;
          }
        }
        int64_t i0 = bi * TILE, j0 = bj * TILE;
        int mi = (int)EV__MIN(TILE, n - i0), nj = (int)EV__MIN(TILE, n - j0);
        compute_tile(q, i0, mi, base, j0, nj, s);
        for (int i = 0; i < mi; i++)
          offer_row(out->distances + (size_t)(i0 + i) * (size_t)k,
                    out->indices + (size_t)(i0 + i) * (size_t)k, k, s->dist + (size_t)i * TILE, j0, nj,
                    i0 + i);
        if (bi != bj)
          for (int j = 0; j < nj; j++)
            offer_col(out->distances + (size_t)(j0 + j) * (size_t)k,
                      out->indices + (size_t)(j0 + j) * (size_t)k, k, s->dist + j, i0, mi);
      }
      if (progress && progress->fn && progress->fn(progress->user, "knn: exact", (double)(round + 1) / (double)n_rounds))
        rc = ev__err(err, EV_ECANCELED, "knn: canceled");
    }
  } else {
    int64_t done = 0;
    for (int64_t c0 = 0; c0 < nq && rc == EV_OK; c0 += 4 * nt) {
      int64_t c1 = EV__MIN(nq, c0 + 4 * nt);
#pragma omp parallel for schedule(dynamic, 1) num_threads(nt)
      for (int64_t bi = c0; bi < c1; bi++) {
        tile_scratch *s = &scratch[ev__thread_id()];
        int64_t i0 = bi * TILE;
        int mi = (int)EV__MIN(TILE, q->n - i0);
        for (int64_t bj = 0; bj < nb; bj++) {
          int64_t j0 = bj * TILE;
          int nj = (int)EV__MIN(TILE, base->n - j0);
          compute_tile(q, i0, mi, base, j0, nj, s);
          for (int i = 0; i < mi; i++)
            offer_row(out->distances + (size_t)(i0 + i) * (size_t)k,
                      out->indices + (size_t)(i0 + i) * (size_t)k, k, s->dist + (size_t)i * TILE, j0, nj,
                      -1);
        }
      }
      done = c1;
      if (progress && progress->fn && progress->fn(progress->user, "knn: exact", (double)done / (double)nq))
        rc = ev__err(err, EV_ECANCELED, "knn: canceled");
    }
  }
  free_scratch(scratch, nt);
  if (rc) return rc;
#pragma omp parallel for schedule(static) num_threads(nt)
  for (int64_t i = 0; i < n; i++)
    ev__heap_finish(out->distances + (size_t)i * (size_t)k, out->indices + (size_t)i * (size_t)k, k);
  if (!(q->is_u8 && base->is_u8)) ev__knn_refine(q, base, out, nt);
  out->exact = 1;
  return EV_OK;
}

int ev__knn_exact(const ev__knn_rows *q, const ev__knn_rows *base, int self, int k,
                  ev_knn_graph *out, int n_threads, const ev_progress *progress, ev_error *err) {
  /* Tiles call BLAS from inside parallel loops; one BLAS thread each, also
   * when the team has one thread, so that tiles round alike whatever the
   * thread count (the threads inherit this setting). */
  int nt = ev__resolve_threads(n_threads); /* before the scope changes the default */
  ev__blas_scope one = ev__blas_threads_begin(1);
  int rc = exact_search(q, base, self, k, out, nt, progress, err);
  ev__blas_threads_end(one);
  return rc;
}
