/* error_body.h — the API's error reply, one shape for every route and the
 * HTTP layer: {"error": "<message>"} and a newline. */
#ifndef EV_SERVER_ERROR_BODY_H
#define EV_SERVER_ERROR_BODY_H

#include <stdarg.h>

#include "embview/json.h"

void sv_error_body(ev_json *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));

#endif
