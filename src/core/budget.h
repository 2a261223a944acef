/* budget.h — how many bytes one load may allocate or inflate.  Internal.
 *
 * A small file must not make a reader allocate gigabytes: a zip whose
 * central directory names one deflated member 200 times, a gzip stream of
 * a hundred million empty lines, a checkpoint index whose entries all point
 * at one block.  Each reader is written so that what it allocates is a
 * stated multiple of its input (include/embview/io.h lists them, with the
 * decompressed bytes of gzip/deflate input counting as input), and on top
 * of that it charges every large allocation — file buffers, decompressed
 * bytes, matrices, metadata storage — to a budget before making it.  A
 * charge that would pass the cap fails with EV_ERANGE and a message that
 * names the file, what was being allocated, the sizes, and the option that
 * raises the cap (ev_load_options.max_memory, the CLI's --max-memory).
 *
 * One budget spans one ev_dataset_load: the vectors, the metadata and the
 * labels file together; what a reader frees again (a file buffer once it
 * is parsed) is given back.  The public single-format readers (ev_npy_read
 * and the others) use a default budget of their own.  Charge from the
 * calling thread only (before a parallel loop, not inside it).
 */
#ifndef EV_CORE_BUDGET_H
#define EV_CORE_BUDGET_H

#include <stdint.h>

#include "core/internal.h"

typedef struct ev__budget {
  uint64_t limit;   /* bytes a load may hold at once */
  uint64_t used;    /* charged and not given back */
} ev__budget;

/* The default cap: half the physical memory, at least 1 GiB. */
uint64_t ev__budget_default_limit(void);

/* max_memory 0 means the default. */
void ev__budget_init(ev__budget *b, uint64_t max_memory);

/* Charge n bytes; EV_ERANGE (with the message) when that passes the limit.
 * `who`: the reader ("text"), `path`: the file, `what`: the allocation
 * ("the 100000 x 784 float32 matrix").  b may be NULL: nothing is checked. */
int ev__budget_take(ev__budget *b, uint64_t n, const char *who, const char *path, const char *what,
                    ev_error *err);

/* Give back n bytes charged earlier (after freeing them). */
void ev__budget_give(ev__budget *b, uint64_t n);

/* Charge an n_rows x n_cols float32 matrix (EV_ERANGE also when its size
 * overflows). */
int ev__budget_take_matrix(ev__budget *b, int64_t n_rows, int64_t n_cols, const char *who,
                           const char *path, ev_error *err);

#endif
