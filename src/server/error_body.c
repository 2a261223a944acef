/* error_body.c — the API's error reply (error_body.h). */
#include "server/error_body.h"

#include <stdio.h>

void sv_error_body(ev_json *b, const char *fmt, va_list ap) {
  char msg[512];
  vsnprintf(msg, sizeof msg, fmt, ap);
  ev_json_put(b, "{\"error\": ", 10);
  ev_json_str(b, msg);
  ev_json_put(b, "}\n", 2);
}
