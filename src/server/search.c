/* search.c — user searches over metadata values through PCRE2 (search.h). */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "server/search.h"

#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/error_body.h"

/* Per value: steps of the matcher, nested backtracking frames, heap in KiB.
 * Ordinary searches over short labels use a few hundred steps; these only
 * stop patterns that backtrack exponentially. */
#define MATCH_LIMIT 200000u
#define DEPTH_LIMIT 2000u
#define HEAP_LIMIT_KIB 4096u

struct sv_search {
  pcre2_code *code;
  pcre2_match_data *md;
  pcre2_match_context *mc;
  char text[160];
};

int sv_search_new(const char *text, sv_search **out, ev_error *err) {
  *out = NULL;
  size_t n = strlen(text);
  int regex = n > 2 && text[0] == '/' && text[n - 1] == '/';
  sv_search *s = calloc(1, sizeof *s);
  if (!s) return sv_err(err, EV_ENOMEM, "search: out of memory");
  snprintf(s->text, sizeof s->text, "%s", text);
  uint32_t opts = PCRE2_CASELESS | PCRE2_UTF | PCRE2_MATCH_INVALID_UTF | (regex ? 0 : PCRE2_LITERAL);
  int code;
  PCRE2_SIZE at;
  pcre2_compile_context *cc = pcre2_compile_context_create(NULL);
  if (cc) pcre2_set_max_pattern_length(cc, 1024);
  s->code = cc ? pcre2_compile((PCRE2_SPTR)(regex ? text + 1 : text), regex ? n - 2 : n, opts, &code, &at, cc) : NULL;
  pcre2_compile_context_free(cc);
  if (!s->code) {
    free(s);
    if (!cc) return sv_err(err, EV_ENOMEM, "search: out of memory");
    char why[160];
    pcre2_get_error_message(code, (PCRE2_UCHAR *)why, sizeof why);
    return sv_err(err, EV_EINVAL, "search '%.60s': %s (at character %zu)", text, why, (size_t)at + (regex ? 1 : 0));
  }
  pcre2_jit_compile(s->code, PCRE2_JIT_COMPLETE); /* where it fails, the interpreter runs (same limits) */
  s->md = pcre2_match_data_create(1, NULL);
  s->mc = pcre2_match_context_create(NULL);
  if (!s->md || !s->mc) {
    sv_search_free(s);
    return sv_err(err, EV_ENOMEM, "search: out of memory");
  }
  pcre2_set_match_limit(s->mc, MATCH_LIMIT);
  pcre2_set_depth_limit(s->mc, DEPTH_LIMIT);
  pcre2_set_heap_limit(s->mc, HEAP_LIMIT_KIB);
  *out = s;
  return EV_OK;
}

int sv_search_match(sv_search *s, const char *value, ev_error *err) {
  int rc = pcre2_match(s->code, (PCRE2_SPTR)value, strlen(value), 0, 0, s->md, s->mc);
  if (rc >= 0) return 1;
  if (rc == PCRE2_ERROR_NOMATCH) return 0;
  char why[160];
  pcre2_get_error_message(rc, (PCRE2_UCHAR *)why, sizeof why);
  return sv_err(err, EV_ERANGE, "search '%.60s' stopped: %s (a pattern that backtracks this much would run for hours)",
                s->text, why);
}

void sv_search_free(sv_search *s) {
  if (!s) return;
  pcre2_match_data_free(s->md);
  pcre2_match_context_free(s->mc);
  pcre2_code_free(s->code);
  free(s);
}
