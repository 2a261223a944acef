/* error.c — error codes, messages and notes. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/internal.h"

void ev_error_clear(ev_error *err) {
  if (!err) return;
  err->code = EV_OK;
  err->msg[0] = '\0';
}

const char *ev_strerror(int code) {
  switch (code) {
#define EV__ERR_TEXT(name, value, text) \
  case value:                           \
    return text;
    EV_ERRNO_MAP(EV__ERR_TEXT)
#undef EV__ERR_TEXT
  }
  return "unknown error";
}

const char *ev_err_name(int code) {
  switch (code) {
#define EV__ERR_NAME(name, value, text) \
  case value:                           \
    return #name;
    EV_ERRNO_MAP(EV__ERR_NAME)
#undef EV__ERR_NAME
  }
  return "EUNKNOWN";
}

int ev__err(ev_error *err, int code, const char *fmt, ...) {
  if (err) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    err->code = code;
  }
  return code;
}

int ev__err_prefix(ev_error *err, const char *fmt, ...) {
  if (!err) return EV_OK;
  char prefix[EV_ERROR_MSG_LEN];
  char old[EV_ERROR_MSG_LEN];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(prefix, sizeof prefix, fmt, ap);
  va_end(ap);
  memcpy(old, err->msg, sizeof old);
  /* prefix + ": " + old, truncated at the buffer's end (the start says the most) */
  size_t cap = sizeof err->msg - 1, n = 0;
  for (const char *parts[3] = {prefix, ": ", old}, **p = parts; p < parts + 3; p++) {
    size_t len = strlen(*p);
    if (len > cap - n) len = cap - n;
    memcpy(err->msg + n, *p, len);
    n += len;
  }
  err->msg[n] = '\0';
  return err->code;
}

void ev_notes_clear(ev_notes *notes) {
  if (!notes) return;
  notes->n = 0;
  notes->n_dropped = 0;
}

void ev__note(ev_notes *notes, const char *fmt, ...) {
  if (!notes) return;
  if (notes->n >= EV_NOTES_MAX) {
    notes->n_dropped++;
    return;
  }
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(notes->msg[notes->n], EV_NOTE_LEN, fmt, ap);
  va_end(ap);
  notes->n++;
}
