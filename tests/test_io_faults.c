/* test_io_faults.c — a full disk or a failing device on every write path.
 *
 * Every writer of the library (NPY, TSV, metadata TSV, kNN graph .npz,
 * checkpoint, projector config, sprite, scatter plot PNG/SVG, HTML report,
 * ev_output as the CLI uses it, log dir and standalone export) writes once,
 * then again with other contents while the k-th write-side system call
 * fails (ev__io_fail_at: creating a file or folder, each write, fsync,
 * close, rename), for k = 1, 2, ... until a run gets through, with ENOSPC
 * and with EIO.  Every failed run must return EV_EIO with a message naming
 * the output and the system's reason, and leave the writer's folder exactly
 * as it was: every file byte for byte, no temporary file or folder.  For
 * the multi-file outputs that is the whole previous set (the checkpoint's
 * two files; the export's up to six), or, for an export into a new
 * directory, no directory at all.  Writes go through a small buffer so that
 * failures also land between a writer's own calls.
 */
#include <dirent.h>
#include <errno.h>
#include <sys/stat.h>

#include "test.h"

#include "core/internal.h"

/* ---- the state of a folder: every file's relative path and bytes ---- */

typedef struct entry {
  char path[600];
  char *bytes;
  size_t len;
} entry;

typedef struct tree {
  int n;
  entry e[64];
} tree;

static void tree_free(tree *t) {
  for (int i = 0; i < t->n; i++) free(t->e[i].bytes);
  t->n = 0;
}

static int cmp_entry(const void *a, const void *b) { return strcmp(((const entry *)a)->path, ((const entry *)b)->path); }

static void tree_add(tree *t, const char *root, const char *rel) {
  char full[1400];
  snprintf(full, sizeof full, "%s/%s", root, rel);
  struct stat st;
  if (lstat(full, &st) != 0) return;
  if (S_ISDIR(st.st_mode)) {
    if (rel[0] && t->n < 64) { /* folders count too */
      entry *x = &t->e[t->n++];
      snprintf(x->path, sizeof x->path, "%s/", rel);
      x->bytes = NULL;
      x->len = 0;
    }
    DIR *d = opendir(full);
    for (struct dirent *e; d && (e = readdir(d));) {
      if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
      char sub[700];
      snprintf(sub, sizeof sub, "%s%s%s", rel, rel[0] ? "/" : "", e->d_name);
      tree_add(t, root, sub);
    }
    if (d) closedir(d);
    return;
  }
  if (t->n == 64) return;
  entry *x = &t->e[t->n++];
  snprintf(x->path, sizeof x->path, "%s", rel);
  x->bytes = test_read_file(full, &x->len);
}

static void tree_read(tree *t, const char *root) {
  t->n = 0;
  tree_add(t, root, "");
  qsort(t->e, (size_t)t->n, sizeof t->e[0], cmp_entry);
}

/* NULL when equal, else the first difference */
static const char *tree_diff(const tree *a, const tree *b) {
  static char why[800];
  for (int i = 0; i < a->n || i < b->n; i++) {
    if (i >= a->n || i >= b->n || strcmp(a->e[i].path, b->e[i].path)) {
      snprintf(why, sizeof why, "files differ: '%s' / '%s'", i < a->n ? a->e[i].path : "(none)",
               i < b->n ? b->e[i].path : "(none)");
      return why;
    }
    if (a->e[i].len != b->e[i].len || (a->e[i].len && memcmp(a->e[i].bytes, b->e[i].bytes, a->e[i].len))) {
      snprintf(why, sizeof why, "'%s' changed", a->e[i].path);
      return why;
    }
  }
  return NULL;
}

/* ---- the writers, each with two contents (variant 0 and 1) ---- */

static ev_matrix *mats[2], *images[2], *x60[2], *map60[2];
static ev_table *tables[2];
static ev_knn_graph *graphs[2], *g60[2];
static ev_labels *labels60;
static ev_overlap *overlaps[2];
static ev_suspects *suspects[2];
static char folder[700];  /* the current writer's folder */

static const char *in_folder(const char *name) {
  static char ring[4][1400];
  static int k;
  char *p = ring[k++ % 4];
  snprintf(p, sizeof ring[0], "%s/%s", folder, name);
  return p;
}

