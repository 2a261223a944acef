/* custom.c — TensorBoard's custom projection: an axis runs from the mean of
 * the points whose metadata matches one search to the mean of those
 * matching another ("from the 4s to the 9s").  Runs on a job's thread, never
 * on an HTTP worker: the searches cost a bounded amount per value (search.h)
 * and the whole scan stops at a deadline or when the job is cancelled. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/error_body.h"
#include "server/search.h"
#include "server/server.h"

#define SEARCH_SECONDS 30.0

int sv_custom_check(const char *search, ev_error *err) {
  sv_search *s;
  int rc = sv_search_new(search, &s, err);
  sv_search_free(s);
  return rc;
}

int sv_custom_axis(const sv_dataset *d, int column, const char *from, const char *to, const volatile int *cancel,
                   double *axis, int64_t *n_from, int64_t *n_to, ev_error *err) {
  const ev_table *t = d->ds->meta;
  if (!t || column < 0 || column >= ev_table_n_cols(t))
    return sv_err(err, EV_EINVAL, "custom projection: no metadata column %d", column);
  sv_search *re[2] = {NULL, NULL};
  const char *terms[2] = {from, to};
  int64_t n = d->ds->x->n_rows, dim = d->ds->x->n_cols, count[2] = {0, 0};
  double *sum = calloc(2 * (size_t)dim, sizeof *sum);
  int rc = sum ? EV_OK : sv_err(err, EV_ENOMEM, "custom projection: out of memory");
  for (int k = 0; k < 2 && !rc; k++) rc = sv_search_new(terms[k], &re[k], err);
  double deadline = ev_seconds() + SEARCH_SECONDS;
  for (int64_t i = 0; i < n && !rc; i++) {
    if (!(i & 255) && (*cancel || ev_seconds() > deadline)) {
      rc = *cancel ? sv_err(err, EV_ECANCELED, "cancelled")
                   : sv_err(err, EV_ERANGE, "custom projection: the searches took over %.0f s; try simpler ones",
                            SEARCH_SECONDS);
      break;
    }
    const char *v = ev_table_cell(t, i, column);
    for (int k = 0; k < 2 && !rc; k++) {
      int m = sv_search_match(re[k], v ? v : "", err);
      if (m < 0) rc = m;
      if (m == 1) {
        const float *r = ev_matrix_row(d->ds->x, i);
        for (int64_t j = 0; j < dim; j++) sum[k * dim + j] += r[j];
        count[k]++;
      }
    }
  }
  sv_search_free(re[0]);
  sv_search_free(re[1]);
  *n_from = count[0];
  *n_to = count[1];
  if (!rc && (!count[0] || !count[1]))
    rc = sv_err(err, EV_ENOTFOUND, "custom projection: no point's '%s' matches '%.60s'", ev_table_col_name(t, column),
                count[0] ? to : from);
  if (!rc)
    for (int64_t j = 0; j < dim; j++) axis[j] = sum[dim + j] / (double)count[1] - sum[j] / (double)count[0];
  free(sum);
  return rc;
}
