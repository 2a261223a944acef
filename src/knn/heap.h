/* heap.h — bounded max-heaps of (distance, index) pairs, one per point.
 *
 * Pairs are ordered lexicographically by (distance, index), a total order, so
 * the k smallest pairs are the same whatever order candidates arrive in: the
 * thread count and tile sizes cannot change a result.  Empty slots hold
 * (+inf, INT32_MAX) so that they order last; ev__heap_finish maps them to -1.
 * Internal. */
#ifndef EV_KNN_HEAP_H
#define EV_KNN_HEAP_H

#include <math.h>
#include <stdint.h>

#define EV__HEAP_EMPTY INT32_MAX

/* (da, ia) < (db, ib) */
static inline int ev__pair_less(float da, int32_t ia, float db, int32_t ib) {
  return da < db || (da == db && ia < ib);
}

static inline void ev__heap_init(float *d, int32_t *idx, int k) {
  for (int i = 0; i < k; i++) {
    d[i] = INFINITY;
    idx[i] = EV__HEAP_EMPTY;
  }
}

/* Place (dist, j) at the root of the max-heap [0, n) and sift it down. */
static inline void ev__heap_sift_root(float *d, int32_t *idx, int n, float dist, int32_t j) {
  int i = 0;
  for (;;) {
    int l = 2 * i + 1, r = l + 1, c = l;
    if (l >= n) break;
    if (r < n && ev__pair_less(d[l], idx[l], d[r], idx[r])) c = r;
    if (!ev__pair_less(dist, j, d[c], idx[c])) break;
    d[i] = d[c];
    idx[i] = idx[c];
    i = c;
  }
  d[i] = dist;
  idx[i] = j;
}

/* Insert (dist, j) if it beats the current worst (the root); returns 1 when
 * the heap changed.  Callers check for duplicates themselves when needed. */
static inline int ev__heap_push(float *d, int32_t *idx, int k, float dist, int32_t j) {
  if (!ev__pair_less(dist, j, d[0], idx[0])) return 0;
  ev__heap_sift_root(d, idx, k, dist, j);
  return 1;
}

/* Whether j is already in the heap (linear: k is small). */
static inline int ev__heap_contains(const int32_t *idx, int k, int32_t j) {
  for (int i = 0; i < k; i++)
    if (idx[i] == j) return 1;
  return 0;
}

/* Sort ascending in place (heap sort on the max-heap) and map empty slots to -1. */
static inline void ev__heap_finish(float *d, int32_t *idx, int k) {
  for (int end = k - 1; end > 0; end--) {
    float td = d[0];
    int32_t ti = idx[0];
    ev__heap_sift_root(d, idx, end, d[end], idx[end]);
    d[end] = td;
    idx[end] = ti;
  }
  for (int i = 0; i < k; i++)
    if (idx[i] == EV__HEAP_EMPTY) idx[i] = -1;
}

/* Re-sort a finished list by (distance, index); entries with index -1 stay at
 * the end.  Insertion sort: lists are short and nearly sorted. */
static inline void ev__list_sort(float *d, int32_t *idx, int k) {
  for (int t = 1; t < k && idx[t] >= 0; t++) {
    float dv = d[t];
    int32_t jv = idx[t];
    int u = t - 1;
    while (u >= 0 && ev__pair_less(dv, jv, d[u], idx[u])) {
      d[u + 1] = d[u];
      idx[u + 1] = idx[u];
      u--;
    }
    d[u + 1] = dv;
    idx[u + 1] = jv;
  }
}

#endif
