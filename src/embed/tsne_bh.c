/* tsne_bh.c — t-SNE repulsion by Barnes-Hut on an octree (3-D maps).
 *
 * FFT interpolation needs (2 * 3 * nb)^3 grid values in 3-D: at one box
 * per unit length a 60-unit-wide map means a 360^3 transform per charge, far
 * too slow.  A Barnes-Hut octree (van der Maaten, JMLR 2014) costs
 * O(N log N) per iteration in any dimension instead: a cell whose size over
 * its distance to the point is below theta acts as one point of mass
 * `count` at its centre of mass.
 *
 * Tree: points sorted by their 63-bit Morton code (21 bits per axis of the
 * bounding cube); every node is a contiguous range of that order, children
 * are split by the next three bits, leaves hold at most LEAF points.  Built
 * sequentially from sorted codes, so it is the same for any thread count;
 * each point's traversal is independent, so forces are too.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/parallel.h"
#include "embed/tsne_internal.h"

#define LEAF 8
#define MAX_LEVEL 21

typedef struct bh_node {
  double com[3];    /* centre of mass */
  double size;      /* side of the node's cube */
  int32_t first;    /* first point (in sorted order) */
  int32_t count;
  int32_t child;    /* first child node, -1 for a leaf */
  int32_t n_child;
} bh_node;

typedef struct bh_tree {
  bh_node *nodes;
  int64_t n_nodes, cap;
  int32_t *order;    /* sorted position -> point */
  uint64_t *code;    /* sorted codes */
  const float *y;
  int dims;
} bh_tree;

static uint64_t spread3(uint32_t v) { /* 21 bits -> every third bit */
  uint64_t x = v & 0x1fffff;
  x = (x | x << 32) & 0x1f00000000ffffULL;
  x = (x | x << 16) & 0x1f0000ff0000ffULL;
  x = (x | x << 8) & 0x100f00f00f00f00fULL;
  x = (x | x << 4) & 0x10c30c30c30c30c3ULL;
  x = (x | x << 2) & 0x1249249249249249ULL;
  return x;
}

typedef struct keyed {
  uint64_t code;
  int32_t idx;
} keyed;

static int cmp_keyed(const void *a, const void *b) {
  const keyed *x = a, *y = b;
  if (x->code != y->code) return x->code < y->code ? -1 : 1;
  return (x->idx > y->idx) - (x->idx < y->idx);
}

/* Reserve `count` consecutive nodes; returns the first index or -1. */
static int64_t reserve(bh_tree *t, int64_t count) {
  if (t->n_nodes + count > t->cap) {
    int64_t cap = t->cap ? t->cap : 1024;
    while (cap < t->n_nodes + count) cap *= 2;
    bh_node *nn = ev__realloc(t->nodes, (size_t)cap * sizeof *nn);
    if (!nn) return -1;
    t->nodes = nn;
    t->cap = cap;
  }
  int64_t id = t->n_nodes;
  t->n_nodes += count;
  return id;
}

/* Fill node `id` for sorted range [lo, hi) whose cube starts at `level`;
 * children are reserved together so that they are contiguous. */
static int fill(bh_tree *t, int64_t id, int32_t lo, int32_t hi, int level, double size) {
  int dims = t->dims;
  /* skip levels where every point falls in the same octant */
  while (level < MAX_LEVEL && hi - lo > LEAF) {
    int shift = 3 * (MAX_LEVEL - 1 - level);
    if (((t->code[lo] >> shift) & 7) != ((t->code[hi - 1] >> shift) & 7)) break;
    level++;
    size /= 2;
  }
  double com[3] = {0, 0, 0};
  for (int32_t s = lo; s < hi; s++)
    for (int d = 0; d < dims; d++) com[d] += t->y[(int64_t)t->order[s] * dims + d];
  bh_node nd;
  for (int d = 0; d < 3; d++) nd.com[d] = d < dims ? com[d] / (hi - lo) : 0;
  nd.size = size;
  nd.first = lo;
  nd.count = hi - lo;
  nd.child = -1;
  nd.n_child = 0;
  if (hi - lo <= LEAF || level >= MAX_LEVEL) {
    t->nodes[id] = nd;
    return EV_OK;
  }
  int shift = 3 * (MAX_LEVEL - 1 - level);
  int32_t starts[9];
  int n_child = 0;
  for (int32_t s = lo; s < hi; s++)
    if (s == lo || ((t->code[s] >> shift) & 7) != ((t->code[s - 1] >> shift) & 7)) starts[n_child++] = s;
  starts[n_child] = hi;
  int64_t child = reserve(t, n_child);
  if (child < 0) return EV_ENOMEM;
  nd.child = (int32_t)child;
  nd.n_child = n_child;
  t->nodes[id] = nd; /* after reserve: the array may have moved */
  for (int c = 0; c < n_child; c++) {
    int rc = fill(t, child + c, starts[c], starts[c + 1], level + 1, size / 2);
    if (rc) return rc;
  }
  return EV_OK;
}

