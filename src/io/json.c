/* json.c — JSON into a tree (see json.h). */
#include "io/json.h"

#include <stdlib.h>
#include <string.h>

#include "core/internal.h"

#define MAX_DEPTH 64

typedef struct parser {
  const char *p, *end, *line_start;
  int line;
  const char *source;
  ev_error *err;
} parser;

static int fail(parser *ps, const char *what) {
  return ev__err(ps->err, EV_EFORMAT, "%s:%d:%d: %s", ps->source, ps->line, (int)(ps->p - ps->line_start) + 1, what);
}

static void skip_ws(parser *ps) {
  while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\r' || *ps->p == '\n')) {
    if (*ps->p == '\n') {
      ps->line++;
      ps->line_start = ps->p + 1;
    }
    ps->p++;
  }
}

static void free_value(ev__json *j) {
  ev__free(j->string);
  for (int i = 0; i < j->n; i++) {
    if (j->keys) ev__free(j->keys[i]);
    free_value(&j->items[i]);
  }
  ev__free(j->keys);
  ev__free(j->items);
}

void ev__json_free(ev__json *j) {
  if (!j) return;
  free_value(j);
  ev__free(j);
}

const ev__json *ev__json_get(const ev__json *obj, const char *key) {
  if (!obj || obj->type != EV__JSON_OBJECT) return NULL;
  for (int i = 0; i < obj->n; i++)
    if (!strcmp(obj->keys[i], key)) return &obj->items[i];
  return NULL;
}

static int put_utf8(ev__buf *b, unsigned cp) {
  unsigned char u[4];
  int n;
  if (cp < 0x80) u[0] = (unsigned char)cp, n = 1;
  else if (cp < 0x800) u[0] = (unsigned char)(0xc0 | cp >> 6), u[1] = (unsigned char)(0x80 | (cp & 0x3f)), n = 2;
  else if (cp < 0x10000)
    u[0] = (unsigned char)(0xe0 | cp >> 12), u[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f)),
    u[2] = (unsigned char)(0x80 | (cp & 0x3f)), n = 3;
  else
    u[0] = (unsigned char)(0xf0 | cp >> 18), u[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3f)),
    u[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f)), u[3] = (unsigned char)(0x80 | (cp & 0x3f)), n = 4;
  return ev__buf_append(b, u, (size_t)n);
}

static int hex4(parser *ps, unsigned *out) {
  if (ps->end - ps->p < 4) return fail(ps, "truncated \\u escape");
  unsigned v = 0;
  for (int i = 0; i < 4; i++) {
    char c = *ps->p++;
    v <<= 4;
    if (c >= '0' && c <= '9') v |= (unsigned)(c - '0');
    else if (c >= 'a' && c <= 'f') v |= (unsigned)(c - 'a' + 10);
    else if (c >= 'A' && c <= 'F') v |= (unsigned)(c - 'A' + 10);
    else return fail(ps, "bad \\u escape");
  }
  *out = v;
  return EV_OK;
}

static int parse_string(parser *ps, char **out) {
  ev__buf b = {0};
  ps->p++; /* opening quote */
  int rc = EV_OK;
  for (;;) {
    if (ps->p >= ps->end) {
      rc = fail(ps, "unterminated string");
      break;
    }
    char c = *ps->p++;
    if (c == '"') break;
    if ((unsigned char)c < 0x20) {
      ps->p--;
      rc = fail(ps, "control character in a string");
      break;
    }
    if (c != '\\') {
      if (ev__buf_append(&b, &c, 1)) rc = EV_ENOMEM;
      if (rc) break;
      continue;
    }
    if (ps->p >= ps->end) {
      rc = fail(ps, "unterminated string");
      break;
    }
    char e = *ps->p++;
    unsigned cp;
    switch (e) {
      case '"': case '\\': case '/': c = e; break;
      case 'b': c = '\b'; break;
      case 'f': c = '\f'; break;
      case 'n': c = '\n'; break;
      case 'r': c = '\r'; break;
      case 't': c = '\t'; break;
      case 'u':
        /* UTF-16 as JSON writes it: a high surrogate and a low one are one
         * character; a surrogate without its partner becomes U+FFFD (as a
         * browser's TextEncoder writes it) and whatever follows it stays */
        if ((rc = hex4(ps, &cp))) break;
        if (cp == 0) {
          ps->p -= 6;
          rc = fail(ps, "\\u0000 (NUL) in a string is not supported");
          break;
        }
        if (cp >= 0xd800 && cp < 0xdc00) {
          const char *next = ps->p;
          unsigned lo = 0;
          if (ps->end - ps->p >= 6 && ps->p[0] == '\\' && ps->p[1] == 'u') {
            ps->p += 2;
            if ((rc = hex4(ps, &lo))) break;
          }
          if (lo >= 0xdc00 && lo < 0xe000) {
            cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
          } else {
            ps->p = next; /* not a partner: read it on its own */
            cp = 0xfffd;
          }
        } else if (cp >= 0xdc00 && cp < 0xe000) {
          cp = 0xfffd;
        }
        if (put_utf8(&b, cp)) rc = EV_ENOMEM;
        c = 0;
        break;
      default: ps->p--; rc = fail(ps, "unknown escape in a string");
    }
    if (rc) break;
    if (e != 'u' && ev__buf_append(&b, &c, 1)) rc = EV_ENOMEM;
    if (rc) break;
  }
  if (!rc && ev__buf_append(&b, "", 1)) rc = EV_ENOMEM;
  if (rc == EV_ENOMEM) rc = ev__err(ps->err, EV_ENOMEM, "%s: out of memory", ps->source);
  if (rc) {
    ev__buf_free(&b);
    return rc;
  }
  *out = (char *)b.data;
  return EV_OK;
}

