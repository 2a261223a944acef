/* sparse.c — CSR matrices and the symmetrisation of directed kNN weights
 * shared by t-SNE (P = (A + A^T) / 2N) and UMAP (fuzzy union).
 *
 * Row i collects its own entries (i, j, a_ij) and, reversed, the entries
 * (j, i, a_ji) of the points that list it; after sorting by column each
 * column holds at most two values, a_ij and a_ji, which `combine` merges
 * (a missing one counts as 0).  Everything runs in a fixed order, so the
 * result does not depend on the thread count.
 */
#include <string.h>

#include "core/internal.h"
#include "core/sparse.h"

void ev_csr_free(ev_csr *m) {
  if (!m) return;
  ev__free(m->row_ptr);
  ev__free(m->col);
  ev__free(m->val);
  ev__free(m);
}

static double combine(ev__sym_op op, double mix, double a, double b) {
  if (op == EV__SYM_SUM) return a + b;
  double prod = a * b;
  return mix * (a + b - prod) + (1.0 - mix) * prod;
}

int ev__csr_symmetrize(int64_t n, int k, int stride, const int32_t *idx, const float *w, ev__sym_op op,
                       double mix, double scale, ev_csr **out, ev_error *err) {
  *out = NULL;
  int64_t *start = ev__calloc((size_t)n + 1, sizeof *start);
  ev_csr *m = ev__calloc(1, sizeof *m);
  int32_t *col = NULL;
  float *val = NULL;
  uint8_t *own = NULL;
  int64_t *fill = NULL;
  int rc = EV_OK;
  if (!start || !m) goto oom;
  /* row i's capacity: its own entries plus the reversed ones it receives */
  for (int64_t i = 0; i < n; i++)
    for (int t = 0; t < k; t++) {
      int32_t j = idx[(size_t)i * (size_t)stride + (size_t)t];
      if (j < 0 || j == i) continue;
      start[i + 1]++;
      start[j + 1]++;
    }
  for (int64_t i = 0; i < n; i++) start[i + 1] += start[i];
  size_t cap = (size_t)(start[n] ? start[n] : 1);
  col = ev__malloc(cap * sizeof *col);
  val = ev__malloc(cap * sizeof *val);
  own = ev__malloc(cap);
  fill = ev__malloc(((size_t)n + 1) * sizeof *fill);
  m->row_ptr = ev__malloc(((size_t)n + 1) * sizeof *m->row_ptr);
  if (!col || !val || !own || !fill || !m->row_ptr) goto oom;
  memcpy(fill, start, (size_t)n * sizeof *fill);
  for (int64_t i = 0; i < n; i++)
    for (int t = 0; t < k; t++) {
      size_t at = (size_t)i * (size_t)stride + (size_t)t;
      int32_t j = idx[at];
      if (j < 0 || j == i) continue;
      col[fill[i]] = j; /* (i, j) */
      val[fill[i]] = w[(size_t)i * (size_t)k + (size_t)t];
      own[fill[i]++] = 1;
      col[fill[j]] = (int32_t)i; /* (j, i) */
      val[fill[j]] = w[(size_t)i * (size_t)k + (size_t)t];
      own[fill[j]++] = 0;
    }
  int64_t pos = 0;
  for (int64_t i = 0; i < n; i++) {
    int64_t a = start[i], b = start[i + 1];
    /* insertion sort by column, own entry first on ties: rows are short */
    for (int64_t u = a + 1; u < b; u++) {
      int32_t c = col[u];
      float v = val[u];
      uint8_t o = own[u];
      int64_t x = u - 1;
      while (x >= a && (col[x] > c || (col[x] == c && own[x] < o))) {
        col[x + 1] = col[x];
        val[x + 1] = val[x];
        own[x + 1] = own[x];
        x--;
      }
      col[x + 1] = c;
      val[x + 1] = v;
      own[x + 1] = o;
    }
    m->row_ptr[i] = pos;
    for (int64_t u = a; u < b;) {
      double va = val[u], vb = 0;
      int32_t c = col[u];
      int64_t next = u + 1;
      if (next < b && col[next] == c) {
        vb = val[next];
        next++;
      }
      double v = combine(op, mix, va, vb) * scale;
      if (v > 0) {
        col[pos] = c;
        val[pos] = (float)v;
        pos++;
      }
      u = next;
    }
  }
  m->row_ptr[n] = pos;
  m->n_rows = m->n_cols = n;
  m->col = ev__realloc(col, (size_t)(pos ? pos : 1) * sizeof *col);
  m->val = ev__realloc(val, (size_t)(pos ? pos : 1) * sizeof *val);
  if (!m->col) m->col = col; /* a shrinking realloc cannot really fail; keep the block */
  if (!m->val) m->val = val;
  ev__free(own);
  ev__free(fill);
  ev__free(start);
  *out = m;
  return EV_OK;
oom:
  rc = ev__err(err, EV_ENOMEM, "out of memory for a sparse graph of %lld points", (long long)n);
  ev__free(col);
  ev__free(val);
  ev__free(own);
  ev__free(fill);
  ev__free(start);
  ev_csr_free(m);
  return rc;
}
