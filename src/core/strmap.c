/* strmap.c — FNV-1a hashed, linear-probing string map. */
#include <string.h>

#include "core/internal.h"
#include "core/strmap.h"

static uint64_t hash_str(const char *s) {
  uint64_t h = 1469598103934665603ULL;
  for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ULL;
  return h;
}

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
