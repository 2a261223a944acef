/* dot_u8.c — exact integer dot products of byte rows, for image-like data.
 *
 * MNIST-like inputs are bytes.  Their dot products are integers that fit in
 * int32 (255 * 255 * D < 2^31 for D < 33,000), so computing them in integer
 * arithmetic is exact — no rounding, so ties and orderings are the true ones —
 * and faster than float: AVX-512 VNNI's vpdpbusd does 64 byte
 * multiply-adds per instruction against 16 for a float FMA.
 *
 * vpdpbusd multiplies unsigned by signed bytes, so the B side is stored as
 * (y - 128) and the result corrected: <x, y> = <x, y - 128> + 128 * sum(x).
 * The rows are packed once (ev__dot_u8_prepare) into panels of 32 rows in
 * which one 64-byte vector holds 4 consecutive bytes of 16 rows.  The
 * micro-kernel multiplies 8 rows of A by a 32-row panel into 16 zmm
 * accumulators.  Without VNNI an AVX2 (vpmaddwd on widened bytes) or a
 * portable loop is used; all three give identical integers.
 */
#include <string.h>

#include "knn/knn_internal.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define EV_HAVE_X86 1
#include <immintrin.h>
#endif

#define MR 8
#define NR EV__U8_PANEL

typedef enum { K_PORTABLE, K_AVX2, K_VNNI } kernel_kind;

static kernel_kind pick(void) {
#ifdef EV_HAVE_X86
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512vnni") && __builtin_cpu_supports("avx512bw")) return K_VNNI;
  if (__builtin_cpu_supports("avx2")) return K_AVX2;
#endif
  return K_PORTABLE;
}

static kernel_kind kind(void) {
  static int chosen = -1; /* benign race: every thread computes the same value */
  if (chosen < 0) chosen = (int)pick();
  return (kernel_kind)chosen;
}

int ev__dot_u8_is_fast(void) { return kind() == K_VNNI; }

const char *ev__dot_u8_kernel_name(void) {
  static const char *names[] = {"portable", "avx2", "avx512-vnni"};
  return names[kind()];
}

static void dot_portable(const uint8_t *a, int m, const uint8_t *b, int n, int64_t dp,
                         int32_t *c, int ldc) {
  for (int i = 0; i < m; i++) {
    const uint8_t *ai = a + (size_t)i * (size_t)dp;
    for (int j = 0; j < n; j++) {
      const uint8_t *bj = b + (size_t)j * (size_t)dp;
      int32_t s = 0;
      for (int64_t k = 0; k < dp; k++) s += (int32_t)ai[k] * (int32_t)bj[k];
      c[(size_t)i * (size_t)ldc + (size_t)j] = s;
    }
  }
}

#ifdef EV_HAVE_X86
__attribute__((target("avx2"))) static void dot_avx2(const uint8_t *a, int m, const uint8_t *b,
                                                      int n, int64_t dp, int32_t *c, int ldc) {
  for (int i = 0; i < m; i++) {
    const uint8_t *ai = a + (size_t)i * (size_t)dp;
    for (int j = 0; j < n; j++) {
      const uint8_t *bj = b + (size_t)j * (size_t)dp;
      __m256i acc = _mm256_setzero_si256();
      for (int64_t k = 0; k < dp; k += 16) {
        __m256i x = _mm256_cvtepu8_epi16(_mm_loadu_si128((const __m128i *)(const void *)(ai + k)));
        __m256i y = _mm256_cvtepu8_epi16(_mm_loadu_si128((const __m128i *)(const void *)(bj + k)));
        acc = _mm256_add_epi32(acc, _mm256_madd_epi16(x, y));
      }
      __m128i s = _mm_add_epi32(_mm256_castsi256_si128(acc), _mm256_extracti128_si256(acc, 1));
      s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0x4e));
      s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0xb1));
      c[(size_t)i * (size_t)ldc + (size_t)j] = _mm_cvtsi128_si32(s);
    }
  }
}