static int parse_value(parser *ps, ev__json *v, int depth);

static int append_item(parser *ps, ev__json *v, int *cap, char *key) {
  if (v->n == *cap) {
    int c = *cap ? *cap * 2 : 4;
    ev__json *items = ev__realloc(v->items, (size_t)c * sizeof *items);
    if (items) v->items = items;
    char **keys = v->type == EV__JSON_OBJECT ? ev__realloc(v->keys, (size_t)c * sizeof *keys) : NULL;
    if (keys) v->keys = keys;
    if (!items || (v->type == EV__JSON_OBJECT && !keys)) {
      ev__free(key);
      return ev__err(ps->err, EV_ENOMEM, "%s: out of memory", ps->source);
    }
    *cap = c;
  }
  memset(&v->items[v->n], 0, sizeof v->items[v->n]);
  if (v->keys) v->keys[v->n] = key;
  v->n++;
  return EV_OK;
}

static int parse_container(parser *ps, ev__json *v, int depth) {
  int object = *ps->p == '{';
  char close = object ? '}' : ']';
  v->type = object ? EV__JSON_OBJECT : EV__JSON_ARRAY;
  ps->p++;
  skip_ws(ps);
  int cap = 0;
  if (ps->p < ps->end && *ps->p == close) {
    ps->p++;
    return EV_OK;
  }
  for (;;) {
    char *key = NULL;
    skip_ws(ps);
    if (object) {
      if (ps->p >= ps->end || *ps->p != '"') return fail(ps, "expected a \"key\"");
      int rc = parse_string(ps, &key);
      if (rc) return rc;
      skip_ws(ps);
      if (ps->p >= ps->end || *ps->p != ':') {
        ev__free(key);
        return fail(ps, "expected ':'");
      }
      ps->p++;
    }
    int rc = append_item(ps, v, &cap, key);
    if (!rc) rc = parse_value(ps, &v->items[v->n - 1], depth + 1);
    if (rc) return rc;
    skip_ws(ps);
    if (ps->p < ps->end && *ps->p == ',') {
      ps->p++;
      continue;
    }
    if (ps->p < ps->end && *ps->p == close) {
      ps->p++;
      return EV_OK;
    }
    return fail(ps, object ? "expected ',' or '}'" : "expected ',' or ']'");
  }
}

static int parse_value(parser *ps, ev__json *v, int depth) {
  skip_ws(ps);
  if (depth > MAX_DEPTH) return fail(ps, "nested too deeply");
  if (ps->p >= ps->end) return fail(ps, "expected a value");
  char c = *ps->p;
  if (c == '{' || c == '[') return parse_container(ps, v, depth);
  if (c == '"') {
    v->type = EV__JSON_STRING;
    return parse_string(ps, &v->string);
  }
  static const struct {
    const char *word;
    ev__json_type type;
    double value;
  } words[] = {{"true", EV__JSON_BOOL, 1}, {"false", EV__JSON_BOOL, 0}, {"null", EV__JSON_NULL, 0}};
  for (int i = 0; i < 3; i++) {
    size_t n = strlen(words[i].word);
    if ((size_t)(ps->end - ps->p) >= n && !memcmp(ps->p, words[i].word, n)) {
      v->type = words[i].type;
      v->number = words[i].value;
      ps->p += n;
      return EV_OK;
    }
  }
  if (c == '-' || (c >= '0' && c <= '9')) {
    char buf[64];
    size_t n = 0;
    while (ps->p + n < ps->end && n < sizeof buf - 1 && strchr("+-.0123456789eE", ps->p[n])) n++;
    memcpy(buf, ps->p, n);
    buf[n] = '\0';
    char *end;
    v->number = strtod(buf, &end);
    if (end != buf + n) return fail(ps, "malformed number");
    v->type = EV__JSON_NUMBER;
    ps->p += n;
    return EV_OK;
  }
  return fail(ps, "expected a value");
}

int ev__json_parse(const char *text, size_t len, const char *source, ev__json **out, ev_error *err) {
  *out = NULL;
  ev__json *j = ev__calloc(1, sizeof *j);
  if (!j) return ev__err(err, EV_ENOMEM, "%s: out of memory", source);
  parser ps = {text, text + len, text, 1, source, err};
  if (len >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3)) ps.p += 3;
  int rc = parse_value(&ps, j, 0);
  if (!rc) {
    skip_ws(&ps);
    if (ps.p != ps.end) rc = fail(&ps, "unexpected text after the value");
  }
  if (rc) {
    ev__json_free(j);
    return rc;
  }
  *out = j;
  return EV_OK;
}
