/* tsne_fft.c — t-SNE repulsion by FFT-accelerated interpolation
 * (Linderman, Rachh, Hoskins, Steinerberger & Kluger, Nature Methods 2019).
 *
 * How it works.  The bounding cube of all points is cut into nb boxes per
 * dimension; each box holds P = 3 equispaced interpolation nodes per
 * dimension, so all nodes form one equispaced grid of m = nb * P per
 * dimension.  Each source spreads its charges onto the P^dims nodes of its
 * box with Lagrange weights; the node potentials are the discrete
 * convolution of node charges with the kernel sampled at node offsets,
 * computed by FFT on a zero-padded (2m)^dims grid (FFTW, single precision);
 * each target gathers its potentials back with the same weights.
 *
 * One charge suffices.  Since grad K_Z(r) = -2 r K_F(r) for every dof, the
 * repulsion sum_j K_F(t - s_j) (t - s_j) is the convolution of the unit
 * charges with the vector kernel G(r) = r K_F(r), one component per axis.
 * So a call takes one forward transform (the charges), dims inverse ones
 * (the components of G), and Z = sum_a W[a] (K_Z * W)[a] straight from the
 * charges' spectrum by Parseval, without an inverse transform (with one when
 * per-target z are asked for).  FIt-SNE's formulation (charges 1, y, |y|^2
 * against K_F) takes 4 forward and 4 inverse transforms in 2-D; this takes
 * 1 and 2, measured 2x faster per iteration.
 *
 * Grid: box width h = 1 (FIt-SNE's one interval per unit of length), with at
 * least MIN_BOXES boxes (then h = range / MIN_BOXES, rounded down to a
 * quarter-octave so the kernel spectra can be reused while the embedding
 * grows); nb rounded up to an FFT-friendly size.  The kernel spectra are
 * recomputed only when (nb, h) changes.
 *
 * Accuracy: the interpolation error falls with the cube of the node spacing.
 * At a t-SNE layout of 2,000 MNIST digits the repulsive forces are within
 * 4.6e-2 (relative, 2-D) of the exact ones with h = 1, 2.6e-2 with h = 0.8
 * and 1.5e-2 with h = 0.65; the KL divergence within 1e-3.  (The 3-charge
 * formulation gave 3.2e-2 at h = 1, 3.7e-3 at 0.5, 4.6e-4 at 0.25.)  The box
 * width adapts to the number of points (ev__fft_grid_set_points).
 *
 * Determinism: sources are bucketed by box (a stable counting sort), and
 * each box's nodes belong to that box alone, so spreading runs in parallel
 * over boxes with a fixed order inside each; FFTW_ESTIMATE plans are
 * deterministic; gathering is per target.
 */
#include <fftw3.h>
#include <math.h>
#include <pthread.h>
#include <string.h>

#include "core/parallel.h"
#include "embed/tsne_internal.h"

#define P 3
#define MAX_OUT 4  /* potentials: K_Z * W, G_0 * W, G_1 * W, G_2 * W */

/* FFTW's planner (plan creation and destruction) shares global state and is
 * not thread-safe; two maps computed at once (the server's job runners, a
 * program's own threads) planned together and freed the same memory twice.
 * Executing plans is thread-safe and stays outside the lock. */
static pthread_mutex_t planner_lock = PTHREAD_MUTEX_INITIALIZER;

struct ev__fft_grid {
  int dims;
  double dof;
  double h0;                 /* box width once the map is wide (set per point count) */
  /* geometry of the current grid */
  int nb, m, fft_n;
  double h, lo;
  size_t n_real, n_cplx, n_nodes;
  /* buffers (fftwf_malloc) */
  float *real[MAX_OUT];
  fftwf_complex *spec[MAX_OUT];
  fftwf_complex *kspec[MAX_OUT]; /* spectra of K_Z, G_0, G_1, G_2 */
  float **pot;               /* per output: n_nodes values (aliases into real[]) */
  fftwf_plan fwd, inv;
  int plan_fft_n;
  double kernel_h;
  int kernel_fft_n;
  /* bucketing */
  int64_t *box_start;
  int64_t *order;
  int64_t order_cap;
};

