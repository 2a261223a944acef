/* umap_spectral.c — UMAP's spectral initialisation.
 *
 * The layout's coordinates are the eigenvectors of the normalised Laplacian
 * L = I - D^-1/2 W D^-1/2 for the smallest eigenvalues after the trivial 0
 * (whose eigenvector is D^1/2 1), i.e. those of M = D^-1/2 W D^-1/2 for the
 * largest eigenvalues below 1, as umap-learn's spectral_layout.
 *
 * Small components (up to DENSE_MAX vertices): dense L and LAPACK's dsyevr.
 * Larger ones: thick-restart Lanczos (Wu & Simon 2000; a symmetric
 * Krylov-Schur) on M with the trivial eigenvector projected out, full
 * reorthogonalisation (twice, DGKS), basis of BASIS vectors of which half
 * are kept at a restart, stopped when every wanted Ritz pair's residual is
 * below TOL (umap-learn asks ARPACK for 1e-4) or after MAX_MATVEC products.
 * Inner products sum fixed blocks of rows in a fixed order, so the result
 * does not depend on the thread count.
 *
 * Disconnected graphs (as umap-learn's multi_component_layout): each
 * component is laid out alone, scaled to half the distance from its anchor
 * to the nearest other anchor, and moved to its anchor; anchors are the
 * axes' unit points (+e_1, -e_1, +e_2, ...) for up to 2 x dims components,
 * else the principal coordinates of the components' centroids in the input
 * space.  Components too small for an eigenproblem are placed at random.
 */
#include <lapacke.h>
#include <math.h>
#include <string.h>

#include "core/internal.h"
#include "core/parallel.h"
#include "core/rng.h"
#include "embed/embed_internal.h"
#include "embview/umap.h"

#define DENSE_MAX 1000
#define BASIS 32
#define TOL 1e-5
#define MAX_MATVEC 4000
#define ROW_BLOCK 4096

/* a connected piece of the graph in local numbering */
typedef struct component {
  int64_t n;
  int64_t *row_ptr;
  int32_t *col;
  float *val;
} component;

/* sum of a[i] * b[i] in fixed blocks, blocks added in order */
static double dot_fixed(const double *a, const double *b, int64_t n, double *partial, int nt) {
  int64_t nb = (n + ROW_BLOCK - 1) / ROW_BLOCK;
  (void)nt;
#pragma omp parallel for schedule(static) num_threads(nt) if (nb > 4)
  for (int64_t blk = 0; blk < nb; blk++) {
    int64_t i0 = blk * ROW_BLOCK, i1 = EV__MIN(n, i0 + ROW_BLOCK);
    double s = 0;
    for (int64_t i = i0; i < i1; i++) s += a[i] * b[i];
    partial[blk] = s;
  }
  double s = 0;
  for (int64_t blk = 0; blk < nb; blk++) s += partial[blk];
  return s;
}

/* h[c] = V[:, c] . w for c < cols (V column-major, n rows), then w -= V h */
static void orthogonalize(const double *v, int cols, double *w, int64_t n, double *h, double *partial, int nt) {
  int64_t nb = (n + ROW_BLOCK - 1) / ROW_BLOCK;
  (void)nt;
#pragma omp parallel for schedule(static) num_threads(nt) if (nb > 4)
  for (int64_t blk = 0; blk < nb; blk++) {
    int64_t i0 = blk * ROW_BLOCK, i1 = EV__MIN(n, i0 + ROW_BLOCK);
    for (int c = 0; c < cols; c++) {
      const double *vc = v + (size_t)c * (size_t)n;
      double s = 0;
      for (int64_t i = i0; i < i1; i++) s += vc[i] * w[i];
      partial[blk * BASIS * 2 + c] = s;
    }
  }
  for (int c = 0; c < cols; c++) {
    double s = 0;
    for (int64_t blk = 0; blk < nb; blk++) s += partial[blk * BASIS * 2 + c];
    h[c] = s;
  }
#pragma omp parallel for schedule(static) num_threads(nt) if (nb > 4)
  for (int64_t blk = 0; blk < nb; blk++) {
    int64_t i0 = blk * ROW_BLOCK, i1 = EV__MIN(n, i0 + ROW_BLOCK);
    for (int c = 0; c < cols; c++) {
      const double *vc = v + (size_t)c * (size_t)n;
      double hc = h[c];
      for (int64_t i = i0; i < i1; i++) w[i] -= hc * vc[i];
    }
  }
}