int ev__bh_repulsion(const float *y, int64_t n, const float *tgt, int64_t n_tgt, int dims, double dof,
                     double theta, int n_threads, double *z, double *z_total, double *rep, ev_error *err) {
  int same = tgt == NULL; /* targets are the sources: skip each point's own term */
  if (same) {
    tgt = y;
    n_tgt = n;
  }
  bh_tree t;
  memset(&t, 0, sizeof t);
  t.y = y;
  t.dims = dims;
  keyed *keys = ev__malloc((size_t)(n ? n : 1) * sizeof *keys);
  t.order = ev__malloc((size_t)(n ? n : 1) * sizeof *t.order);
  t.code = ev__malloc((size_t)(n ? n : 1) * sizeof *t.code);
  double *zrow = ev__malloc((size_t)(n_tgt ? n_tgt : 1) * sizeof *zrow);
  int rc = EV_OK;
  if (!keys || !t.order || !t.code || !zrow) {
    rc = ev__err(err, EV_ENOMEM, "tsne: out of memory for the octree");
    goto done;
  }
  double lo[3] = {INFINITY, INFINITY, INFINITY}, hi[3] = {-INFINITY, -INFINITY, -INFINITY};
  for (int64_t i = 0; i < n; i++)
    for (int d = 0; d < dims; d++) {
      double v = y[i * dims + d];
      lo[d] = v < lo[d] ? v : lo[d];
      hi[d] = v > hi[d] ? v : hi[d];
    }
  /* (targets outside the sources' cube are fine: the cube only bins sources) */
  double size = 0;
  for (int d = 0; d < dims; d++) size = hi[d] - lo[d] > size ? hi[d] - lo[d] : size;
  size = size > 0 ? size * (1 + 1e-7) : 1.0;
  double cells = (double)(1u << MAX_LEVEL);
  for (int64_t i = 0; i < n; i++) {
    uint64_t code = 0;
    for (int d = 0; d < dims; d++) {
      double u = (y[i * dims + d] - lo[d]) / size * cells;
      uint32_t q = u < 0 ? 0 : u >= cells ? (1u << MAX_LEVEL) - 1 : (uint32_t)u;
      code |= spread3(q) << (2 - d);
    }
    keys[i].code = code;
    keys[i].idx = (int32_t)i;
  }
  qsort(keys, (size_t)n, sizeof *keys, cmp_keyed);
  for (int64_t i = 0; i < n; i++) {
    t.order[i] = keys[i].idx;
    t.code[i] = keys[i].code;
  }
  int64_t root = reserve(&t, 1);
  if (root < 0 || fill(&t, root, 0, (int32_t)n, 0, size)) {
    rc = ev__err(err, EV_ENOMEM, "tsne: out of memory for the octree");
    goto done;
  }
  double theta2 = theta * theta;
  int nt = ev__resolve_threads(n_threads);
  (void)nt;
#pragma omp parallel for schedule(dynamic, 256) num_threads(nt)
  for (int64_t i = 0; i < n_tgt; i++) {
    int64_t stack[8 * (MAX_LEVEL + 2)];
    int top = 0;
    stack[top++] = root;
    double yi[3] = {0, 0, 0}, zi = 0, r[3] = {0, 0, 0};
    for (int d = 0; d < dims; d++) yi[d] = tgt[i * dims + d];
    while (top > 0) {
      const bh_node *nd = &t.nodes[stack[--top]];
      double dx[3] = {0, 0, 0}, d2 = 0;
      for (int d = 0; d < dims; d++) {
        dx[d] = yi[d] - nd->com[d];
        d2 += dx[d] * dx[d];
      }
      if (nd->child < 0) {
        for (int32_t s = nd->first; s < nd->first + nd->count; s++) {
          int64_t j = t.order[s];
          if (same && j == i) continue;
          double e[3] = {0, 0, 0}, e2 = 0;
          for (int d = 0; d < dims; d++) {
            e[d] = yi[d] - y[j * dims + d];
            e2 += e[d] * e[d];
          }
          double u = 1.0 + e2 / dof;
          double kz = dof == 1.0 ? 1.0 / u : pow(u, -dof);
          double kf = dof == 1.0 ? kz * kz : pow(u, -(dof + 1));
          zi += kz;
          for (int d = 0; d < dims; d++) r[d] += kf * e[d];
        }
      } else if (nd->size * nd->size < theta2 * d2) {
        double u = 1.0 + d2 / dof;
        double kz = dof == 1.0 ? 1.0 / u : pow(u, -dof);
        double kf = dof == 1.0 ? kz * kz : pow(u, -(dof + 1));
        zi += nd->count * kz;
        for (int d = 0; d < dims; d++) r[d] += nd->count * kf * dx[d];
      } else {
        for (int c = nd->n_child - 1; c >= 0; c--) stack[top++] = nd->child + c;
      }
    }
    zrow[i] = zi;
    for (int d = 0; d < dims; d++) rep[i * dims + d] = r[d];
  }
  double zt = 0;
  for (int64_t i = 0; i < n_tgt; i++) zt += zrow[i];
  if (z_total) *z_total = zt;
  if (z) memcpy(z, zrow, (size_t)n_tgt * sizeof *z);
done:
  ev__free(keys);
  ev__free(t.order);
  ev__free(t.code);
  ev__free(t.nodes);
  ev__free(zrow);
  return rc;
}
