/* error_body.c — the API's error reply and status table (error_body.h). */
#include "server/error_body.h"

#include <stdio.h>

void sv_error_body(ev_json *b, const char *fmt, va_list ap) {
  char msg[512];
  vsnprintf(msg, sizeof msg, fmt, ap);
  ev_json_put(b, "{\"error\": ", 10);
  ev_json_str(b, msg);
  ev_json_put(b, "}\n", 2);
}

int sv_err(ev_error *err, int code, const char *fmt, ...) {
  if (err) {
    va_list ap;
    va_start(ap, fmt);
    err->code = code;
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
  }
  return code;
}

int sv_http_status(int code) {
  switch (code) {
    case EV_EINVAL:
    case EV_EFORMAT:
    case EV_EUNSUPPORTED:
    case EV_ERANGE:
    case EV_ENONFINITE:
    case EV_EMISMATCH: return 400;
    case EV_EPERM: return 403;
    case EV_ENOTFOUND: return 404;
    case EV_EBUSY: return 429;
    case EV_ENOMEM:
    case EV_ECANCELED: return 503;
    default: return 500;
  }
}
