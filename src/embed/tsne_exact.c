/* tsne_exact.c — the exact t-SNE gradient, O(N^2), in double: the oracle for
 * the FFT gradient and the method for small N.
 *
 * With u = 1 + d^2 / dof, w = u^-dof and Z = sum over i != j of w_ij:
 *   attraction_i = exaggeration * sum_j p_ij u_ij^-1 (y_i - y_j)
 *   repulsion_i  = (1 / Z) sum_j u_ij^-(dof + 1) (y_i - y_j)
 *   gradient_i   = attraction_i - repulsion_i        (the textbook gradient / 4)
 *   KL           = sum p_ij log(p_ij Z / w_ij)        (unexaggerated P)
 */
#include <math.h>
#include <string.h>

#include "core/internal.h"
#include "core/parallel.h"
#include "embview/tsne.h"

/* Row i's repulsion and its part of Z for dof 1 (w = 1 / u), with no pow()
 * and no branch: j == i adds 1 to z and nothing to r, so it is taken out
 * after the loop.  Inlined with dims a constant. */
static inline double repulsion_dof1(const float *y, int64_t n, int dims, int64_t i, double r[3]) {
  double yi[3] = {0, 0, 0}, z = 0;
  for (int c = 0; c < dims; c++) yi[c] = y[i * dims + c];
  for (int64_t j = 0; j < n; j++) {
    double diff[3], d2 = 0;
    for (int c = 0; c < dims; c++) {
      diff[c] = yi[c] - y[j * dims + c];
      d2 += diff[c] * diff[c];
    }
    double w = 1 / (1 + d2);
    z += w;
    for (int c = 0; c < dims; c++) r[c] += w * w * diff[c];
  }
  return z - 1;
}

int ev__tsne_gradient_exact(const ev_csr *p, const float *y, int64_t n, int dims, double dof,
                            double exaggeration, float *grad, double *kl, ev_error *err) {
  if (dims < 1 || dims > 3) return ev__err(err, EV_EINVAL, "tsne: dims must be 1..3, got %d", dims);
  double *rep = ev__calloc((size_t)n * (size_t)dims, sizeof *rep);
  double *zrow = ev__calloc((size_t)n, sizeof *zrow);
  if (!rep || !zrow) {
    ev__free(rep);
    ev__free(zrow);
    return ev__err(err, EV_ENOMEM, "tsne: out of memory for the exact gradient");
  }
#pragma omp parallel for schedule(dynamic, 16)
  for (int64_t i = 0; i < n; i++) {
    double z = 0, r[3] = {0, 0, 0};
    if (dof == 1 && dims >= 2) { /* the usual kernel */
      zrow[i] = dims == 2 ? repulsion_dof1(y, n, 2, i, r) : repulsion_dof1(y, n, 3, i, r);
      for (int c = 0; c < dims; c++) rep[i * dims + c] = r[c];
      continue;
    }
    for (int64_t j = 0; j < n; j++) {
      if (j == i) continue;
      double diff[3], d2 = 0;
      for (int c = 0; c < dims; c++) {
        diff[c] = (double)y[i * dims + c] - y[j * dims + c];
        d2 += diff[c] * diff[c];
      }
      double u = 1 + d2 / dof, w, kf;
      if (dof == 1) { /* the usual kernel, without pow(): 40 times faster */
        w = 1 / u;
        kf = w * w;
      } else {
        w = pow(u, -dof);
        kf = w / u;
      }
      z += w;
      for (int c = 0; c < dims; c++) r[c] += kf * diff[c];
    }
    zrow[i] = z;
    for (int c = 0; c < dims; c++) rep[i * dims + c] = r[c];
  }
  double z = 0;
  for (int64_t i = 0; i < n; i++) z += zrow[i];
  double kl_sum = 0;
  for (int64_t i = 0; i < n; i++) {
    double a[3] = {0, 0, 0};
    for (int64_t e = p->row_ptr[i]; e < p->row_ptr[i + 1]; e++) {
      int64_t j = p->col[e];
      double diff[3], d2 = 0;
      for (int c = 0; c < dims; c++) {
        diff[c] = (double)y[i * dims + c] - y[j * dims + c];
        d2 += diff[c] * diff[c];
      }
      double u = 1 + d2 / dof;
      double pij = p->val[e];
      for (int c = 0; c < dims; c++) a[c] += exaggeration * pij / u * diff[c];
      if (pij > 0) kl_sum += pij * log(pij * z / pow(u, -dof));
    }
    for (int c = 0; c < dims; c++) grad[i * dims + c] = (float)(a[c] - rep[i * dims + c] / z);
  }
  if (kl) *kl = kl_sum;
  ev__free(rep);
  ev__free(zrow);
  return EV_OK;
}