/* out = M x with M = D^-1/2 W D^-1/2, then the trivial direction u0 removed */
static void apply_m(const component *g, const double *dis, const double *u0, const double *x, double *out,
                    double *partial, int nt) {
  (void)nt;
#pragma omp parallel for schedule(dynamic, 1024) num_threads(nt)
  for (int64_t i = 0; i < g->n; i++) {
    double s = 0;
    for (int64_t e = g->row_ptr[i]; e < g->row_ptr[i + 1]; e++) s += (double)g->val[e] * dis[g->col[e]] * x[g->col[e]];
    out[i] = s * dis[i];
  }
  double c = dot_fixed(u0, out, g->n, partial, nt);
  for (int64_t i = 0; i < g->n; i++) out[i] -= c * u0[i];
}

static void random_unit(int64_t n, uint64_t seed, uint64_t stream, const double *u0, double *v, double *partial,
                        int nt) {
  ev__rng rng;
  ev__rng_seed(&rng, seed, stream);
  for (int64_t i = 0; i < n; i++) v[i] = ev__rng_uniform(&rng) - 0.5;
  double c = dot_fixed(u0, v, n, partial, nt);
  for (int64_t i = 0; i < n; i++) v[i] -= c * u0[i];
  double norm = sqrt(dot_fixed(v, v, n, partial, nt));
  for (int64_t i = 0; i < n; i++) v[i] /= norm;
}

/* The nev largest eigenpairs of M on u0's complement; vectors into out
 * (n x nev, row-major), largest first. */
