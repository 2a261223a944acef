/* request.h — the request target (path and query string) as the server
 * reads it: our own parser, so that what the API sees is bounded and the same
 * whatever HTTP library is underneath, and so that it can be fuzzed alone.
 *
 * The raw target ("/api/x?i=1&k=2") is split at the first '?'; the path and
 * each query name and value are percent-decoded ('+' is a space in the
 * query, as HTML forms send it).  Refused (with a message): a target over
 * SV_TARGET_MAX bytes, bad or NUL escapes, more than SV_MAX_ARGS arguments, a
 * name or value over its limit, a name given twice (which of two values would
 * count is a guess we do not make). */
#ifndef EV_SERVER_REQUEST_H
#define EV_SERVER_REQUEST_H

#include <stddef.h>

#include "embview/error.h"

#define SV_TARGET_MAX 2048
#define SV_MAX_ARGS 32

typedef struct sv_arg {
  const char *name, *value; /* decoded, NUL-terminated, inside sv_target.buf */
} sv_arg;

typedef struct sv_target {
  const char *path;         /* decoded path */
  sv_arg args[SV_MAX_ARGS];
  int n_args;
  char buf[2 * SV_TARGET_MAX + 2];
} sv_target;

/* Parse `raw` (len bytes, not necessarily NUL-terminated).  EV_OK;
 * EV_ERANGE for a target, name or value over its limit or too many
 * arguments (the HTTP answer is 414 for a target over SV_TARGET_MAX, else
 * 400); EV_EFORMAT for bad escapes, a nameless or repeated parameter. */
int sv_target_parse(const char *raw, size_t len, sv_target *t, ev_error *err);

/* The value of query argument `name`, or NULL. */
const char *sv_target_arg(const sv_target *t, const char *name);

#endif
