/* cmd_info.c — `embview info FILE`: what an input holds. */
#include <getopt.h>
#include <math.h>
#include <string.h>

#include <sys/stat.h>

#include "cli/cli.h"

static const char *help_text =
    "usage: embview info FILE [options]\n"
    "\n"
    "Prints the input's format, element type, shape, value range, NaN/Inf count\n"
    "and metadata columns.\n"
    "\n"
    "options:\n" CLI_COMMON_HELP;

static void print_shape(const ev_source_info *s) {
  for (int i = 0; i < s->ndim; i++) printf("%s%lld", i ? " x " : "", (long long)s->shape[i]);
}

/* A log dir's embeddings, one line each (the first is the one described below). */
static void print_log_dir(const char *path, const ev_load_options *lo) {
  struct stat st;
  if (stat(path, &st) || !S_ISDIR(st.st_mode)) return;
  ev_tb_logdir *l = NULL;
  ev_notes notes = {0};
  ev_error err = {0};
  if (ev_tb_logdir_open(path, lo, &l, &notes, &err)) return; /* cli_load already said why */
  printf("log dir:     %d embedding(s)\n", l->n_embeddings);
  for (int i = 0; i < l->n_embeddings; i++) {
    const ev_tb_embedding *e = &l->embeddings[i];
    printf("  %s/%s", e->run, e->name);
    if (e->n_rows) printf("  %lld x %lld", (long long)e->n_rows, (long long)e->n_cols);
    printf("  %s", e->checkpoint ? e->checkpoint : e->tensor_path);
    if (e->metadata_path) printf("  metadata %s", e->metadata_path);
    printf("\n");
    if (e->sprite_path) {
      ev_thumbnails *t = NULL;
      if (ev_tb_sprite_check(e, &t, &err) == EV_OK) {
        printf("    sprite %s: %lld thumbnails of %d x %d\n", e->sprite_path, (long long)t->n, t->w, t->h);
        ev_thumbnails_free(t);
      } else {
        printf("    sprite %s: unusable: %s\n", e->sprite_path, err.msg);
      }
    }
    if (e->bookmarks_path) {
      ev_tb_bookmarks *b = NULL;
      if (ev_tb_bookmarks_read(e->bookmarks_path, &b, &err) == EV_OK) {
        printf("    bookmarks %s: %d saved view(s)", e->bookmarks_path, b->n);
        for (int k = 0; k < b->n && k < 5; k++) printf("%s'%s'", k ? ", " : ": ", b->labels[k]);
        printf("%s\n", b->n > 5 ? ", ..." : "");
        ev_tb_bookmarks_free(b);
      } else {
        printf("    bookmarks %s: unusable: %s\n", e->bookmarks_path, err.msg);
      }
    }
  }
  ev_tb_logdir_free(l);
}

int cmd_info(int argc, char **argv) {
  static const struct option longopts[] = {CLI_COMMON_LONGOPTS, {NULL, 0, NULL, 0}};
  cli_common c;
  cli_common_init(&c);
  optind = 1;
  int opt;
  while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
    if (opt == OPT_HELP) {
      fputs(help_text, stdout);
      return EXIT_OK;
    }
    int r = cli_common_option(&c, opt, optarg);
    if (r < 0) return EXIT_USAGE;
    if (r == 0) return cli_bad_option("info", argv, optind);
  }
  if (optind != argc - 1)
    return cli_fail(EXIT_USAGE, "info: expected one input FILE (see embview info --help)");
  const char *path = argv[optind];
  ev_dataset *ds;
  int status = cli_load(path, &c, &ds);
  if (status) return status;
  print_log_dir(path, &c.load);
  const ev_matrix *x = ds->x;
  ev_matrix_stats st;
  ev_matrix_stats_compute(x, c.n_threads, &st);
  printf("file:        %s\n", path);
  printf("format:      %s", ev_format_name(ds->source.format));
  if (ds->source.detail[0]) printf(" (%s)", ds->source.detail);
  printf("\nstored as:   %s, shape ", ds->source.dtype);
  print_shape(&ds->source);
  printf("%s\n", ds->source.mapped ? ", memory-mapped" : "");
  printf("vectors:     %lld points x %lld dims (float32, %.1f MB)", (long long)x->n_rows,
         (long long)x->n_cols, (double)x->n_rows * (double)x->n_cols * 4 / 1e6);
  if (x->image_h > 0)
    printf(", images %d x %d%s", x->image_h, x->image_w, x->image_c > 1 ? " colour" : "");
  printf("\n");
  if (isnan(st.min))
    printf("values:      no finite values\n");
  else
    printf("values:      min %.6g, max %.6g, mean %.6g\n", st.min, st.max, st.mean);
  printf("non-finite:  %lld NaN, %lld Inf%s\n", (long long)st.n_nan, (long long)st.n_inf,
         st.n_nan + st.n_inf ? "  (projections will refuse this input)" : "");
  printf("zero rows:   %lld\n", (long long)st.n_zero_rows);
  if (!ds->meta) {
    printf("metadata:    none\n");
  } else {
    int n_cols = ev_table_n_cols(ds->meta);
    int label_col = ev_table_default_label_col(ds->meta);
    printf("metadata:    %d column(s)\n", n_cols);
    for (int j = 0; j < n_cols; j++) {
      int64_t distinct = ev_table_col_n_distinct(ds->meta, j);
      int64_t missing = ev_table_n_rows(ds->meta) - ev_table_col_n_present(ds->meta, j);
      printf("  %-20s %s, %lld distinct value(s)%s", ev_table_col_name(ds->meta, j),
             ev_table_col_is_numeric(ds->meta, j) ? "numeric" : "text", (long long)distinct,
             j == label_col ? ", default label column" : "");
      if (missing) printf(", %lld missing", (long long)missing);
      printf("\n");
    }
  }
  ev_dataset_free(ds);
  return EXIT_OK;
}