static int lanczos(const component *g, const double *dis, const double *u0, int nev, uint64_t seed, int nt,
                   double *out, ev_error *err) {
  int64_t n = g->n;
  int m = (int)EV__MIN((int64_t)EV__MAX(BASIS, 2 * nev + 8), n - 1);
  if (m > BASIS * 2) m = BASIS * 2;
  int keep = m / 2;
  int64_t nb = (n + ROW_BLOCK - 1) / ROW_BLOCK;
  double *v = ev__malloc((size_t)n * (size_t)(m + 1) * sizeof *v);
  double *w = ev__malloc((size_t)n * sizeof *w);
  double *h = ev__calloc((size_t)m * (size_t)m, sizeof *h); /* upper triangle used, column-major */
  double *s = ev__malloc((size_t)m * (size_t)m * sizeof *s);
  double *theta = ev__malloc((size_t)m * sizeof *theta);
  double *hc = ev__malloc((size_t)(m + 1) * sizeof *hc);
  double *hc2 = ev__malloc((size_t)(m + 1) * sizeof *hc2);
  double *partial = ev__malloc((size_t)nb * BASIS * 2 * sizeof *partial);
  double *tmp = ev__malloc((size_t)n * (size_t)keep * sizeof *tmp);
  int rc = EV_OK;
  if (!v || !w || !h || !s || !theta || !hc || !hc2 || !partial || !tmp) {
    rc = ev__err(err, EV_ENOMEM, "umap: out of memory for the spectral layout of %lld points", (long long)n);
    goto done;
  }
  random_unit(n, seed, 0x6c616e63ull, u0, v, partial, nt);
  int k = 0, matvecs = 0;
  double beta = 0;
  for (int restart = 0;; restart++) {
    for (int j = k; j < m; j++) {
      double *vj = v + (size_t)j * (size_t)n;
      apply_m(g, dis, u0, vj, w, partial, nt);
      matvecs++;
      orthogonalize(v, j + 1, w, n, hc, partial, nt);
      orthogonalize(v, j + 1, w, n, hc2, partial, nt);
      for (int c = 0; c <= j; c++) h[(size_t)j * (size_t)m + (size_t)c] = hc[c] + hc2[c];
      beta = sqrt(dot_fixed(w, w, n, partial, nt));
      double *next = v + (size_t)(j + 1) * (size_t)n;
      if (beta > 1e-12) {
        for (int64_t i = 0; i < n; i++) next[i] = w[i] / beta;
      } else { /* invariant subspace: continue from a fresh direction */
        beta = 0;
        random_unit(n, seed, 0x6c616e64ull + (uint64_t)matvecs, u0, next, partial, nt);
        orthogonalize(v, j + 1, next, n, hc, partial, nt);
        orthogonalize(v, j + 1, next, n, hc2, partial, nt);
        double norm = sqrt(dot_fixed(next, next, n, partial, nt));
        for (int64_t i = 0; i < n; i++) next[i] /= norm;
      }
    }
    /* Rayleigh-Ritz on the symmetric projection (upper triangle of h) */
    for (int c = 0; c < m; c++)
      for (int r = 0; r <= c; r++) {
        double x = h[(size_t)c * (size_t)m + (size_t)r];
        s[(size_t)c * (size_t)m + (size_t)r] = x;
        s[(size_t)r * (size_t)m + (size_t)c] = x;
      }
    lapack_int info = LAPACKE_dsyev(LAPACK_COL_MAJOR, 'V', 'U', m, s, m, theta);
    if (info != 0) {
      rc = ev__err(err, EV_EINVAL, "umap: spectral layout: the projected eigenproblem failed (LAPACK %d)", (int)info);
      goto done;
    }
    /* ascending: the wanted ones are the last nev */
    int converged = 1;
    for (int t = 0; t < nev; t++) {
      int c = m - 1 - t;
      if (fabs(beta * s[(size_t)c * (size_t)m + (size_t)(m - 1)]) > TOL) converged = 0;
    }
    int last = converged || matvecs >= MAX_MATVEC;
    int nkeep = last ? nev : keep;
    /* Ritz vectors of the top nkeep into tmp (n x nkeep, column-major) */
    for (int t = 0; t < nkeep; t++) {
      const double *z = s + (size_t)(m - 1 - t) * (size_t)m;
      double *dst = tmp + (size_t)t * (size_t)n;
#pragma omp parallel for schedule(static) num_threads(nt)
      for (int64_t i = 0; i < n; i++) {
        double acc = 0;
        for (int c = 0; c < m; c++) acc += v[(size_t)c * (size_t)n + (size_t)i] * z[c];
        dst[i] = acc;
      }
    }
    if (last) {
      for (int t = 0; t < nev; t++)
        for (int64_t i = 0; i < n; i++) out[i * nev + t] = tmp[(size_t)t * (size_t)n + (size_t)i];
      break;
    }
    /* restart: V = [Ritz vectors, residual direction], h = [diag(theta) b; b^T .] */
    double *resid = v + (size_t)m * (size_t)n;
    memmove(v + (size_t)keep * (size_t)n, resid, (size_t)n * sizeof *v);
    memcpy(v, tmp, (size_t)n * (size_t)keep * sizeof *v);
    memset(h, 0, (size_t)m * (size_t)m * sizeof *h);
    for (int t = 0; t < keep; t++) h[(size_t)t * (size_t)m + (size_t)t] = theta[m - 1 - t];
    k = keep;
  }
done:
  ev__free(v);
  ev__free(w);
  ev__free(h);
  ev__free(s);
  ev__free(theta);
  ev__free(hc);
  ev__free(hc2);
  ev__free(partial);
  ev__free(tmp);
  return rc;
}

/* The same for a small component, densely. */
static int dense_eig(const component *g, const double *dis, int nev, double *out, ev_error *err) {
  int64_t n = g->n;
  double *l = ev__calloc((size_t)n * (size_t)n, sizeof *l);
  double *wv = ev__malloc((size_t)n * sizeof *wv);
  double *z = ev__malloc((size_t)n * (size_t)(nev + 1) * sizeof *z);
  lapack_int *isuppz = ev__malloc((size_t)(2 * (nev + 1)) * sizeof *isuppz);
  int rc = EV_OK;
  if (!l || !wv || !z || !isuppz) {
    rc = ev__err(err, EV_ENOMEM, "umap: out of memory for the spectral layout");
    goto done;
  }
  for (int64_t i = 0; i < n; i++) {
    l[i * n + i] = 1.0;
    for (int64_t e = g->row_ptr[i]; e < g->row_ptr[i + 1]; e++)
      l[i * n + g->col[e]] -= (double)g->val[e] * dis[i] * dis[g->col[e]];
  }
  lapack_int found = 0;
  lapack_int info = LAPACKE_dsyevr(LAPACK_ROW_MAJOR, 'V', 'I', 'U', (lapack_int)n, l, (lapack_int)n, 0, 0, 1,
                                   (lapack_int)(nev + 1), 0.0, &found, wv, z, (lapack_int)(nev + 1), isuppz);
  if (info != 0 || found != nev + 1) {
    rc = ev__err(err, EV_EINVAL, "umap: spectral layout: the eigenproblem failed (LAPACK %d)", (int)info);
    goto done;
  }
  for (int64_t i = 0; i < n; i++)
    for (int t = 0; t < nev; t++) out[i * nev + t] = z[i * (nev + 1) + t + 1];
done:
  ev__free(l);
  ev__free(wv);
  ev__free(z);
  ev__free(isuppz);
  return rc;
}

