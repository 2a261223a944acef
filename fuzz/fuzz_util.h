/* fuzz_util.h — what every harness shares: the libFuzzer entry point, one
 * thread, and a private scratch folder for readers that only take a path.
 *
 * A harness is one file fuzz/fuzz_<name>.c defining LLVMFuzzerTestOneInput.
 * It is linked either with libFuzzer (EV_FUZZ=ON, clang) or with
 * fuzz/replay_main.c, which runs it once on every file it is given (the seed
 * corpus and the regression inputs, as ctest tests in every build).
 *
 * Harnesses must be deterministic (same input, same calls), free everything
 * they get (LeakSanitizer runs), and never touch files outside the scratch
 * folder: a path taken from the input is used only after fz_plain_name()
 * says it names a file in that folder.
 */
#ifndef EV_FUZZ_UTIL_H
#define EV_FUZZ_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include "embview/error.h"
#include "embview/matrix.h"
#include "embview/table.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FZ_PATH_MAX 512

/* Once per process (each helper below calls it): the library's default
 * thread count set to 1, and the scratch folder created (under /dev/shm when
 * it exists, else $TMPDIR or /tmp; removed at exit, or by the next harness
 * when this one crashed). */
void fz_init(void);

/* The path of `name` inside the scratch folder. */
const char *fz_path(char out[FZ_PATH_MAX], const char *name);

/* Write `data` to the scratch file `name` (replacing it); returns its path in
 * `out`.  An I/O failure of the scratch folder itself aborts: it is the
 * harness's environment, not the input, that broke. */
const char *fz_write(char out[FZ_PATH_MAX], const char *name, const void *data, size_t size);

/* Remove the scratch file `name` if it exists. */
void fz_remove(const char *name);

/* 1 when s is a plain file name (no '/', not "." or "..", not empty), the
 * only kind of path from an input that a harness lets a reader open. */
int fz_plain_name(const char *s);

/* With EV_FUZZ_VERBOSE=1 in the environment, print what a reader returned
 * (to see which seeds get past which check); otherwise nothing. */
void fz_outcome(const char *what, int rc, const ev_error *err);

/* What a successful read must hold: a matrix with n_rows >= 0, n_cols >= 1
 * and stride >= n_cols, whose size in bytes (and a row's, when it has no
 * rows) fits a size_t, and whose every value can be read; a table whose every
 * cell, name, number and class can be read.  Anything else aborts (a crash
 * for libFuzzer).  Reading every value lets ASan see a matrix or table
 * that is not fully backed by memory.  NULL is allowed. */
void fz_check_matrix(const ev_matrix *m);
void fz_check_table(const ev_table *t);

#endif
