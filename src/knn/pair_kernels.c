/* pair_kernels.c — distances between two small sets of rows, for NN-descent.
 *
 * NN-descent compares each point's candidates with each other: a few dozen
 * rows, all pairs.  ev__knn_dist_block computes the |A| x |B| distances in
 * register-blocked 4 x 4 groups so that each loaded chunk of a row serves four
 * products:
 *   bytes + AVX-512 VNNI  vpdpbusd on x (u8) against y ^ 0x80 (s8), corrected
 *                         by 128 * sum(x): exact integers (rows->u8_s8 holds
 *                         the flipped copy)
 *   floats + AVX-512F     FMA on 16 floats
 *   otherwise             portable loops (exact for bytes; float in double)
 * The per-row terms (norms) turn dot products into the metric's distance
 * (ev__knn_dist).
 */
#include <string.h>

#include "knn/knn_internal.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define EV_HAVE_X86 1
#include <immintrin.h>
#endif

static int cpu_level(void) {
  static int level = -1; /* 0 portable, 1 avx512f, 2 avx512 vnni; benign race */
  if (level < 0) {
    int l = 0;
#ifdef EV_HAVE_X86
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f")) l = 1;
    if (l && __builtin_cpu_supports("avx512vnni") && __builtin_cpu_supports("avx512bw")) l = 2;
#endif
    level = l;
  }
  return level;
}

int ev__knn_pair_kernel_wants_s8(void) { return cpu_level() == 2; }

/* ---- portable ---- */

static double dot_u8_scalar(const uint8_t *x, const uint8_t *y, int64_t d) {
  int64_t s = 0;
  for (int64_t t = 0; t < d; t++) s += (int32_t)x[t] * (int32_t)y[t];
  return (double)s;
}

static double dot_f_scalar(const float *x, const float *y, int64_t d) {
  double s = 0;
  for (int64_t t = 0; t < d; t++) s += (double)x[t] * y[t];
  return s;
}

#ifdef EV_HAVE_X86
/* Sum of the 16 int32 lanes of four accumulators each, into out[0..3]. */
__attribute__((target("avx512f"))) static inline int32_t hsum_epi32(__m512i v) {
  return _mm512_reduce_add_epi32(v);
}

__attribute__((target("avx512f,avx512bw,avx512vnni"))) static void block_u8_vnni(
    const ev__knn_rows *r, const int32_t *a, int na, const int32_t *b, int nb, double *g, int ldg) {
  int64_t dp = r->dp, chunks = dp / 64;
  for (int i0 = 0; i0 < na; i0 += 4) {
    int mi = na - i0 < 4 ? na - i0 : 4;
    const uint8_t *x[4];
    for (int u = 0; u < 4; u++) x[u] = r->u8 + (size_t)a[i0 + (u < mi ? u : 0)] * (size_t)dp;
    for (int j0 = 0; j0 < nb; j0 += 4) {
      int mj = nb - j0 < 4 ? nb - j0 : 4;
      const int8_t *y[4];
      for (int v = 0; v < 4; v++) y[v] = r->u8_s8 + (size_t)b[j0 + (v < mj ? v : 0)] * (size_t)dp;
      __m512i acc[4][4];
      for (int u = 0; u < 4; u++)
        for (int v = 0; v < 4; v++) acc[u][v] = _mm512_setzero_si512();
      for (int64_t c = 0; c < chunks; c++) {
        __m512i xv[4], yv[4];
        for (int u = 0; u < 4; u++) xv[u] = _mm512_loadu_si512((const void *)(x[u] + 64 * c));
        for (int v = 0; v < 4; v++) yv[v] = _mm512_loadu_si512((const void *)(y[v] + 64 * c));
        for (int u = 0; u < 4; u++)
          for (int v = 0; v < 4; v++) acc[u][v] = _mm512_dpbusd_epi32(acc[u][v], xv[u], yv[v]);
      }
      for (int u = 0; u < mi; u++) {
        int64_t corr = 128 * (int64_t)r->u8_sum[a[i0 + u]];
        for (int v = 0; v < mj; v++)
          g[(size_t)(i0 + u) * (size_t)ldg + (size_t)(j0 + v)] = (double)(hsum_epi32(acc[u][v]) + corr);
      }
    }
  }
}