/* Spectral coordinates of one connected component (n x dims, row-major),
 * or uniform random ones in [-1, 1] when it is too small. */
static int component_layout(const component *g, int dims, uint64_t seed, uint64_t stream, int nt, double *out,
                            ev_error *err) {
  int64_t n = g->n;
  if (n < 2 * (int64_t)dims || n <= (int64_t)dims + 1) {
    ev__rng rng;
    ev__rng_seed(&rng, seed, stream);
    for (int64_t t = 0; t < n * dims; t++) out[t] = 2.0 * ev__rng_uniform(&rng) - 1.0;
    return EV_OK;
  }
  double *dis = ev__malloc((size_t)n * sizeof *dis);
  double *u0 = ev__malloc((size_t)n * sizeof *u0);
  if (!dis || !u0) {
    ev__free(dis);
    ev__free(u0);
    return ev__err(err, EV_ENOMEM, "umap: out of memory for the spectral layout");
  }
  double norm = 0;
  for (int64_t i = 0; i < n; i++) {
    double d = 0;
    for (int64_t e = g->row_ptr[i]; e < g->row_ptr[i + 1]; e++) d += g->val[e];
    dis[i] = d > 0 ? 1.0 / sqrt(d) : 0.0;
    u0[i] = sqrt(d);
    norm += d;
  }
  for (int64_t i = 0; i < n; i++) u0[i] /= sqrt(norm);
  int rc = n <= DENSE_MAX ? dense_eig(g, dis, dims, out, err) : lanczos(g, dis, u0, dims, seed ^ stream, nt, out, err);
  ev__free(dis);
  ev__free(u0);
  if (rc) return rc;
  /* eigenvectors' signs are arbitrary: make each column's third moment positive */
  for (int t = 0; t < dims; t++) {
    double m3 = 0;
    for (int64_t i = 0; i < n; i++) m3 += out[i * dims + t] * out[i * dims + t] * out[i * dims + t];
    if (m3 < 0)
      for (int64_t i = 0; i < n; i++) out[i * dims + t] = -out[i * dims + t];
  }
  return EV_OK;
}

/* connected components by union-find; labels numbered by first vertex */
static int32_t find_root(int32_t *parent, int32_t i) {
  while (parent[i] != i) {
    parent[i] = parent[parent[i]];
    i = parent[i];
  }
  return i;
}

static int label_components(const ev_csr *g, int32_t *label, int *n_comp) {
  int64_t n = g->n_rows;
  int32_t *parent = ev__malloc((size_t)(n ? n : 1) * sizeof *parent);
  if (!parent) return EV_ENOMEM;
  for (int64_t i = 0; i < n; i++) parent[i] = (int32_t)i;
  for (int64_t i = 0; i < n; i++)
    for (int64_t e = g->row_ptr[i]; e < g->row_ptr[i + 1]; e++) {
      int32_t a = find_root(parent, (int32_t)i), b = find_root(parent, g->col[e]);
      if (a != b) parent[a < b ? b : a] = a < b ? a : b; /* a root is its component's smallest vertex */
    }
  int count = 0;
  for (int64_t i = 0; i < n; i++) {
    int32_t r = find_root(parent, (int32_t)i);
    label[i] = r == i ? count++ : label[r]; /* r <= i: already labelled */
  }
  ev__free(parent);
  *n_comp = count;
  return EV_OK;
}

