/* json.h — a small JSON reader (RFC 8259) into a tree, for the standalone
 * projector's config and bookmarks.  Depth and size are bounded; errors
 * name the line and column.  Internal. */
#ifndef EV_IO_JSON_H
#define EV_IO_JSON_H

#include <stddef.h>

#include "embview/error.h"

typedef enum ev__json_type { EV__JSON_NULL, EV__JSON_BOOL, EV__JSON_NUMBER, EV__JSON_STRING, EV__JSON_ARRAY, EV__JSON_OBJECT } ev__json_type;

typedef struct ev__json {
  ev__json_type type;
  double number;          /* NUMBER; BOOL as 0/1 */
  char *string;           /* STRING (UTF-8, NUL-terminated) */
  char **keys;            /* OBJECT: n keys */
  struct ev__json *items; /* ARRAY / OBJECT: n values */
  int n;
} ev__json;

int ev__json_parse(const char *text, size_t len, const char *source, ev__json **out, ev_error *err);
void ev__json_free(ev__json *j);
/* The member of an object, or NULL. */
const ev__json *ev__json_get(const ev__json *obj, const char *key);

#endif