static int min_boxes(int dims) { return dims == 2 ? 50 : dims == 3 ? 12 : 64; }
static int max_boxes(int dims) { return dims == 2 ? 1000 : dims == 3 ? 40 : 100000; }

int ev__fft_grid_boxes(const ev__fft_grid *g) { return g->nb; }

/* Box width for n points.  FIt-SNE's one box per unit length suits maps of
 * up to ~25,000 points; with more points the neighbourhoods on the map get
 * smaller, and so must the boxes: h = sqrt(25,000 / N), between 0.6 and 1.
 * Measured on Fashion-MNIST-70k: 10-NN recall 0.321 with h = 1, 0.325 with
 * 0.8, 0.327 with 0.65 (optimisation 16.6 s, 21.6 s, 21.0 s); on MNIST-10k
 * h = 1 keeps the same quality (0.437) at 5.5 s against 8.6 s for h = 0.8. */
void ev__fft_grid_set_points(ev__fft_grid *g, int64_t n) {
  double h = sqrt(25000.0 / (double)(n > 0 ? n : 1));
  g->h0 = h > 1.0 ? 1.0 : h < 0.6 ? 0.6 : h;
}

int ev__fft_grid_new(int dims, double dof, ev__fft_grid **out, ev_error *err) {
  *out = NULL;
  if (dims < 1 || dims > 3) return ev__err(err, EV_EINVAL, "tsne: FFT gradient supports 1 to 3 dims, got %d", dims);
  ev__fft_grid *g = ev__calloc(1, sizeof *g);
  if (!g) return ev__err(err, EV_ENOMEM, "tsne: out of memory");
  g->dims = dims;
  g->dof = dof;
  g->h0 = 1.0;
  *out = g;
  return EV_OK;
}

static void free_buffers(ev__fft_grid *g) {
  for (int o = 0; o < MAX_OUT; o++) {
    if (g->real[o]) fftwf_free(g->real[o]);
    if (g->spec[o]) fftwf_free(g->spec[o]);
    g->real[o] = NULL;
    g->spec[o] = NULL;
  }
  for (int k = 0; k < MAX_OUT; k++) {
    if (g->kspec[k]) fftwf_free(g->kspec[k]);
    g->kspec[k] = NULL;
  }
  pthread_mutex_lock(&planner_lock);
  if (g->fwd) fftwf_destroy_plan(g->fwd);
  if (g->inv) fftwf_destroy_plan(g->inv);
  pthread_mutex_unlock(&planner_lock);
  g->fwd = g->inv = NULL;
  g->plan_fft_n = 0;
  g->kernel_fft_n = 0;
}

void ev__fft_grid_free(ev__fft_grid *g) {
  if (!g) return;
  free_buffers(g);
  ev__free(g->pot);
  ev__free(g->box_start);
  ev__free(g->order);
  ev__free(g);
}

/* Smallest even n >= want whose prime factors are 2, 3 and 5 (FFTW's
 * fastest sizes; 7s and odd sizes measured slower). */
static int smooth_size(int want) {
  for (int n = want + (want & 1);; n += 2) {
    int r = n;
    for (int f = 2; f <= 5; f++)
      while (r % f == 0) r /= f;
    if (r == 1) return n;
  }
}

/* Lagrange weights of the P box-local nodes (l + 0.5) / P at t in [0, 1]. */
static inline void lagrange(double t, double *w) {
  static const double s[P] = {1.0 / 6, 0.5, 5.0 / 6};
  /* denominators prod_{l' != l} (s_l - s_l') for P = 3, spacing 1/3 */
  static const double den[P] = {2.0 / 9, -1.0 / 9, 2.0 / 9};
  w[0] = (t - s[1]) * (t - s[2]) / den[0];
  w[1] = (t - s[0]) * (t - s[2]) / den[1];
  w[2] = (t - s[0]) * (t - s[1]) / den[2];
}