/* Anchor positions of the components (n_comp x dims, max |coordinate| 1). */
static int anchors(const ev_csr *g, const int32_t *label, int n_comp, int dims, const ev_matrix *centroids,
                   uint64_t seed, int nt, double *meta, ev_error *err) {
  if (n_comp <= 2 * dims) {
    memset(meta, 0, (size_t)n_comp * (size_t)dims * sizeof *meta);
    for (int c = 0; c < n_comp; c++) meta[c * dims + c / 2] = c % 2 ? -1.0 : 1.0;
    return EV_OK;
  }
  int64_t n = g->n_rows;
  if (centroids && centroids->n_rows == n) {
    int64_t d = centroids->n_cols;
    ev_matrix *cm = NULL;
    int64_t *count = ev__calloc((size_t)n_comp, sizeof *count);
    float *pc = ev__malloc((size_t)n_comp * (size_t)dims * sizeof *pc);
    int rc = (!count || !pc) ? ev__err(err, EV_ENOMEM, "umap: out of memory") : ev_matrix_new(n_comp, d, &cm, err);
    if (!rc) {
      double *acc = ev__calloc((size_t)n_comp * (size_t)d, sizeof *acc);
      if (!acc) {
        rc = ev__err(err, EV_ENOMEM, "umap: out of memory");
      } else {
        for (int64_t i = 0; i < n; i++) {
          const float *row = ev_matrix_row(centroids, i);
          for (int64_t t = 0; t < d; t++) acc[(size_t)label[i] * (size_t)d + (size_t)t] += row[t];
          count[label[i]]++;
        }
        for (int c = 0; c < n_comp; c++)
          for (int64_t t = 0; t < d; t++)
            ev_matrix_row(cm, c)[t] = (float)(acc[(size_t)c * (size_t)d + (size_t)t] / (double)count[c]);
        ev__free(acc);
        rc = ev__pca_coords(cm, dims, seed, nt, pc, err);
      }
    }
    if (!rc) {
      double mx = 0;
      for (int64_t t = 0; t < (int64_t)n_comp * dims; t++) mx = EV__MAX(mx, fabs((double)pc[t]));
      for (int64_t t = 0; t < (int64_t)n_comp * dims; t++) meta[t] = mx > 0 ? pc[t] / mx : 0.0;
    }
    ev__free(count);
    ev__free(pc);
    ev_matrix_free(cm);
    if (rc) return rc;
    /* distinct anchors are needed: fall back to random ones if PCA merged them */
    double mind = INFINITY;
    for (int a = 0; a < n_comp && a < 2000; a++)
      for (int b = a + 1; b < n_comp && b < 2000; b++) {
        double s = 0;
        for (int t = 0; t < dims; t++) s += (meta[a * dims + t] - meta[b * dims + t]) * (meta[a * dims + t] - meta[b * dims + t]);
        mind = EV__MIN(mind, s);
      }
    if (mind > 1e-12) return EV_OK;
  }
  ev__rng rng;
  ev__rng_seed(&rng, seed, 0x6d657461ull);
  for (int64_t t = 0; t < (int64_t)n_comp * dims; t++) meta[t] = 2.0 * ev__rng_uniform(&rng) - 1.0;
  return EV_OK;
}

