/* tsne_internal.h — pieces of the t-SNE engine shared by its files.  Internal. */
#ifndef EV_EMBED_TSNE_INTERNAL_H
#define EV_EMBED_TSNE_INTERNAL_H

#include <stdint.h>

#include "core/internal.h"
#include "embview/tsne.h"

/* KL divergence and gradient (what the optimiser steps on, and the tests
 * compare): grad (N x dims) receives dKL/dy without the factor 4, with P
 * scaled by `exaggeration`.  Exactly, O(N^2): */
int ev__tsne_gradient_exact(const ev_csr *p, const float *y, int64_t n, int dims, double dof,
                            double exaggeration, float *grad, double *kl, ev_error *err);
/* The same by Barnes-Hut (theta as given). */
int ev__tsne_gradient_bh(const ev_csr *p, const float *y, int64_t n, int dims, double dof,
                         double exaggeration, double theta, int n_threads, float *grad, double *kl,
                         ev_error *err);
/* The same by FFT interpolation. */
int ev__tsne_gradient_fft(const ev_csr *p, const float *y, int64_t n, int dims, double dof,
                          double exaggeration, int n_threads, float *grad, double *kl, ev_error *err);

/* FFT-interpolation context: grid geometry, FFTW plans and the kernels'
 * spectra, kept between iterations (rebuilt only when the grid changes). */
typedef struct ev__fft_grid ev__fft_grid;

int ev__fft_grid_new(int dims, double dof, ev__fft_grid **out, ev_error *err);
void ev__fft_grid_free(ev__fft_grid *g);

/* For every target t_i: z[i] = sum_j K_Z(t_i - s_j) and
 * rep[i] = sum_j K_F(t_i - s_j) (t_i - s_j), over all sources s_j (a point
 * that is both source and target contributes K_Z(0) = 1 to its own z), with
 * K_Z = (1 + r^2/dof)^-dof and K_F = (1 + r^2/dof)^-(dof+1).  Coordinates
 * are row-major (n x dims).  With z == NULL (only when the targets are the
 * sources), *z_total receives sum_i z[i] instead, computed more cheaply.
 * Deterministic for any thread count. */
int ev__fft_repulsion(ev__fft_grid *g, const float *src, int64_t n_src, const float *tgt,
                      int64_t n_tgt, int n_threads, double *z, double *z_total, double *rep,
                      ev_error *err);

/* Barnes-Hut over the sources y (n points): for every target t_i,
 * z[i] = sum_j K_Z(t_i - y_j) and rep[i] = sum_j K_F (t_i - y_j), cells of
 * size / distance < theta taken as one point.  tgt == NULL means the targets
 * are the sources, each skipping itself.  z and z_total (their sum) may be NULL. */
int ev__bh_repulsion(const float *y, int64_t n, const float *tgt, int64_t n_tgt, int dims, double dof,
                     double theta, int n_threads, double *z, double *z_total, double *rep, ev_error *err);

/* Gaussian conditional affinities of one point: p (k values, summing to 1)
 * from ascending squared distances, precision by bisection to entropy
 * target_h (nats).  Returns the precision and the entropy reached. */
void ev__tsne_calibrate(const double *dsq, int k, double target_h, double *p, double *beta_out,
                        double *h_out);

/* Adapt the box width to the number of points (call before the first use). */
void ev__fft_grid_set_points(ev__fft_grid *g, int64_t n);

/* Grid size the last call used (boxes per dimension), for tests and tuning. */
int ev__fft_grid_boxes(const ev__fft_grid *g);

#endif