static ev_matrix *filled(int64_t n, int64_t d, int variant, float scale) {
  ev_matrix *m = NULL;
  if (ev_matrix_new(n, d, &m, NULL)) return NULL;
  for (int64_t i = 0; i < n * d; i++)
    m->data[i] = scale < 0 ? (float)((i * 7 + variant * 31) % 256)
                           : scale * (float)((i * 2654435761u + (uint64_t)variant * 97) % 1000) / 1000.0f;
  return m;
}

static int setup(void) {
  ev_error err = {0};
  for (int v = 0; v < 2; v++) {
    mats[v] = filled(50, 20, v, 3.0f);
    images[v] = filled(30, 64, v, -1.0f);
    x60[v] = filled(60, 8, v, 1.0f);
    map60[v] = filled(60, 2, v, 10.0f);
    if (!mats[v] || !images[v] || !x60[v] || !map60[v]) return -1;
    images[v]->image_w = images[v]->image_h = 8;
    images[v]->image_c = 1;
    const char *vals[60];
    char text[60][16];
    for (int i = 0; i < 60; i++) {
      snprintf(text[i], sizeof text[i], "%s%d", v ? "b" : "a", i % 3);
      vals[i] = text[i];
    }
    if (ev_table_new(60, &tables[v], &err) || ev_table_add_column(tables[v], "label", vals, &err)) return -1;
    ev_knn_params p = ev_knn_params_default();
    p.k = 5;
    if (ev_knn_graph_build(mats[v], &p, &graphs[v], &err)) return -1;
    p.k = 10;
    if (ev_knn_graph_build(x60[v], &p, &g60[v], &err)) return -1;
  }
  if (ev_labels_from_column(tables[0], 0, &labels60, &err)) return -1;
  for (int v = 0; v < 2; v++)
    if (ev_overlap_compute(g60[v], NULL, labels60->codes, labels60->n_classes, NULL, &overlaps[v], &err) ||
        ev_suspects_compute(g60[v], labels60->codes, labels60->n_classes, NULL, &suspects[v], &err))
      return -1;
  return 0;
}

static void teardown(void) {
  for (int v = 0; v < 2; v++) {
    ev_matrix_free(mats[v]);
    ev_matrix_free(images[v]);
    ev_matrix_free(x60[v]);
    ev_matrix_free(map60[v]);
    ev_table_free(tables[v]);
    ev_knn_graph_free(graphs[v]);
    ev_knn_graph_free(g60[v]);
    ev_overlap_free(overlaps[v]);
    ev_suspects_free(suspects[v]);
  }
  ev_labels_free(labels60);
}

static int w_npy(int v, ev_error *err) { return ev_npy_write(in_folder("x.npy"), mats[v], err); }
static int w_tsv(int v, ev_error *err) { return ev_tsv_write(in_folder("x.tsv"), mats[v], err); }
static int w_meta(int v, ev_error *err) { return ev_table_write_tsv(in_folder("metadata.tsv"), tables[v], err); }
static int w_knn(int v, ev_error *err) { return ev_knn_graph_save(in_folder("graph.npz"), graphs[v], err); }

static int w_checkpoint(int v, ev_error *err) {
  const char *names[2] = {"emb", "other"};
  const ev_matrix *vals[2] = {mats[v], x60[v]};
  return ev_tf_checkpoint_write(in_folder("model.ckpt-3"), 2, names, vals, err);
}

static int w_config(int v, ev_error *err) {
  ev_tb_embedding_info e = {0};
  e.tensor_name = v ? "second" : "first";
  e.metadata_path = "metadata.tsv";
  ev_tb_config c = {NULL, NULL, 1, &e};
  return ev_tb_config_write(in_folder("projector_config.pbtxt"), &c, err);
}

static int w_sprite(int v, ev_error *err) {
  int w, h;
  return ev_sprite_write(in_folder("sprite.png"), images[v], &w, &h, err);
}

static int w_png(int v, ev_error *err) {
  return ev_plot_scatter_write(in_folder("map.png"), map60[v], labels60, v ? "second" : "first", 400, 300, err);
}

static int w_svg(int v, ev_error *err) {
  return ev_plot_scatter_write(in_folder("map.svg"), map60[v], labels60, v ? "second" : "first", 400, 300, err);
}