int ev_umap_spectral_layout(const ev_csr *graph, const ev_matrix *centroids, const ev_umap_params *params, float *y,
                            int *n_components_out, ev_error *err) {
  ev_umap_params defaults = ev_umap_params_default();
  if (!params) params = &defaults;
  int dims = params->n_dims;
  uint64_t seed = params->seed;
  int64_t n = graph->n_rows;
  if (dims < 1) return ev__err(err, EV_EINVAL, "umap: spectral layout needs n_dims >= 1, got %d", dims);
  int nt = ev__resolve_threads(params->n_threads);
  int32_t *label = ev__malloc((size_t)(n ? n : 1) * sizeof *label);
  int64_t *local = ev__malloc((size_t)(n ? n : 1) * sizeof *local);
  double *coords = ev__malloc((size_t)(n ? n : 1) * (size_t)dims * sizeof *coords);
  double *meta = NULL, *piece = NULL;
  int64_t *size = NULL, *first = NULL;
  int32_t *members = NULL;
  component c = {0};
  int n_comp = 0, rc = EV_OK;
  if (!label || !local || !coords) goto oom;
  if (label_components(graph, label, &n_comp)) goto oom;
  if (n_components_out) *n_components_out = n_comp;
  meta = ev__malloc((size_t)n_comp * (size_t)dims * sizeof *meta);
  size = ev__calloc((size_t)n_comp + 1, sizeof *size);
  first = ev__malloc(((size_t)n_comp + 1) * sizeof *first);
  members = ev__malloc((size_t)(n ? n : 1) * sizeof *members);
  if (!meta || !size || !first || !members) goto oom;
  if (n_comp > 1 && (rc = anchors(graph, label, n_comp, dims, centroids, seed, nt, meta, err))) goto done;
  /* members of each component, in vertex order */
  for (int64_t i = 0; i < n; i++) size[label[i]]++;
  first[0] = 0;
  for (int q = 0; q < n_comp; q++) first[q + 1] = first[q] + size[q];
  for (int q = 0; q < n_comp; q++) size[q] = 0;
  for (int64_t i = 0; i < n; i++) {
    int32_t q = label[i];
    local[i] = size[q];
    members[first[q] + size[q]++] = (int32_t)i;
  }
  for (int q = 0; q < n_comp; q++) {
    int64_t cn = size[q];
    int64_t nnz = 0;
    for (int64_t u = 0; u < cn; u++) {
      int32_t i = members[first[q] + u];
      nnz += graph->row_ptr[i + 1] - graph->row_ptr[i];
    }
    c.n = cn;
    c.row_ptr = ev__malloc(((size_t)cn + 1) * sizeof *c.row_ptr);
    c.col = ev__malloc((size_t)(nnz ? nnz : 1) * sizeof *c.col);
    c.val = ev__malloc((size_t)(nnz ? nnz : 1) * sizeof *c.val);
    piece = ev__malloc((size_t)cn * (size_t)dims * sizeof *piece);
    if (!c.row_ptr || !c.col || !c.val || !piece) goto oom;
    int64_t pos = 0;
    for (int64_t u = 0; u < cn; u++) {
      int32_t i = members[first[q] + u];
      c.row_ptr[u] = pos;
      for (int64_t e = graph->row_ptr[i]; e < graph->row_ptr[i + 1]; e++) {
        c.col[pos] = (int32_t)local[graph->col[e]];
        c.val[pos++] = graph->val[e];
      }
    }
    c.row_ptr[cn] = pos;
    rc = component_layout(&c, dims, seed, 0x636f6d70ull + (uint64_t)q, nt, piece, err);
    if (rc) goto done;
    double scale = 1.0, mx = 0;
    for (int64_t t = 0; t < cn * dims; t++) mx = EV__MAX(mx, fabs(piece[t]));
    if (n_comp > 1) {
      double range = INFINITY;
      for (int o = 0; o < n_comp; o++) {
        if (o == q) continue;
        double s = 0;
        for (int t = 0; t < dims; t++) s += (meta[q * dims + t] - meta[o * dims + t]) * (meta[q * dims + t] - meta[o * dims + t]);
        if (s > 0) range = EV__MIN(range, sqrt(s) / 2);
      }
      if (!isfinite(range)) range = 1.0;
      scale = mx > 0 ? range / mx : 1.0;
    }
    for (int64_t u = 0; u < cn; u++) {
      int32_t i = members[first[q] + u];
      for (int t = 0; t < dims; t++)
        coords[(size_t)i * (size_t)dims + (size_t)t] = piece[u * dims + t] * scale + (n_comp > 1 ? meta[q * dims + t] : 0.0);
    }
    ev__free(c.row_ptr);
    ev__free(c.col);
    ev__free(c.val);
    ev__free(piece);
    c.row_ptr = NULL;
    c.col = NULL;
    c.val = NULL;
    piece = NULL;
  }
  /* umap-learn's noisy_scale_coords: max |coordinate| 10, noise sd 1e-4 */
  double mx = 0;
  for (int64_t t = 0; t < n * dims; t++) mx = EV__MAX(mx, fabs(coords[t]));
  double expand = mx > 0 ? 10.0 / mx : 1.0;
  ev__rng rng;
  ev__rng_seed(&rng, seed, 0x6e6f6973ull);
  for (int64_t t = 0; t < n * dims; t++) y[t] = (float)(coords[t] * expand + 1e-4 * ev__rng_normal(&rng));
  goto done;
oom:
  rc = ev__err(err, EV_ENOMEM, "umap: out of memory for the spectral layout of %lld points", (long long)n);
done:
  ev__free(c.row_ptr);
  ev__free(c.col);
  ev__free(c.val);
  ev__free(piece);
  ev__free(label);
  ev__free(local);
  ev__free(coords);
  ev__free(meta);
  ev__free(size);
  ev__free(first);
  ev__free(members);
  return rc;
}