__attribute__((target("avx512f,avx512bw,avx512vnni"))) static void dot_vnni(
    const uint8_t *a, const int32_t *a_sum, int m, const uint8_t *panels, int n, int64_t dp,
    int32_t *c, int ldc) {
  int64_t n_groups = dp / 4;
  size_t panel_bytes = (size_t)NR * (size_t)dp;
  for (int j0 = 0; j0 < n; j0 += NR) {
    const uint8_t *panel = panels + (size_t)(j0 / NR) * panel_bytes;
    int nc = n - j0 < NR ? n - j0 : NR;
    for (int i0 = 0; i0 < m; i0 += MR) {
      int nr = m - i0 < MR ? m - i0 : MR;
      const uint8_t *rows[MR];
      for (int r = 0; r < MR; r++) rows[r] = a + (size_t)(i0 + (r < nr ? r : 0)) * (size_t)dp;
      __m512i acc[MR][2];
      for (int r = 0; r < MR; r++) acc[r][0] = acc[r][1] = _mm512_setzero_si512();
      for (int64_t g = 0; g < n_groups; g++) {
        const uint8_t *pg = panel + (size_t)g * NR * 4;
        __m512i b0 = _mm512_loadu_si512((const void *)pg);
        __m512i b1 = _mm512_loadu_si512((const void *)(pg + 64));
        for (int r = 0; r < MR; r++) {
          int32_t w;
          memcpy(&w, rows[r] + 4 * g, 4);
          __m512i x = _mm512_set1_epi32(w);
          acc[r][0] = _mm512_dpbusd_epi32(acc[r][0], x, b0);
          acc[r][1] = _mm512_dpbusd_epi32(acc[r][1], x, b1);
        }
      }
      for (int r = 0; r < nr; r++) {
        int32_t out[NR];
        __m512i corr = _mm512_set1_epi32(128 * a_sum[i0 + r]);
        _mm512_storeu_si512((void *)out, _mm512_add_epi32(acc[r][0], corr));
        _mm512_storeu_si512((void *)(out + 16), _mm512_add_epi32(acc[r][1], corr));
        memcpy(c + (size_t)(i0 + r) * (size_t)ldc + j0, out, (size_t)nc * sizeof(int32_t));
      }
    }
  }
}
#endif

int ev__dot_u8_prepare(ev__knn_rows *r, ev_error *err) {
  if (kind() != K_VNNI) return EV_OK;
  int64_t n_panels = (r->n + NR - 1) / NR;
  size_t bytes;
  if (ev__mul((size_t)n_panels * NR, (size_t)r->dp, &bytes))
    return ev__err(err, EV_ERANGE, "knn: too many rows to pack");
  r->u8_packed = ev__malloc(bytes);
  if (!r->u8_packed) return ev__err(err, EV_ENOMEM, "knn: out of memory packing %lld rows", (long long)r->n);
  int64_t n_groups = r->dp / 4;
  const uint8_t *src = r->u8;
  uint8_t *dst = r->u8_packed;
  int64_t dp = r->dp, n = r->n;
#pragma omp parallel for schedule(static)
  for (int64_t p = 0; p < n_panels; p++) {
    uint8_t *panel = dst + (size_t)p * NR * (size_t)dp;
    for (int c = 0; c < NR; c++) {
      int64_t j = p * NR + c;
      const uint8_t *bj = j < n ? src + (size_t)j * (size_t)dp : NULL;
      for (int64_t g = 0; g < n_groups; g++) {
        uint8_t *o = panel + ((size_t)g * NR + (size_t)c) * 4;
        for (int t = 0; t < 4; t++) o[t] = (uint8_t)((bj ? bj[4 * g + t] : 0) ^ 0x80); /* y - 128 */
      }
    }
  }
  return EV_OK;
}

void ev__dot_u8_tile(const ev__knn_rows *a, int64_t i0, int m, const ev__knn_rows *b, int64_t j0,
                     int n, int32_t *c, int ldc) {
  const uint8_t *arows = a->u8 + (size_t)i0 * (size_t)a->dp;
#ifdef EV_HAVE_X86
  if (kind() == K_VNNI && b->u8_packed) {
    dot_vnni(arows, a->u8_sum + i0, m, b->u8_packed + (size_t)j0 * (size_t)b->dp, n, a->dp, c, ldc);
    return;
  }
  if (kind() != K_PORTABLE) {
    dot_avx2(arows, m, b->u8 + (size_t)j0 * (size_t)b->dp, n, a->dp, c, ldc);
    return;
  }
#endif
  dot_portable(arows, m, b->u8 + (size_t)j0 * (size_t)b->dp, n, a->dp, c, ldc);
}