static int w_html(int v, ev_error *err) {
  ev_report r = ev_report_default();
  r.title = v ? "second" : "first";
  r.input_summary = "60 points";
  r.method = "PCA";
  r.map = map60[v];
  r.labels = labels60;
  r.label_column = "label";
  r.overlap = overlaps[v];
  r.suspects = suspects[v];
  return ev_report_write_html(in_folder("report.html"), &r, err);
}

/* the CLI's --json/--tsv outputs */
static int w_output(int v, ev_error *err) {
  ev_output *o = NULL;
  int rc = ev_output_open(in_folder("analysis.json"), "json", &o, err);
  if (rc) return rc;
  FILE *f = ev_output_stream(o);
  for (int i = 0; i < 300; i++) fprintf(f, "{\"index\": %d, \"variant\": %d}\n", i, v);
  return ev_output_commit(o, err);
}

static int w_export(int v, int standalone, const char *name, ev_error *err) {
  ev_table *meta = NULL;
  ev_error e0 = {0};
  const char *vals[30];
  for (int i = 0; i < 30; i++) vals[i] = ev_table_cell(tables[v], i, 0);
  if (ev_table_new(30, &meta, &e0) || ev_table_add_column(meta, "label", vals, &e0)) return EV_ENOMEM;
  ev_dataset ds = {0};
  ds.x = images[v];
  ds.meta = meta;
  ev_tb_export_options o = ev_tb_export_options_default();
  o.force = 1;
  o.standalone = standalone;
  int rc = ev_tb_export(in_folder(name), &ds, &o, NULL, err);
  ev_table_free(meta);
  return rc;
}

static int w_logdir(int v, ev_error *err) { return w_export(v, 0, "logs", err); }
static int w_standalone(int v, ev_error *err) { return w_export(v, 1, "standalone", err); }
static int w_new_dir(int v, ev_error *err) { return w_export(v, 0, "new", err); }

typedef struct writer {
  const char *name;
  int (*write)(int variant, ev_error *err);
  const char *target;  /* what the message must name, relative to the folder */
  int fresh;           /* 1: the target is removed before each run (export into a new directory) */
} writer;

static const writer writers[] = {
    {"npy", w_npy, "x.npy", 0},
    {"tsv", w_tsv, "x.tsv", 0},
    {"metadata", w_meta, "metadata.tsv", 0},
    {"knn_npz", w_knn, "graph.npz", 0},
    {"checkpoint", w_checkpoint, "model.ckpt-3.", 0},
    {"config", w_config, "projector_config.pbtxt", 0},
    {"sprite", w_sprite, "sprite.png", 0},
    {"plot_png", w_png, "map.png", 0},
    {"plot_svg", w_svg, "map.svg", 0},
    {"report_html", w_html, "report.html", 0},
    {"output", w_output, "analysis.json", 0},
    {"export_logdir", w_logdir, "logs", 0},
    {"export_standalone", w_standalone, "standalone", 0},
    {"export_new_dir", w_new_dir, "new", 1},
};

/* One writer: a first write, then the sweep with each errno.  Returns the
 * number of faults injected, or -1 after a failed assert. */