static inline double kernel_z(double r2, double dof) {
  return dof == 1.0 ? 1.0 / (1.0 + r2) : pow(1.0 + r2 / dof, -dof);
}
static inline double kernel_f(double r2, double dof) {
  if (dof == 1.0) {
    double u = 1.0 / (1.0 + r2);
    return u * u;
  }
  return pow(1.0 + r2 / dof, -(dof + 1));
}

/* Set up the grid for the given bounds; (re)plan and (re)compute kernels when needed. */
static int prepare(ev__fft_grid *g, double lo, double hi, ev_error *err) {
  int dims = g->dims;
  double range = hi - lo;
  if (!(range > 1e-6)) range = 1e-6;
  int nmin = min_boxes(dims), nmax = max_boxes(dims);
  double h = g->h0;
  if (range / h < nmin) {
    /* quarter-octave steps, rounded down so that nb >= nmin */
    double e = floor(4.0 * log2(range / nmin)) / 4.0;
    h = exp2(e);
  }
  int nb = (int)ceil(range / h * (1 + 1e-9));
  if (nb > nmax) { /* very spread 3-D layouts: coarser boxes rather than a huge grid */
    nb = nmax;
    h = range / nb * (1 + 1e-9);
  }
  if (nb < 1) nb = 1;
  /* Grow the grid in steps of about 12%, never shrink it below the last size
   * while it still fits: the grid may extend past the points, and the kernel
   * spectra (and FFT plans) then stay valid for many iterations. */
  if (g->nb >= nb && g->nb <= nb + nb / 4 + 2 && g->h == h) {
    nb = g->nb;
  } else if (nb > nmin) {
    int step = nmin;
    while (step < nb) step = step + (step + 7) / 8;
    nb = step < nmax ? step : nmax;
  }
  int fft_n = smooth_size(2 * P * nb);
  int m = P * nb;
  g->nb = nb;
  g->m = m;
  g->h = h;
  g->lo = lo;
  g->fft_n = fft_n;
  size_t n_real = 1, n_nodes = 1;
  for (int d = 0; d < dims; d++) {
    n_real *= (size_t)fft_n;
    n_nodes *= (size_t)m;
  }
  size_t n_cplx = n_real / (size_t)fft_n * (size_t)(fft_n / 2 + 1);
  if (fft_n != g->plan_fft_n) {
    free_buffers(g);
    g->n_real = n_real;
    g->n_cplx = n_cplx;
    for (int o = 0; o < 1 + dims; o++) {
      g->real[o] = fftwf_malloc(n_real * sizeof(float));
      g->spec[o] = fftwf_malloc(n_cplx * sizeof(fftwf_complex));
      g->kspec[o] = fftwf_malloc(n_cplx * sizeof(fftwf_complex));
      if (!g->real[o] || !g->spec[o] || !g->kspec[o]) goto oom;
    }
    int n_arr[3] = {fft_n, fft_n, fft_n};
    /* planned here, in the calling thread (not in a parallel region), under the process-wide lock */
    pthread_mutex_lock(&planner_lock);
    g->fwd = fftwf_plan_dft_r2c(dims, n_arr, g->real[0], g->spec[0], FFTW_ESTIMATE | FFTW_DESTROY_INPUT);
    g->inv = fftwf_plan_dft_c2r(dims, n_arr, g->spec[0], g->real[0], FFTW_ESTIMATE);
    pthread_mutex_unlock(&planner_lock);
    if (!g->fwd || !g->inv) goto oom;
    g->plan_fft_n = fft_n;
  }
  g->n_nodes = n_nodes;
  if (g->kernel_fft_n != fft_n || g->kernel_h != h) {
    /* kernels sampled at node offsets, circulant embedding in fft_n^dims:
     * K_Z, then G_d(r) = r_d K_F(r) for each axis (odd, so their spectra
     * are imaginary) */
    double step = h / P;
    for (int k = 0; k < 1 + dims; k++) {
      float *kr = g->real[0];
      for (size_t idx = 0; idx < n_real; idx++) {
        size_t rest = idx;
        double r2 = 0, comp = 0;
        int unused = 0;
        for (int d = 0; d < dims; d++) {
          int i = (int)(rest % (size_t)fft_n);
          rest /= (size_t)fft_n;
          int off = i < m ? i : (i > fft_n - m ? i - fft_n : 0);
          if (i >= m && i <= fft_n - m) unused = 1;
          r2 += (off * step) * (off * step);
          if (d == k - 1) comp = off * step;
        }
        kr[idx] = unused ? 0.0f : (float)(k == 0 ? kernel_z(r2, g->dof) : comp * kernel_f(r2, g->dof));
      }
      fftwf_execute_dft_r2c(g->fwd, kr, g->kspec[k]);
    }
    g->kernel_fft_n = fft_n;
    g->kernel_h = h;
  }
  return EV_OK;
oom:
  free_buffers(g);
  return ev__err(err, EV_ENOMEM, "tsne: out of memory for a %d^%d FFT grid", fft_n, dims);
}

