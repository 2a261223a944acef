/* strmap.h — open-addressing hash map from borrowed strings to int64 values.
 * Keys are not copied: they must outlive the map.  Used for label classes and
 * distinct-value counts. */
#ifndef EV_CORE_STRMAP_H
#define EV_CORE_STRMAP_H

#include <stddef.h>
#include <stdint.h>

typedef struct ev__strmap {
  const char **keys;
  int64_t *vals;
  size_t cap;   /* power of two */
  size_t n;
} ev__strmap;

int ev__strmap_init(ev__strmap *m, size_t expected);
void ev__strmap_free(ev__strmap *m);
/* Pointer to the value of key, inserting `init` when absent; NULL on allocation failure.
 * *inserted is set to 1 when the key was new. */
int64_t *ev__strmap_upsert(ev__strmap *m, const char *key, int64_t init, int *inserted);
/* Pointer to the value, or NULL when absent. */
int64_t *ev__strmap_get(const ev__strmap *m, const char *key);

/* The map's hash of len bytes (seeded per process; see strmap.c). */
uint64_t ev__strhash(const char *s, size_t len);

#endif
