/* embview/output.h — a file in the caller's own format, written as the
 * library's writers write theirs: atomically. */
#ifndef EMBVIEW_OUTPUT_H
#define EMBVIEW_OUTPUT_H

#include <stdio.h>

#include "embview/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Written into a temporary file beside `path`, renamed into place by commit.
 * Print to ev_output_stream(o) without checking each call; commit checks
 * every write, the flush, fsync, close and rename, and on failure removes
 * the temporary file, leaves any previous file at `path` as it was, and
 * returns EV_EIO with a message naming `what` (e.g. "json"; NULL: "output"),
 * the path and the system's reason.  Commit and abort free `o` (abort
 * accepts NULL).  The stream is valid until then; do not fclose it. */
typedef struct ev_output ev_output;
int ev_output_open(const char *path, const char *what, ev_output **out, ev_error *err);
FILE *ev_output_stream(ev_output *o);
int ev_output_commit(ev_output *o, ev_error *err);
void ev_output_abort(ev_output *o);

#ifdef __cplusplus
}
#endif
#endif
