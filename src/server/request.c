/* request.c — parsing the request target (see request.h). */
#include "server/request.h"

#include <stdio.h>
#include <string.h>

#include "server/error_body.h"

#define NAME_MAX_LEN 64
#define VALUE_MAX_LEN 1024

static int hex(int c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* Decode [s, e) into *out (NUL-terminated); returns the decoded length or -1
 * on a bad escape or an escaped NUL. */
static long decode(const char *s, const char *e, int plus_is_space, char **out) {
  char *o = *out, *start = o;
  while (s < e) {
    char c = *s++;
    if (c == '%') {
      int hi = s < e ? hex((unsigned char)s[0]) : -1, lo = s + 1 < e ? hex((unsigned char)s[1]) : -1;
      if (hi < 0 || lo < 0) return -1;
      c = (char)(hi * 16 + lo);
      if (!c) return -1;
      s += 2;
    } else if (c == '+' && plus_is_space) {
      c = ' ';
    } else if (!c) {
      return -1;
    }
    *o++ = c;
  }
  *o++ = 0;
  *out = o;
  return (long)(o - start - 1);
}

int sv_target_parse(const char *raw, size_t len, sv_target *t, ev_error *err) {
  t->path = NULL;
  t->n_args = 0;
  if (len > SV_TARGET_MAX) return sv_err(err, EV_ERANGE, "request target over %d bytes", SV_TARGET_MAX);
  const char *end = raw + len, *q = memchr(raw, '?', len);
  const char *path_end = q ? q : end;
  char *o = t->buf;
  t->path = o;
  if (decode(raw, path_end, 0, &o) < 0) return sv_err(err, EV_EFORMAT, "bad percent-escape in the path");
  if (!q) return EV_OK;
  for (const char *p = q + 1; p < end;) {
    const char *amp = memchr(p, '&', (size_t)(end - p));
    if (!amp) amp = end;
    if (amp > p) { /* empty pieces ("a=1&&b=2") are skipped, as browsers do */
      const char *eq = memchr(p, '=', (size_t)(amp - p));
      const char *name_end = eq ? eq : amp, *val = eq ? eq + 1 : amp;
      if (t->n_args == SV_MAX_ARGS) return sv_err(err, EV_ERANGE, "more than %d query parameters", SV_MAX_ARGS);
      sv_arg *a = &t->args[t->n_args];
      a->name = o;
      long nl = decode(p, name_end, 1, &o);
      a->value = o;
      long vl = nl < 0 ? -1 : decode(val, amp, 1, &o);
      if (nl < 0 || vl < 0) return sv_err(err, EV_EFORMAT, "bad percent-escape in the query string");
      if (nl == 0) return sv_err(err, EV_EFORMAT, "query parameter '%.40s': a parameter without a name", a->name);
      if (nl > NAME_MAX_LEN || vl > VALUE_MAX_LEN)
        return sv_err(err, EV_ERANGE, "query parameter '%.40s': %s", a->name,
                      nl > NAME_MAX_LEN ? "name over 64 bytes" : "value over 1024 bytes");
      if (sv_target_arg(t, a->name)) return sv_err(err, EV_EFORMAT, "parameter %.64s given twice", a->name);
      t->n_args++;
    }
    p = amp + 1;
  }
  return EV_OK;
}

const char *sv_target_arg(const sv_target *t, const char *name) {
  for (int i = 0; i < t->n_args; i++)
    if (!strcmp(t->args[i].name, name)) return t->args[i].value;
  return NULL;
}
