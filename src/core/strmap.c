/* strmap.c — linear-probing string map on a seeded FNV-1a hash.
 *
 * Keys come from files (metadata values, column names), so the hash must not
 * let a file choose collisions: plain FNV-1a's low bits depend only on the
 * low bits of its state, which makes colliding keys easy to build and turns
 * linear probing quadratic.  A per-process random seed and a final mix (the
 * MurmurHash3 finaliser) spread every input bit over the bits the table
 * uses.  Lookups and iteration order may differ between processes; nothing
 * depends on the order (callers sort what they show).
 */
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "core/internal.h"
#include "core/strmap.h"

static uint64_t seed(void) {
  static uint64_t s;
  uint64_t v = __atomic_load_n(&s, __ATOMIC_RELAXED);
  if (v) return v;
  if (getrandom(&v, sizeof v, GRND_NONBLOCK) != (ssize_t)sizeof v)
    v = (uint64_t)time(NULL) ^ (uint64_t)(uintptr_t)&s;
  v |= 1;
  __atomic_store_n(&s, v, __ATOMIC_RELAXED);
  return v;
}

uint64_t ev__strhash(const char *s, size_t len) {
  uint64_t h = 1469598103934665603ULL ^ seed();
  for (size_t i = 0; i < len; i++) h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ULL;
  h ^= h >> 33;
  return h;
}

static uint64_t hash_str(const char *s) { return ev__strhash(s, strlen(s)); }

int ev__strmap_init(ev__strmap *m, size_t expected) {
  size_t cap = 16;
  while (cap < expected * 2 + 1) cap *= 2;
  m->keys = ev__calloc(cap, sizeof *m->keys);
  m->vals = ev__calloc(cap, sizeof *m->vals);
  m->cap = cap;
  m->n = 0;
  if (!m->keys || !m->vals) {
    ev__strmap_free(m);
    return EV_ENOMEM;
  }
  return EV_OK;
}

void ev__strmap_free(ev__strmap *m) {
  ev__free(m->keys);
  ev__free(m->vals);
  m->keys = NULL;
  m->vals = NULL;
  m->cap = m->n = 0;
}

static size_t find_slot(const char **keys, size_t cap, const char *key) {
  size_t i = (size_t)hash_str(key) & (cap - 1);
  while (keys[i] && strcmp(keys[i], key) != 0) i = (i + 1) & (cap - 1);
  return i;
}

static int grow(ev__strmap *m) {
  size_t cap = m->cap * 2;
  const char **keys = ev__calloc(cap, sizeof *keys);
  int64_t *vals = ev__calloc(cap, sizeof *vals);
  if (!keys || !vals) {
    ev__free(keys);
    ev__free(vals);
    return EV_ENOMEM;
  }
  for (size_t i = 0; i < m->cap; i++) {
    if (!m->keys[i]) continue;
    size_t s = find_slot(keys, cap, m->keys[i]);
    keys[s] = m->keys[i];
    vals[s] = m->vals[i];
  }
  ev__free(m->keys);
  ev__free(m->vals);
  m->keys = keys;
  m->vals = vals;
  m->cap = cap;
  return EV_OK;
}

int64_t *ev__strmap_upsert(ev__strmap *m, const char *key, int64_t init, int *inserted) {
  *inserted = 0;
  if ((m->n + 1) * 2 > m->cap && grow(m) != EV_OK) return NULL;
  size_t s = find_slot(m->keys, m->cap, key);
  if (!m->keys[s]) {
    m->keys[s] = key;
    m->vals[s] = init;
    m->n++;
    *inserted = 1;
  }
  return &m->vals[s];
}

int64_t *ev__strmap_get(const ev__strmap *m, const char *key) {
  if (!m->cap) return NULL;
  size_t s = find_slot(m->keys, m->cap, key);
  return m->keys[s] ? &m->vals[s] : NULL;
}
