/* custom.c — TensorBoard's custom projection: an axis runs from the mean of
 * the points whose metadata matches one search to the mean of those
 * matching another ("from the 4s to the 9s"). */
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/server.h"

static const char *cell_text(const ev_table *t, int64_t i, int col, char *buf, size_t len) {
  const char *v = ev_table_cell(t, i, col);
  if (v) return v;
  snprintf(buf, len, "%s", "");
  return buf;
}

int sv_custom_axis(const sv_dataset *d, int column, const char *from, const char *to, double *axis, int64_t *n_from,
                   int64_t *n_to, char *msg, size_t msg_len) {
  const ev_table *t = d->ds->meta;
  if (!t || column < 0 || column >= ev_table_n_cols(t)) {
    snprintf(msg, msg_len, "custom projection: no metadata column %d", column);
    return -1;
  }
  regex_t re[2];
  const char *terms[2] = {from, to};
  for (int k = 0; k < 2; k++) {
    int rc = regcomp(&re[k], terms[k], REG_EXTENDED | REG_ICASE | REG_NOSUB);
    if (rc) {
      char why[128];
      regerror(rc, &re[k], why, sizeof why);
      snprintf(msg, msg_len, "custom projection: search '%.60s': %s", terms[k], why);
      if (k) regfree(&re[0]);
      return -1;
    }
  }
  int64_t n = d->ds->x->n_rows, dim = d->ds->x->n_cols, count[2] = {0, 0};
  double *sum = calloc(2 * (size_t)dim, sizeof *sum);
  if (!sum) {
    regfree(&re[0]);
    regfree(&re[1]);
    snprintf(msg, msg_len, "out of memory");
    return -1;
  }
  char buf[4];
  for (int64_t i = 0; i < n; i++) {
    const char *v = cell_text(t, i, column, buf, sizeof buf);
    for (int k = 0; k < 2; k++)
      if (!regexec(&re[k], v, 0, NULL, 0)) {
        const float *r = ev_matrix_row(d->ds->x, i);
        for (int64_t j = 0; j < dim; j++) sum[k * dim + j] += r[j];
        count[k]++;
      }
  }
  regfree(&re[0]);
  regfree(&re[1]);
  *n_from = count[0];
  *n_to = count[1];
  if (!count[0] || !count[1]) {
    snprintf(msg, msg_len, "custom projection: no point's '%s' matches '%.60s'", ev_table_col_name(t, column),
             count[0] ? to : from);
    free(sum);
    return -1;
  }
  for (int64_t j = 0; j < dim; j++) axis[j] = sum[dim + j] / (double)count[1] - sum[j] / (double)count[0];
  free(sum);
  return 0;
}
