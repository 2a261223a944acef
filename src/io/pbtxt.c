/* pbtxt.c — protobuf text format into a tree (see pbtxt.h). */
#include "io/pbtxt.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"

#define MAX_DEPTH 64

typedef struct lexer {
  const char *p, *end, *line_start;
  int line;
  const char *source;
  ev_error *err;
} lexer;

static int col_of(const lexer *lx, const char *at) { return (int)(at - lx->line_start) + 1; }

static int fail(lexer *lx, const char *at, const char *what) {
  return ev__err(lx->err, EV_EFORMAT, "%s:%d:%d: %s", lx->source, lx->line, col_of(lx, at), what);
}

/* skip whitespace, separators are handled by the parser, and comments */
static void skip_space(lexer *lx) {
  while (lx->p < lx->end) {
    char c = *lx->p;
    if (c == '\n') {
      lx->line++;
      lx->line_start = ++lx->p;
    } else if (c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f') {
      lx->p++;
    } else if (c == '#') {
      while (lx->p < lx->end && *lx->p != '\n') lx->p++;
    } else {
      break;
    }
  }
}

static int is_ident_start(char c) { return isalpha((unsigned char)c) || c == '_'; }
static int is_ident(char c) { return isalnum((unsigned char)c) || c == '_' || c == '.'; }

static int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* one or more adjacent string literals, decoded and concatenated */
static int read_string(lexer *lx, ev__buf *out) {
  while (lx->p < lx->end && (*lx->p == '"' || *lx->p == '\'')) {
    char q = *lx->p;
    const char *start = lx->p++;
    for (;;) {
      if (lx->p >= lx->end || *lx->p == '\n') return fail(lx, start, "unterminated string");
      char c = *lx->p++;
      if (c == q) break;
      if (c == '\\') {
        const char *esc = lx->p - 1;
        if (lx->p >= lx->end) return fail(lx, start, "unterminated string");
        char e = *lx->p++;
        switch (e) {
          case 'n': c = '\n'; break;
          case 't': c = '\t'; break;
          case 'r': c = '\r'; break;
          case 'a': c = '\a'; break;
          case 'b': c = '\b'; break;
          case 'f': c = '\f'; break;
          case 'v': c = '\v'; break;
          case '\\': case '\'': case '"': case '?': c = e; break;
          case 'x': {
            int v = 0, n = 0;
            while (n < 2 && lx->p < lx->end && hexval(*lx->p) >= 0) v = v * 16 + hexval(*lx->p++), n++;
            if (!n) return fail(lx, lx->p - 2, "\\x needs hex digits");
            c = (char)v;
            break;
          }
          default:
            if (e >= '0' && e <= '7') {
              int v = e - '0', n = 1;
              while (n < 3 && lx->p < lx->end && *lx->p >= '0' && *lx->p <= '7') v = v * 8 + (*lx->p++ - '0'), n++;
              if (v > 0377) return fail(lx, esc, "octal escape out of range (at most \\377)");
              c = (char)v;
            } else {
              return fail(lx, lx->p - 2, "unknown escape in string");
            }
        }
        /* the fields are C strings: a NUL would silently cut one short */
        if (c == '\0') return fail(lx, esc, "NUL (\\0, \\x00) in a string is not supported");
      }
      if (ev__buf_append(out, &c, 1)) return ev__err(lx->err, EV_ENOMEM, "%s: out of memory", lx->source);
    }
    skip_space(lx);
  }
  return EV_OK;
}

static void free_node(ev__pbtxt_node *n) {
  ev__free(n->name);
  ev__free(n->value);
  for (int i = 0; i < n->n_children; i++) free_node(&n->children[i]);
  ev__free(n->children);
}

void ev__pbtxt_free(ev__pbtxt_node *root) {
  if (!root) return;
  free_node(root);
  ev__free(root);
}

static ev__pbtxt_node *add_child(ev__pbtxt_node *m, int *cap) {
  if (m->n_children == *cap) {
    int c = *cap ? *cap * 2 : 4;
    ev__pbtxt_node *p = ev__realloc(m->children, (size_t)c * sizeof *p);
    if (!p) return NULL;
    m->children = p;
    *cap = c;
  }
  ev__pbtxt_node *n = &m->children[m->n_children++];
  memset(n, 0, sizeof *n);
  return n;
}

