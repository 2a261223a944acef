/* fuzz_json.c — the JSON reader (src/io/json.c) and what reads JSON: the
 * standalone projector's config (src/io/tb_standalone.c) and bookmarks
 * files (src/io/tb_bookmarks.c).
 *
 * Input: a JSON text.  Reaches: every value kind, string escapes with
 * surrogate pairs, numbers, nesting up to the depth limit, line and column
 * in errors (parsed in memory, then every node visited); a bookmarks file's
 * states and labels; a standalone config's embeddings, tensorName,
 * tensorShape, tensorPath (TSV or .bytes), metadataPath and sprite.
 *
 * Oracle: a document that is one string is also decoded here, and every
 * character but a lone surrogate must come out of the reader (check_string).
 *
 * The config is loaded only when every path in it is a URL (refused or
 * noted without opening anything) or a plain file name, so nothing outside
 * the scratch folder is opened.  There the harness has written, once:
 * vecs.tsv (2 x 3), vecs.bytes (the same as raw float32), meta.tsv (2 rows)
 * and sprite.png (8 x 4 pixels); any other name is a missing file. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "embview/tensorboard.h"
#include "core/budget.h"
#include "fuzz_util.h"
#include "io/json.h"
#include "io/png.h"
#include "io/tb_internal.h"

static size_t visit(const ev__json *j) {
  size_t n = 1;
  if (j->type == EV__JSON_STRING) n += strlen(j->string);
  for (int i = 0; i < j->n; i++) {
    if (j->type == EV__JSON_OBJECT) n += strlen(j->keys[i]);
    n += visit(&j->items[i]);
  }
  return n;
}

/* ---- oracle: a document that is one string ----
 * Decoded independently, every character but a lone surrogate must come out
 * of the reader, in order.  Lone surrogates may be kept (as 3-byte
 * sequences), replaced by U+FFFD or dropped, so both sides are compared
 * without those and without U+FFFD; a NUL (\u0000) ends both.  Only for
 * string literals in ASCII (escapes give the rest), where those sequences
 * can only come from escapes. */

