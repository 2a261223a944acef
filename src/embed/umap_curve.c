/* umap_curve.c — UMAP's output curve 1 / (1 + a d^(2b)) fitted to min_dist
 * and spread, as umap-learn's find_ab_params does with scipy's curve_fit:
 * least squares on 300 points of [0, 3 spread] from a = b = 1, here by
 * Levenberg-Marquardt in double precision. */
#include <math.h>

#include "core/internal.h"
#include "embview/umap.h"

#define CURVE_POINTS 300

static double sq_error(const double *xv, const double *yv, double a, double b) {
  double s = 0;
  for (int i = 0; i < CURVE_POINTS; i++) {
    double f = 1.0 / (1.0 + a * pow(xv[i], 2 * b));
    s += (f - yv[i]) * (f - yv[i]);
  }
  return s;
}

int ev_umap_find_ab(double spread, double min_dist, double *a_out, double *b_out, ev_error *err) {
  if (!(spread > 0) || !(spread < 1e6))
    return ev__err(err, EV_EINVAL, "umap: spread must be positive, got %g", spread);
  if (!(min_dist >= 0) || min_dist > spread)
    return ev__err(err, EV_EINVAL, "umap: min_dist must be in 0..spread (%g), got %g", spread, min_dist);
  double xv[CURVE_POINTS], yv[CURVE_POINTS];
  for (int i = 0; i < CURVE_POINTS; i++) {
    xv[i] = 3.0 * spread * i / (CURVE_POINTS - 1);
    yv[i] = xv[i] < min_dist ? 1.0 : exp(-(xv[i] - min_dist) / spread);
  }
  double a = 1, b = 1, lambda = 1e-3;
  double cost = sq_error(xv, yv, a, b);
  for (int it = 0; it < 500; it++) {
    /* normal equations J^T J and J^T r */
    double jaa = 0, jab = 0, jbb = 0, ga = 0, gb = 0;
    for (int i = 0; i < CURVE_POINTS; i++) {
      if (xv[i] <= 0) continue; /* f = 1 there whatever a, b */
      double p = pow(xv[i], 2 * b), den = 1.0 + a * p;
      double f = 1.0 / den, r = f - yv[i];
      double da = -p / (den * den), db = -a * p * 2.0 * log(xv[i]) / (den * den);
      jaa += da * da;
      jab += da * db;
      jbb += db * db;
      ga += da * r;
      gb += db * r;
    }
    int improved = 0;
    for (int tries = 0; tries < 50 && !improved; tries++) {
      double m00 = jaa * (1 + lambda), m11 = jbb * (1 + lambda), det = m00 * m11 - jab * jab;
      if (!(fabs(det) > 0)) {
        lambda *= 10;
        continue;
      }
      double sa = -(m11 * ga - jab * gb) / det, sb = -(m00 * gb - jab * ga) / det;
      double na = a + sa, nb = b + sb;
      double c = (na > 0 && nb > 0) ? sq_error(xv, yv, na, nb) : INFINITY;
      if (c < cost) {
        double rel = fabs(sa) / (fabs(a) + 1e-12) + fabs(sb) / (fabs(b) + 1e-12);
        a = na;
        b = nb;
        double drop = cost - c;
        cost = c;
        lambda = EV__MAX(lambda / 10, 1e-12);
        improved = 1;
        if (rel < 1e-12 || drop < 1e-16 * (cost + 1e-300)) it = 500;
      } else {
        lambda *= 10;
      }
    }
    if (!improved) break;
  }
  if (!(a > 0 && b > 0 && isfinite(a) && isfinite(b)))
    return ev__err(err, EV_EINVAL, "umap: the curve fit for min_dist %g, spread %g did not converge", min_dist,
                   spread);
  *a_out = a;
  *b_out = b;
  return EV_OK;
}
