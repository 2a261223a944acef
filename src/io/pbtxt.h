/* pbtxt.h — protobuf text format, parsed into a generic tree that the
 * projector-config and checkpoint-state readers map onto their fields.
 * Syntax as TensorFlow writes it and Python's protobuf accepts it: `name:
 * value`, `name { ... }` or `name < ... >` (colon optional), separators
 * whitespace `,` `;`, `#` comments, strings in "" or '' with C escapes
 * (adjacent literals concatenate), list values `name: [a, b]`.  Internal. */
#ifndef EV_IO_PBTXT_H
#define EV_IO_PBTXT_H

#include <stddef.h>

#include "embview/error.h"

typedef enum ev__pbtxt_kind {
  EV__PBTXT_STRING,   /* a string literal (decoded) */
  EV__PBTXT_SCALAR,   /* a number or identifier, as written */
  EV__PBTXT_MESSAGE
} ev__pbtxt_kind;

typedef struct ev__pbtxt_node {
  char *name;
  ev__pbtxt_kind kind;
  char *value;      /* STRING / SCALAR; NUL-terminated (strings may hold NULs: value_len) */
  size_t value_len;
  int line, col;    /* of the field name, 1-based */
  struct ev__pbtxt_node *children; /* MESSAGE */
  int n_children;
} ev__pbtxt_node;

/* Parse a whole file's text into a root message.  Syntax errors are
 * EV_EFORMAT "SOURCE:LINE:COL: ...". */
int ev__pbtxt_parse(const char *text, size_t len, const char *source, ev__pbtxt_node **root, ev_error *err);
void ev__pbtxt_free(ev__pbtxt_node *root);

#endif