int ev__fft_repulsion(ev__fft_grid *g, const float *src, int64_t n_src, const float *tgt,
                      int64_t n_tgt, int n_threads, double *z, double *z_total, double *rep,
                      ev_error *err) {
  int dims = g->dims;
  int nt = ev__resolve_threads(n_threads);
  (void)nt;
  double lo = INFINITY, hi = -INFINITY;
  for (int64_t i = 0; i < n_src * dims; i++) {
    lo = src[i] < lo ? src[i] : lo;
    hi = src[i] > hi ? src[i] : hi;
  }
  for (int64_t i = 0; i < n_tgt * dims; i++) {
    lo = tgt[i] < lo ? tgt[i] : lo;
    hi = tgt[i] > hi ? tgt[i] : hi;
  }
  int rc = prepare(g, lo, hi, err);
  if (rc) return rc;
  int nb = g->nb, m = g->m, fft_n = g->fft_n;
  size_t n_boxes = 1;
  for (int d = 0; d < dims; d++) n_boxes *= (size_t)nb;
  /* bucket sources by box (stable counting sort) */
  ev__free(g->box_start);
  g->box_start = ev__calloc(n_boxes + 1, sizeof *g->box_start);
  if (g->order_cap < n_src) {
    ev__free(g->order);
    g->order = ev__malloc((size_t)(n_src ? n_src : 1) * sizeof *g->order);
    g->order_cap = g->order ? n_src : 0;
  }
  if (!g->box_start || !g->order) return ev__err(err, EV_ENOMEM, "tsne: out of memory bucketing points");
  int64_t *box_of = ev__malloc((size_t)(n_src ? n_src : 1) * sizeof *box_of);
  if (!box_of) return ev__err(err, EV_ENOMEM, "tsne: out of memory bucketing points");
  double inv_h = 1.0 / g->h;
  for (int64_t i = 0; i < n_src; i++) {
    int64_t b = 0;
    for (int d = dims - 1; d >= 0; d--) {
      int bi = (int)((src[i * dims + d] - lo) * inv_h);
      bi = bi < 0 ? 0 : bi >= nb ? nb - 1 : bi;
      b = b * nb + bi;
    }
    box_of[i] = b;
    g->box_start[b + 1]++;
  }
  for (size_t b = 0; b < n_boxes; b++) g->box_start[b + 1] += g->box_start[b];
  {
    int64_t *fill = ev__malloc(n_boxes * sizeof *fill);
    if (!fill) {
      ev__free(box_of);
      return ev__err(err, EV_ENOMEM, "tsne: out of memory bucketing points");
    }
    memcpy(fill, g->box_start, n_boxes * sizeof *fill);
    for (int64_t i = 0; i < n_src; i++) g->order[fill[box_of[i]]++] = i;
    ev__free(fill);
  }
  ev__free(box_of);
  /* spread the unit charges into real[0] */
  memset(g->real[0], 0, g->n_real * sizeof(float));
  int pp = dims == 1 ? P : dims == 2 ? P * P : P * P * P;
#pragma omp parallel for schedule(dynamic, 16) num_threads(nt)
  for (int64_t b = 0; b < (int64_t)n_boxes; b++) {
    int bi[3] = {0, 0, 0};
    int64_t rest = b;
    for (int d = 0; d < dims; d++) {
      bi[d] = (int)(rest % nb);
      rest /= nb;
    }
    for (int64_t e = g->box_start[b]; e < g->box_start[b + 1]; e++) {
      int64_t i = g->order[e];
      double w[3][P];
      for (int d = 0; d < dims; d++) lagrange((src[i * dims + d] - lo) * inv_h - bi[d], w[d]);
      for (int q = 0; q < pp; q++) {
        int l[3] = {q % P, (q / P) % P, q / (P * P)};
        double wt = 1;
        size_t idx = 0, stride = 1;
        for (int d = 0; d < dims; d++) {
          wt *= w[d][l[d]];
          idx += (size_t)(bi[d] * P + l[d]) * stride;
          stride *= (size_t)fft_n;
        }
        g->real[0][idx] += (float)wt;
      }
    }
  }
  /* forward transform of the charges */
  fftwf_execute_dft_r2c(g->fwd, g->real[0], g->spec[0]);
  /* outputs: 0 = K_Z * W (only for per-target z), 1 + d = G_d * W */
  int n_out = 1 + dims;
  int first_out = z ? 0 : 1;
  double scale = 1.0 / (double)g->n_real;
  if (!z) { /* Parseval: sum_a W[a] (K_Z * W)[a] */
    const fftwf_complex *a = g->spec[0];
    const fftwf_complex *k = g->kspec[0];
    size_t half = (size_t)(fft_n / 2 + 1);
    double total = 0;
    for (size_t t = 0; t < g->n_cplx; t++) {
      size_t k0 = t % half;
      double wgt = (k0 == 0 || k0 == half - 1) ? 1.0 : 2.0;
      total += wgt * ((double)a[t][0] * a[t][0] + (double)a[t][1] * a[t][1]) * k[t][0];
    }
    *z_total = total * scale;
  }
  /* multiply into spec[o] from the top down: spec[0] (the charges) is read by
   * every output and overwritten last */
  for (int o = n_out - 1; o >= first_out; o--) {
    const fftwf_complex *a = g->spec[0];
    const fftwf_complex *k = g->kspec[o];
    fftwf_complex *dst = g->spec[o];
#pragma omp parallel for schedule(static) num_threads(nt)
    for (size_t t = 0; t < g->n_cplx; t++) {
      float re = a[t][0] * k[t][0] - a[t][1] * k[t][1];
      float im = a[t][0] * k[t][1] + a[t][1] * k[t][0];
      dst[t][0] = re;
      dst[t][1] = im;
    }
  }
#pragma omp parallel for schedule(dynamic, 1) num_threads(nt)
  for (int o = first_out; o < n_out; o++) fftwf_execute_dft_c2r(g->inv, g->spec[o], g->real[o]);
  /* gather at the targets */
#pragma omp parallel for schedule(static) num_threads(nt)
  for (int64_t i = 0; i < n_tgt; i++) {
    int bi[3] = {0, 0, 0};
    double w[3][P];
    for (int d = 0; d < dims; d++) {
      double u = (tgt[i * dims + d] - lo) * inv_h;
      int b = (int)u;
      b = b < 0 ? 0 : b >= nb ? nb - 1 : b;
      bi[d] = b;
      lagrange(u - b, w[d]);
    }
    double acc[MAX_OUT] = {0, 0, 0, 0};
    for (int q = 0; q < pp; q++) {
      int l[3] = {q % P, (q / P) % P, q / (P * P)};
      double wt = 1;
      size_t idx = 0, stride = 1;
      for (int d = 0; d < dims; d++) {
        wt *= w[d][l[d]];
        idx += (size_t)(bi[d] * P + l[d]) * stride;
        stride *= (size_t)fft_n;
      }
      for (int o = first_out; o < n_out; o++) acc[o] += wt * g->real[o][idx];
    }
    if (z) z[i] = acc[0] * scale;
    for (int d = 0; d < dims; d++) rep[i * dims + d] = acc[1 + d] * scale;
  }
  (void)m;
  return EV_OK;
}
