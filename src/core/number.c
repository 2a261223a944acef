/* number.c — strict parsing of numbers in text fields. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"

static int is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

int ev__parse_number(const char *s, size_t len, double *out) {
  while (len > 0 && is_space(*s)) s++, len--;
  while (len > 0 && is_space(s[len - 1])) len--;
  if (len == 0 || len > 400) return 0;
  /* Only digits, sign, point and exponent: rejects "nan", "inf", hex, and
   * anything strtod would accept that a person would not call a number. */
  for (size_t i = 0; i < len; i++) {
    char c = s[i];
    if (!((c >= '0' && c <= '9') || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E'))
      return 0;
  }
  char tmp[401];
  memcpy(tmp, s, len);
  tmp[len] = '\0';
  char *end;
  double v = strtod(tmp, &end);
  if (end != tmp + len || !isfinite(v)) return 0;
  *out = v;
  return 1;
}