static size_t put_utf8(char *o, unsigned cp) {
  if (cp < 0x80) return o[0] = (char)cp, 1;
  if (cp < 0x800) return o[0] = (char)(0xc0 | cp >> 6), o[1] = (char)(0x80 | (cp & 0x3f)), 2;
  if (cp < 0x10000)
    return o[0] = (char)(0xe0 | cp >> 12), o[1] = (char)(0x80 | ((cp >> 6) & 0x3f)), o[2] = (char)(0x80 | (cp & 0x3f)), 3;
  o[0] = (char)(0xf0 | cp >> 18), o[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
  o[2] = (char)(0x80 | ((cp >> 6) & 0x3f)), o[3] = (char)(0x80 | (cp & 0x3f));
  return 4;
}

static int hex4(const char *p, const char *end, unsigned *v) {
  *v = 0;
  for (int i = 0; i < 4; i++, p++) {
    if (p >= end) return 0;
    int d = *p >= '0' && *p <= '9' ? *p - '0' : *p >= 'a' && *p <= 'f' ? *p - 'a' + 10 : *p >= 'A' && *p <= 'F' ? *p - 'A' + 10 : -1;
    if (d < 0) return 0;
    *v = *v << 4 | (unsigned)d;
  }
  return 1;
}

/* s without surrogates' 3-byte forms and U+FFFD, cut at a NUL; in place */
static size_t normalise(char *s, size_t n) {
  size_t k = 0;
  for (size_t i = 0; i < n && s[i]; i++) {
    const unsigned char *u = (const unsigned char *)s + i;
    if (n - i >= 3 && ((u[0] == 0xed && u[1] >= 0xa0 && u[1] <= 0xbf) || (u[0] == 0xef && u[1] == 0xbf && u[2] == 0xbd))) {
      i += 2;
      continue;
    }
    s[k++] = s[i];
  }
  return k;
}

static void check_string(const char *text, size_t size, const ev__json *root) {
  const char *p = text, *end = text + size;
  if (size >= 3 && !memcmp(p, "\xEF\xBB\xBF", 3)) p += 3;
  while (p < end && *p && strchr(" \t\r\n", *p)) p++;
  if (root->type != EV__JSON_STRING || p >= end || *p != '"') return;
  char *want = malloc(size * 2 + 1), *got = strdup(root->string);
  if (!want || !got) abort();
  size_t n = 0;
  for (p++; p < end && *p != '"';) {
    if ((unsigned char)*p >= 0x80) { /* raw UTF-8 (maybe invalid) could merge with a neighbour: ASCII only */
      free(want);
      free(got);
      return;
    }
    if (*p != '\\') {
      want[n++] = *p++;
      continue;
    }
    char e = p[1];
    p += 2;
    static const char escapes[] = "\"\\/bfnrt", values[] = "\"\\/\b\f\n\r\t";
    if (e != 'u') {
      const char *k = e ? strchr(escapes, e) : NULL;
      if (!k) abort(); /* the reader accepted it */
      want[n++] = values[k - escapes];
      continue;
    }
    unsigned hi, lo;
    if (!hex4(p, end, &hi)) abort(); /* the reader accepted it */
    p += 4;
    if (hi >= 0xd800 && hi < 0xdc00 && end - p >= 6 && p[0] == '\\' && p[1] == 'u' && hex4(p + 2, end, &lo) &&
        lo >= 0xdc00 && lo < 0xe000) {
      n += put_utf8(want + n, 0x10000 + ((hi - 0xd800) << 10) + (lo - 0xdc00));
      p += 6;
    } else if (hi < 0xd800 || hi >= 0xe000) {
      n += put_utf8(want + n, hi);
    }
  }
  size_t nw = normalise(want, n), ng = normalise(got, strlen(got));
  if (nw != ng || memcmp(want, got, nw)) abort();
  free(want);
  free(got);
}

static void companions(void) {
  static int done;
  if (done) return;
  done = 1;
  char path[FZ_PATH_MAX];
  static const char tsv[] = "0.5\t1\t-2\n3\t4e-3\tnan\n", meta[] = "cat\ndog\n";
  static const float bytes[6] = {0.5f, 1, -2, 3, 4e-3f, 0};
  fz_write(path, "vecs.tsv", tsv, sizeof tsv - 1);
  fz_write(path, "vecs.bytes", bytes, sizeof bytes);
  fz_write(path, "meta.tsv", meta, sizeof meta - 1);
  unsigned char rgba[8 * 4 * 4]; /* 8 x 4 pixels of one half-transparent colour */
  for (int i = 0; i < 8 * 4; i++) memcpy(rgba + i * 4, "\x33\x66\x99\x80", 4);
  FILE *f = fopen(fz_path(path, "sprite.png"), "wb");
  if (!f || ev__png_write_rgba(f, rgba, 8, 4, 8 * 4, "sprite", path, NULL) || fclose(f)) abort();
}

static int is_url(const char *s) { return !strncmp(s, "http://", 7) || !strncmp(s, "https://", 8); }

/* every string a loader would open: a URL or a plain name */
static int paths_are_local(const ev__json *root) {
  const ev__json *list = ev__json_get(root, "embeddings");
  if (!list || list->type != EV__JSON_ARRAY) return 1;
  for (int i = 0; i < list->n; i++) {
    const ev__json *e = &list->items[i];
    const ev__json *sp = ev__json_get(e, "sprite");
    const ev__json *v[3] = {ev__json_get(e, "tensorPath"), ev__json_get(e, "metadataPath"),
                            ev__json_get(sp, "imagePath")};
    for (int k = 0; k < 3; k++)
      if (v[k] && v[k]->type == EV__JSON_STRING && !is_url(v[k]->string) && !fz_plain_name(v[k]->string))
        return 0;
  }
  return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char path[FZ_PATH_MAX];
  ev_error err = {0};
  ev_notes notes = {0};
  ev__json *root = NULL;
  companions();
  int rc = ev__json_parse((const char *)data, size, "input.json", &root, &err);
  fz_outcome("json", rc, &err);
  if (rc != EV_OK) return 0;
  volatile size_t sink = visit(root);
  (void)sink;
  check_string((const char *)data, size, root);
  fz_write(path, "input.json", data, size);
  if (root->type == EV__JSON_ARRAY) {
    ev_tb_bookmarks *b = NULL;
    rc = ev_tb_bookmarks_read(path, &b, &err);
    fz_outcome("bookmarks", rc, &err);
    if (rc == EV_OK) {
      if (b->n != root->n) abort();
      for (int i = 0; i < b->n; i++) sink += strlen(b->labels[i]);
    }
    ev_tb_bookmarks_free(b);
  } else if (paths_are_local(root)) {
    ev_dataset *ds = NULL;
    ev_load_options lo = ev_load_options_default();
    ev__budget budget;
    ev__budget_init(&budget, 0);
    rc = ev__tb_standalone_load(path, &lo, &ds, &notes, &budget, &err);
    fz_outcome("standalone", rc, &err);
    if (rc == EV_OK) {
      fz_check_matrix(ds->x);
      fz_check_table(ds->meta);
    }
    for (int i = 0; i < notes.n; i++) fz_outcome(notes.msg[i], 0, NULL);
    ev_dataset_free(ds);
  }
  ev__json_free(root);
  return 0;
}