static long sweep(const writer *w) {
  ev_error err = {0};
  char cmd[1600];
  snprintf(folder, sizeof folder, "%s/io_faults_%s", EV_TEST_OUT, w->name);
  snprintf(cmd, sizeof cmd, "rm -rf '%s' && mkdir -p '%s'", folder, folder);
  if (test_system(cmd)) return -1;
  ev__io_buffer_bytes(0);
  int rc = w->write(0, &err);
  if (rc) {
    fprintf(stderr, "  %s: first write failed: %s\n", w->name, err.msg);
    return -1;
  }
  /* a buffer of a 24th of the largest output: two dozen writes per file */
  tree t;
  tree_read(&t, folder);
  size_t biggest = 0;
  for (int i = 0; i < t.n; i++) biggest = EV__MAX(biggest, t.e[i].len);
  tree_free(&t);
  ev__io_buffer_bytes(EV__MAX(biggest / 24, (size_t)64));
  const int errnos[2] = {ENOSPC, EIO};
  long injected = 0;
  int variant = 1, ok = 1;
  for (int e = 0; e < 2 && ok; e++) {
    long k;
    for (k = 1; k < 10000 && ok; k++) {
      if (w->fresh) {
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", in_folder(w->target));
        test_system(cmd);
      }
      tree before, after;
      tree_read(&before, folder);
      ev_error_clear(&err);
      ev__io_fail_at(k, errnos[e]);
      rc = w->write(variant, &err);
      long count = ev__io_count();
      ev__io_fail_at(0, 0);
      tree_read(&after, folder);
      const char *diff = tree_diff(&before, &after);
      if (rc == EV_OK) {
        if (count >= k) {
          fprintf(stderr, "  %s: write call %ld failed (%s), yet the writer succeeded\n", w->name, k,
                  strerror(errnos[e]));
          ok = 0;
        }
        tree_free(&before);
        tree_free(&after);
        break;
      }
      injected++;
      if (rc != EV_EIO || !strstr(err.msg, in_folder(w->target)) || !strstr(err.msg, strerror(errnos[e])) || diff) {
        fprintf(stderr, "  %s: write call %ld failed (%s): got %s \"%s\"%s%s\n", w->name, k, strerror(errnos[e]),
                ev_err_name(rc), err.msg, diff ? "; " : "", diff ? diff : "");
        ok = 0;
      }
      tree_free(&before);
      tree_free(&after);
    }
    if (k < 4) {
      fprintf(stderr, "  %s: only %ld write calls\n", w->name, k - 1);
      ok = 0;
    }
    variant = 1 - variant; /* the file now holds the other contents */
  }
  ev__io_buffer_bytes(0);
  return ok ? injected : -1;
}

TEST(io_faults_on_every_writer) {
  if (setup()) {
    teardown();
    TEST_FAIL_("setup failed");
  }
  int failed = 0;
  for (size_t i = 0; i < sizeof writers / sizeof writers[0]; i++) {
    long n = sweep(&writers[i]);
    if (n < 0) failed++;
    else fprintf(stderr, "  %-18s %4ld failures injected, all reported, previous output intact\n", writers[i].name, n);
  }
  teardown();
  ASSERT_EQ(failed, 0);
}

/* The export's new directory is gone after a failure, and the standalone
 * writer through ev_output leaves nothing: both checked by the sweep; here
 * a failure in the middle of the export's final renames, where the previous
 * files are already moving: all of them come back. */
TEST(export_failure_while_moving_files_in) {
  if (setup()) {
    teardown();
    TEST_FAIL_("setup failed");
  }
  ev_error err = {0};
  snprintf(folder, sizeof folder, "%s/io_faults_moving", EV_TEST_OUT);
  char cmd[1600];
  snprintf(cmd, sizeof cmd, "rm -rf '%s' && mkdir -p '%s'", folder, folder);
  ASSERT_EQ(test_system(cmd), 0);
  ev__io_buffer_bytes(0);
  ASSERT_OK(w_logdir(0, &err), &err);
  tree before;
  tree_read(&before, folder);
  /* count a successful run's calls, then fail the last few: the renames */
  ev__io_fail_at(1000000, EIO);
  ASSERT_OK(w_logdir(1, &err), &err);
  long total = ev__io_count();
  ev__io_fail_at(0, 0);
  ASSERT_OK(w_logdir(0, &err), &err); /* back to the first contents */
  int bad = 0;
  for (long k = total; k > total - 8; k--) {
    ev__io_fail_at(k, EIO);
    int rc = w_logdir(1, &err);
    ev__io_fail_at(0, 0);
    tree after;
    tree_read(&after, folder);
    const char *diff = tree_diff(&before, &after);
    if (rc != EV_EIO || diff || !strstr(err.msg, "cannot move the")) {
      fprintf(stderr, "  call %ld of %ld: %s \"%s\" %s\n", k, total, ev_err_name(rc), err.msg, diff ? diff : "");
      bad++;
    }
    tree_free(&after);
  }
  tree_free(&before);
  teardown();
  ASSERT_EQ(bad, 0);
}

int main(int argc, char **argv) {
  static const test_case tests[] = {
      {"io_faults_on_every_writer", io_faults_on_every_writer},
      {"export_failure_while_moving_files_in", export_failure_while_moving_files_in},
  };
  return test_main(argc, argv, tests, (int)(sizeof tests / sizeof tests[0]));
}
