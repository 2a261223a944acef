/* cmd_export.c — `embview export INPUT --tensorboard DIR | --standalone DIR`. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

static const char *help_text =
    "usage: embview export INPUT (--tensorboard DIR | --standalone DIR) [options]\n"
    "\n"
    "Writes INPUT (any input embview reads) as files TensorBoard's projector opens:\n"
    "  --tensorboard DIR    a log dir: V2 checkpoint, `checkpoint` state file, metadata.tsv,\n"
    "                       sprite.png (for image vectors), projector_config.pbtxt\n"
    "  --standalone DIR     the standalone projector's files: tensors.bytes, metadata.tsv,\n"
    "                       sprite.png, projector_config.json\n"
    "options:\n"
    "  --name NAME          the tensor's name (default: embedding)\n"
    "  --projection FILE[:NAME]  add a computed map (N x k .npy/.tsv, e.g. from `embed`) as\n"
    "                       metadata columns NAME-1..NAME-k (repeatable; NAME defaults to the file's stem)\n"
    "  --no-sprite          no sprite sheet\n"
    "  --force              write into a non-empty DIR\n" CLI_COMMON_HELP;

enum { OPT_TB = 4000, OPT_STANDALONE, OPT_NAME, OPT_PROJECTION, OPT_NO_SPRITE, OPT_FORCE };

#define MAX_PROJECTIONS 8

/* The map's columns as metadata columns NAME-1..NAME-k; returns an exit status. */
static int add_projection(ev_dataset *ds, const cli_common *c, const char *spec) {
  ev_error e = {0}, *err = &e;
  char path[4096], name[4096];
  snprintf(path, sizeof path, "%s", spec);
  char *colon = strrchr(path, ':');
  const char *base = strrchr(path, '/');
  base = base ? base + 1 : path;
  if (colon && colon > base) {
    *colon = '\0';
    snprintf(name, sizeof name, "%s", colon + 1);
  } else {
    snprintf(name, sizeof name, "%s", base);
    char *dot = strrchr(name, '.');
    if (dot && dot != name) *dot = '\0';
  }
  ev_dataset *m = NULL;
  ev_notes notes = {0};
  ev_load_options lo = cli_load_options_plain(c);
  int rc = ev_dataset_load(path, &lo, &m, &notes, err);
  cli_print_notes(&notes);
  if (rc) return cli_fail_ev(err, EXIT_INPUT);
  int64_t n = ds->x->n_rows;
  if (m->x->n_rows != n) {
    ev_dataset_free(m);
    return cli_fail(EXIT_INPUT, "--projection %s: %lld rows, the input has %lld points", path,
                    (long long)m->x->n_rows, (long long)n);
  }
  if (!ds->meta && ev_table_new(n, &ds->meta, err)) {
    ev_dataset_free(m);
    return cli_fail_ev(err, EXIT_FAIL);
  }
  char *text = malloc((size_t)(n ? n : 1) * 24);
  const char **vals = malloc((size_t)(n ? n : 1) * sizeof *vals);
  if (!text || !vals) {
    free(text);
    free(vals);
    ev_dataset_free(m);
    return cli_fail(EXIT_FAIL, "--projection %s: out of memory", path);
  }
  for (int64_t j = 0; !rc && j < m->x->n_cols; j++) {
    for (int64_t i = 0; i < n; i++) {
      snprintf(text + i * 24, 24, "%.7g", (double)ev_matrix_row(m->x, i)[j]);
      vals[i] = text + i * 24;
    }
    char col[4200];
    snprintf(col, sizeof col, "%s-%lld", name, (long long)j + 1);
    rc = ev_table_add_column(ds->meta, col, vals, err);
  }
  free(text);
  free(vals);
  ev_dataset_free(m);
  return rc ? cli_fail_ev(err, EXIT_FAIL) : EXIT_OK;
}

int cmd_export(int argc, char **argv) {
  static const struct option longopts[] = {CLI_COMMON_LONGOPTS,
                                           {"tensorboard", required_argument, NULL, OPT_TB},
                                           {"standalone", required_argument, NULL, OPT_STANDALONE},
                                           {"name", required_argument, NULL, OPT_NAME},
                                           {"projection", required_argument, NULL, OPT_PROJECTION},
                                           {"no-sprite", no_argument, NULL, OPT_NO_SPRITE},
                                           {"force", no_argument, NULL, OPT_FORCE},
                                           {NULL, 0, NULL, 0}};
  cli_common c;
  cli_common_init(&c);
  ev_tb_export_options o = ev_tb_export_options_default();
  const char *out = NULL, *projections[MAX_PROJECTIONS];
  int n_proj = 0;
  optind = 1;
  int opt;
  while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
    switch (opt) {
      case OPT_HELP: fputs(help_text, stdout); return EXIT_OK;
      case OPT_TB:
      case OPT_STANDALONE:
        if (out) return cli_fail(EXIT_USAGE, "export: give one of --tensorboard DIR or --standalone DIR");
        out = optarg;
        o.standalone = opt == OPT_STANDALONE;
        break;
      case OPT_NAME: o.tensor_name = optarg; break;
      case OPT_PROJECTION:
        if (n_proj == MAX_PROJECTIONS) return cli_fail(EXIT_USAGE, "--projection: at most %d", MAX_PROJECTIONS);
        projections[n_proj++] = optarg;
        break;
      case OPT_NO_SPRITE: o.sprite = 0; break;
      case OPT_FORCE: o.force = 1; break;
      default: {
        int r = cli_common_option(&c, opt, optarg);
        if (r < 0) return EXIT_USAGE;
        if (r == 0) return cli_bad_option("export", argv, optind);
      }
    }
  }
  if (optind != argc - 1) return cli_fail(EXIT_USAGE, "export: expected one INPUT (see embview export --help)");
  if (!out) return cli_fail(EXIT_USAGE, "export: --tensorboard DIR or --standalone DIR is required");
  const char *in_path = argv[optind];
  cli_progress_init(c.quiet);
  ev_dataset *ds = NULL;
  ev_error err = {0};
  ev_notes notes = {0};
  int status = cli_load(in_path, &c, &ds);
  for (int i = 0; !status && i < n_proj; i++) status = add_projection(ds, &c, projections[i]);
  if (!status) {
    int rc = ev_tb_export(out, ds, &o, &notes, &err);
    cli_print_notes(&notes);
    if (rc) status = cli_fail_ev(&err, rc == EV_EEXIST ? EXIT_USAGE : EXIT_OUTPUT);
  }
  if (!status)
    printf("wrote %s (%s: %lld points x %lld dims%s)\n", out, o.standalone ? "standalone projector" : "TensorBoard log dir",
           (long long)ds->x->n_rows, (long long)ds->x->n_cols, ds->meta ? ", metadata" : "");
  ev_dataset_free(ds);
  return status;
}