__attribute__((target("avx512f"))) static void block_f_avx512(const ev__knn_rows *r, const int32_t *a,
                                                               int na, const int32_t *b, int nb,
                                                               double *g, int ldg) {
  int64_t d = r->d, d16 = d / 16 * 16;
  for (int i0 = 0; i0 < na; i0 += 4) {
    int mi = na - i0 < 4 ? na - i0 : 4;
    const float *x[4];
    for (int u = 0; u < 4; u++) x[u] = r->f + (size_t)a[i0 + (u < mi ? u : 0)] * (size_t)r->fs;
    for (int j0 = 0; j0 < nb; j0 += 4) {
      int mj = nb - j0 < 4 ? nb - j0 : 4;
      const float *y[4];
      for (int v = 0; v < 4; v++) y[v] = r->f + (size_t)b[j0 + (v < mj ? v : 0)] * (size_t)r->fs;
      __m512 acc[4][4];
      for (int u = 0; u < 4; u++)
        for (int v = 0; v < 4; v++) acc[u][v] = _mm512_setzero_ps();
      for (int64_t t = 0; t < d16; t += 16) {
        __m512 xv[4], yv[4];
        for (int u = 0; u < 4; u++) xv[u] = _mm512_loadu_ps(x[u] + t);
        for (int v = 0; v < 4; v++) yv[v] = _mm512_loadu_ps(y[v] + t);
        for (int u = 0; u < 4; u++)
          for (int v = 0; v < 4; v++) acc[u][v] = _mm512_fmadd_ps(xv[u], yv[v], acc[u][v]);
      }
      for (int u = 0; u < mi; u++)
        for (int v = 0; v < mj; v++) {
          double s = _mm512_reduce_add_ps(acc[u][v]);
          for (int64_t t = d16; t < d; t++) s += (double)x[u][t] * y[v][t];
          g[(size_t)(i0 + u) * (size_t)ldg + (size_t)(j0 + v)] = s;
        }
    }
  }
}
#endif

void ev__knn_dot_block(const ev__knn_rows *r, const int32_t *a, int na, const int32_t *b, int nb,
                       double *g) {
  int level = cpu_level();
#ifdef EV_HAVE_X86
  if (r->is_u8 && level == 2 && r->u8_s8) {
    block_u8_vnni(r, a, na, b, nb, g, nb);
  } else if (!r->is_u8 && level >= 1) {
    block_f_avx512(r, a, na, b, nb, g, nb);
  } else
#endif
  {
    (void)level;
    for (int i = 0; i < na; i++)
      for (int j = 0; j < nb; j++)
        g[(size_t)i * (size_t)nb + (size_t)j] =
            r->is_u8 ? dot_u8_scalar(r->u8 + (size_t)a[i] * (size_t)r->dp, r->u8 + (size_t)b[j] * (size_t)r->dp, r->dp)
                     : dot_f_scalar(r->f + (size_t)a[i] * (size_t)r->fs, r->f + (size_t)b[j] * (size_t)r->fs, r->d);
  }
}

void ev__knn_dist_block(const ev__knn_rows *r, const int32_t *a, int na, const int32_t *b, int nb,
                        double *g, float *out) {
  ev__knn_dot_block(r, a, na, b, nb, g);
  for (int i = 0; i < na; i++)
    for (int j = 0; j < nb; j++)
      out[(size_t)i * (size_t)nb + (size_t)j] = ev__knn_dist(r, a[i], r, b[j], g[(size_t)i * (size_t)nb + (size_t)j]);
}
