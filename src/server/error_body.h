/* error_body.h — the API's errors: one shape for every route and the HTTP
 * layer ({"error": "<message>"} and a newline), and one table from the
 * library's error codes (error.h) to HTTP statuses.  Server code reports
 * failures as the library does (an ev_error); only the HTTP edge turns them
 * into statuses, here. */
#ifndef EV_SERVER_ERROR_BODY_H
#define EV_SERVER_ERROR_BODY_H

#include <stdarg.h>

#include "embview/error.h"
#include "embview/json.h"

void sv_error_body(ev_json *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));

/* The HTTP status for a failure with library code `code`: 400 for a request
 * that cannot work as asked (bad values, malformed, unsupported, too large),
 * 403 not permitted, 404 not found, 429 busy (EV_EBUSY: a queue is full),
 * 503 out of memory or cancelled (the server is stopping), 500 otherwise. */
int sv_http_status(int code);

/* Sets err (if non-NULL) to `code` and the message; returns `code`. */
int sv_err(ev_error *err, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