/* a scalar token: number, identifier, or string */
static int read_scalar(lexer *lx, ev__pbtxt_node *n) {
  const char *start = lx->p;
  if (lx->p < lx->end && (*lx->p == '"' || *lx->p == '\'')) {
    ev__buf s = {0};
    int rc = read_string(lx, &s);
    if (!rc && ev__buf_append(&s, "", 1)) rc = ev__err(lx->err, EV_ENOMEM, "%s: out of memory", lx->source);
    if (rc) {
      ev__buf_free(&s);
      return rc;
    }
    n->kind = EV__PBTXT_STRING;
    n->value = (char *)s.data;
    n->value_len = s.len - 1;
    return EV_OK;
  }
  while (lx->p < lx->end && (isalnum((unsigned char)*lx->p) || strchr("+-._", *lx->p))) lx->p++;
  if (lx->p == start) return fail(lx, start, "expected a value");
  n->kind = EV__PBTXT_SCALAR;
  n->value_len = (size_t)(lx->p - start);
  n->value = ev__malloc(n->value_len + 1);
  if (!n->value) return ev__err(lx->err, EV_ENOMEM, "%s: out of memory", lx->source);
  memcpy(n->value, start, n->value_len);
  n->value[n->value_len] = '\0';
  skip_space(lx);
  return EV_OK;
}

static int parse_message(lexer *lx, ev__pbtxt_node *m, char close, int depth);

static int parse_field(lexer *lx, ev__pbtxt_node *m, int *cap, int depth) {
  const char *name_at = lx->p;
  if (!is_ident_start(*lx->p)) return fail(lx, lx->p, "expected a field name");
  while (lx->p < lx->end && is_ident(*lx->p)) lx->p++;
  size_t name_len = (size_t)(lx->p - name_at);
  int line = lx->line, col = col_of(lx, name_at);
  skip_space(lx);
  int colon = lx->p < lx->end && *lx->p == ':';
  if (colon) {
    lx->p++;
    skip_space(lx);
  }
  if (lx->p >= lx->end) return fail(lx, lx->p, "expected a value after the field name");
  char c = *lx->p;
  int is_list = c == '[';
  if (is_list) {
    lx->p++;
    skip_space(lx);
  }
  for (int first = 1;; first = 0) {
    if (is_list && lx->p < lx->end && *lx->p == ']' && first) break; /* empty list */
    ev__pbtxt_node *n = add_child(m, cap);
    if (!n) return ev__err(lx->err, EV_ENOMEM, "%s: out of memory", lx->source);
    n->line = line;
    n->col = col;
    n->name = ev__malloc(name_len + 1);
    if (!n->name) return ev__err(lx->err, EV_ENOMEM, "%s: out of memory", lx->source);
    memcpy(n->name, name_at, name_len);
    n->name[name_len] = '\0';
    c = lx->p < lx->end ? *lx->p : 0;
    int rc;
    if (c == '{' || c == '<') {
      if (depth >= MAX_DEPTH) return fail(lx, lx->p, "messages nested too deeply");
      lx->p++;
      skip_space(lx);
      n->kind = EV__PBTXT_MESSAGE;
      rc = parse_message(lx, n, c == '{' ? '}' : '>', depth + 1);
    } else {
      if (!colon) return fail(lx, lx->p, "expected ':' after the field name");
      rc = read_scalar(lx, n);
    }
    if (rc) return rc;
    if (!is_list) break;
    if (lx->p < lx->end && *lx->p == ',') {
      lx->p++;
      skip_space(lx);
      continue;
    }
    if (lx->p < lx->end && *lx->p == ']') break;
    return fail(lx, lx->p, "expected ',' or ']' in a list");
  }
  if (is_list) {
    lx->p++;
    skip_space(lx);
  }
  if (lx->p < lx->end && (*lx->p == ',' || *lx->p == ';')) {
    lx->p++;
    skip_space(lx);
  }
  return EV_OK;
}

static int parse_message(lexer *lx, ev__pbtxt_node *m, char close, int depth) {
  int cap = 0;
  for (;;) {
    skip_space(lx);
    if (lx->p >= lx->end) {
      if (close) return fail(lx, lx->p, close == '}' ? "missing '}' at the end of the file" : "missing '>'");
      return EV_OK;
    }
    if (*lx->p == close && close) {
      lx->p++;
      skip_space(lx);
      if (lx->p < lx->end && (*lx->p == ',' || *lx->p == ';')) lx->p++;
      return EV_OK;
    }
    int rc = parse_field(lx, m, &cap, depth);
    if (rc) return rc;
  }
}

int ev__pbtxt_parse(const char *text, size_t len, const char *source, ev__pbtxt_node **root, ev_error *err) {
  *root = NULL;
  ev__pbtxt_node *r = ev__calloc(1, sizeof *r);
  if (!r) return ev__err(err, EV_ENOMEM, "%s: out of memory", source);
  r->kind = EV__PBTXT_MESSAGE;
  lexer lx = {text, text + len, text, 1, source, err};
  if (len >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3)) lx.p += 3, lx.line_start += 3; /* UTF-8 BOM */
  int rc = parse_message(&lx, r, 0, 0);
  if (rc) {
    ev__pbtxt_free(r);
    return rc;
  }
  *root = r;
  return EV_OK;
}
