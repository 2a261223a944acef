/* cmd_analyze.c — `embview analyze FILE --labels L [--embedding Y]`: which
 * classes overlap (in the input space, and on a map), and how faithful the
 * map is. */
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"

static const char *help_text =
    "usage: embview analyze FILE (--labels L | --metadata M) [--embedding Y.npy] [options]\n"
    "\n"
    "Ranks the class pairs that overlap in the input space (geometric mean of the\n"
    "share of each class's k nearest neighbours in the other), with the\n"
    "leave-one-out k-NN confusion; with a map, classes each pair as real, map\n"
    "artefact or hidden, and measures the map's trustworthiness, continuity,\n"
    "k-NN recall and accuracy.\n"
    "\n"
    "options:\n"
    "  --label-column NAME  metadata column with the classes (default: the label column)\n"
    "  --embedding Y        a map of FILE's points (.npy/.tsv, N x 2 or 3), e.g. from `embed`\n"
    "  -k K                 neighbours (default 15)\n"
    "  --top N              pairs to print (default 10)\n"
    "  --sample N           map quality on N random points (default: all up to 5,000, else 2,000)\n"
    "  --json FILE          also write everything as JSON\n" CLI_COMMON_HELP;

enum { OPT_LABEL_COL = 5000, OPT_EMBEDDING, OPT_TOP, OPT_SAMPLE, OPT_JSON_OUT };

static void json_str(FILE *f, const char *s) {
  fputc('"', f);
  for (; s && *s; s++) {
    unsigned char c = (unsigned char)*s;
    if (c == '"' || c == '\\') fprintf(f, "\\%c", c);
    else if (c < 0x20) fprintf(f, "\\u%04x", c);
    else fputc(c, f);
  }
  fputc('"', f);
}

static void write_json(FILE *f, const ev_labels *lab, const ev_overlap *o, const ev_map_quality *q) {
  fprintf(f, "{\n  \"k\": %d,\n  \"classes\": [", o->k);
  for (int c = 0; c < lab->n_classes; c++) {
    fputs(c ? ", " : "", f);
    json_str(f, lab->class_names[c]);
  }
  fputs("],\n  \"class_sizes\": [", f);
  for (int c = 0; c < o->n_classes; c++) fprintf(f, "%s%lld", c ? ", " : "", (long long)o->class_size[c]);
  fputs("],\n  \"confusion\": [", f);
  for (int a = 0; a < o->n_classes; a++) {
    fputs(a ? ",\n    [" : "\n    [", f);
    for (int b = 0; b < o->n_classes; b++)
      fprintf(f, "%s%lld", b ? ", " : "", (long long)o->confusion[(size_t)a * o->n_classes + b]);
    fputc(']', f);
  }
  fputs("],\n  \"pairs\": [", f);
  for (int p = 0; p < o->n_pairs; p++) {
    const ev_overlap_pair *pr = &o->pairs[p];
    fputs(p ? ",\n    {" : "\n    {", f);
    fputs("\"a\": ", f);
    json_str(f, lab->class_names[pr->a]);
    fputs(", \"b\": ", f);
    json_str(f, lab->class_names[pr->b]);
    fprintf(f, ", \"score\": %.6g", pr->score);
    if (!isnan(pr->map_score)) fprintf(f, ", \"map_score\": %.6g", pr->map_score);
    fputs(", \"verdict\": ", f);
    json_str(f, pr->verdict);
    fputs(", \"examples\": [", f);
    for (int e = 0; e < pr->n_examples; e++) fprintf(f, "%s%d", e ? ", " : "", pr->examples[e]);
    fputs("]}", f);
  }
  fputs("\n  ]", f);
  if (q)
    fprintf(f,
            ",\n  \"map_quality\": {\"k\": %d, \"sampled_points\": %lld, \"trustworthiness\": %.6f, "
            "\"continuity\": %.6f, \"knn_recall\": %.6f, \"knn_accuracy\": %.6f}",
            q->k, (long long)q->n_sampled, q->trustworthiness, q->continuity, q->knn_recall, q->knn_accuracy);
  fputs("\n}\n", f);
}

int cmd_analyze(int argc, char **argv) {
  static const struct option longopts[] = {CLI_COMMON_LONGOPTS,
                                           {"label-column", required_argument, NULL, OPT_LABEL_COL},
                                           {"embedding", required_argument, NULL, OPT_EMBEDDING},
                                           {"k", required_argument, NULL, 'k'},
                                           {"top", required_argument, NULL, OPT_TOP},
                                           {"sample", required_argument, NULL, OPT_SAMPLE},
                                           {"json", required_argument, NULL, OPT_JSON_OUT},
                                           {NULL, 0, NULL, 0}};
  cli_common c;
  cli_common_init(&c);
  const char *label_col = NULL, *emb_path = NULL, *json_path = NULL;
  long k = 15, top = 10, sample = -1;
  optind = 1;
  int opt;
  while ((opt = getopt_long(argc, argv, "k:", longopts, NULL)) != -1) {
    switch (opt) {
      case OPT_HELP: fputs(help_text, stdout); return EXIT_OK;
      case OPT_LABEL_COL: label_col = optarg; break;
      case OPT_EMBEDDING: emb_path = optarg; break;
      case OPT_JSON_OUT: json_path = optarg; break;
      case 'k':
        if (!cli_parse_long(optarg, "-k", 1, 1000, &k)) return EXIT_USAGE;
        break;
      case OPT_TOP:
        if (!cli_parse_long(optarg, "--top", 0, 1000000, &top)) return EXIT_USAGE;
        break;
      case OPT_SAMPLE:
        if (!cli_parse_long(optarg, "--sample", 0, 1L << 40, &sample)) return EXIT_USAGE;
        break;
      default: {
        int r = cli_common_option(&c, opt, optarg);
        if (r < 0) return EXIT_USAGE;
        if (r == 0) return cli_bad_option("analyze", argv, optind);
      }
    }
  }
  if (optind != argc - 1) return cli_fail(EXIT_USAGE, "analyze: expected one input FILE (see embview analyze --help)");
  const char *in_path = argv[optind];
  cli_progress_init(c.quiet);
  ev_dataset *ds = NULL, *map = NULL;
  ev_labels *lab = NULL;
  ev_knn_graph *g = NULL, *gy = NULL;
  ev_overlap *o = NULL;
  ev_map_quality q;
  ev_error err = {0};
  int status = cli_load(in_path, &c, &ds);
  if (status) goto done;
  if (!ds->meta) {
    status = cli_fail(EXIT_USAGE, "analyze: no labels; give --labels FILE or --metadata FILE");
    goto done;
  }
  int col = label_col ? ev_table_find_col(ds->meta, label_col) : ev_table_default_label_col(ds->meta);
  if (col < 0) {
    status = cli_fail(EXIT_USAGE, "--label-column: no column '%s' in the metadata", label_col);
    goto done;
  }
  if (ev_labels_from_column(ds->meta, col, &lab, &err)) {
    status = cli_fail_ev(&err, EXIT_INPUT);
    goto done;
  }
  int64_t n = ds->x->n_rows;
  if (2 * k >= n) {
    status = cli_fail(EXIT_USAGE, "-k %ld: too large for %lld points", k, (long long)n);
    goto done;
  }
  ev_knn_params kp = ev_knn_params_default();
  kp.k = (int)k;
  kp.n_threads = c.n_threads;
  kp.progress = cli_progress();
  double t0 = cli_now();
  int rc = ev_knn_graph_build(ds->x, &kp, &g, &err);
  if (!rc && emb_path) {
    ev_notes notes = {0};
    ev_load_options lo;
    ev_load_options_default(&lo);
    rc = ev_dataset_load(emb_path, &lo, &map, &notes, &err);
    cli_print_notes(&notes);
    if (!rc && map->x->n_rows != n) {
      cli_progress_done();
      status = cli_fail(EXIT_INPUT, "--embedding %s: %lld points, the input has %lld", emb_path,
                        (long long)map->x->n_rows, (long long)n);
      goto done;
    }
    if (!rc) {
      ev_knn_params kq = kp;
      kq.method = EV_KNN_EXACT;
      rc = ev_knn_graph_build(map->x, &kq, &gy, &err);
    }
  }
  if (!rc) rc = ev_overlap_compute(g, gy, lab->codes, lab->n_classes, 0, &o, &err);
  if (!rc && map) {
    int64_t s = sample >= 0 ? sample : n <= 5000 ? 0 : 2000;
    rc = ev_map_quality_compute(ds->x, map->x, lab->n_missing ? NULL : lab->codes, (int)k, s, 42, c.n_threads, &q, &err);
  }
  cli_progress_done();
  if (rc) {
    status = cli_fail_ev(&err, rc == EV_EINVAL ? EXIT_USAGE : rc == EV_EMISMATCH || rc == EV_ENONFINITE ? EXIT_INPUT : EXIT_FAIL);
    goto done;
  }
  printf("%lld points, %d classes (column '%s'), %d nearest neighbours (%s), %.2f s\n", (long long)n, lab->n_classes,
         ev_table_col_name(ds->meta, col), (int)k, g->exact ? "exact" : "approximate", cli_now() - t0);
  if (lab->n_missing) printf("%lld points have no label and are left out\n", (long long)lab->n_missing);
  int64_t right = 0;
  for (int a = 0; a < lab->n_classes; a++) right += o->confusion[(size_t)a * lab->n_classes + a];
  printf("leave-one-out %d-NN accuracy in the input space: %.4f\n", (int)k,
         (double)right / (double)(n - lab->n_missing));
  printf("\nclass pairs that overlap most (how much of each one's neighbourhoods the other fills):\n");
  for (int p = 0; p < o->n_pairs && p < top; p++) {
    const ev_overlap_pair *pr = &o->pairs[p];
    printf("  %2d. %s - %s  %.4f", p + 1, lab->class_names[pr->a], lab->class_names[pr->b], pr->score);
    if (gy) printf("  map %.4f  %s", pr->map_score, pr->verdict);
    printf("  e.g. points");
    for (int e = 0; e < pr->n_examples && e < 4; e++) printf(" %d", pr->examples[e]);
    printf("\n");
  }
  if (gy) {
    int n_art = 0, n_hidden = 0;
    for (int p = 0; p < o->n_pairs; p++) {
      n_art += !strcmp(o->pairs[p].verdict, "map artefact");
      n_hidden += !strcmp(o->pairs[p].verdict, "hidden");
    }
    printf("map artefacts (close on the map only): %d; hidden overlaps (input space only): %d\n", n_art, n_hidden);
    printf("\nmap quality (k = %d, %lld of %lld points): trustworthiness %.4f, continuity %.4f, "
           "k-NN recall %.4f",
           q.k, (long long)q.n_sampled, (long long)n, q.trustworthiness, q.continuity, q.knn_recall);
    if (!isnan(q.knn_accuracy)) printf(", k-NN accuracy %.4f", q.knn_accuracy);
    printf("\n");
  }
  if (json_path) {
    /* written beside the target and renamed into place: never half a file */
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.tmp-%d", json_path, (int)getpid());
    FILE *f = fopen(tmp, "w");
    if (!f) {
      status = cli_fail(EXIT_OUTPUT, "--json %s: cannot write", json_path);
      goto done;
    }
    write_json(f, lab, o, gy ? &q : NULL);
    if (fclose(f) || rename(tmp, json_path)) {
      remove(tmp);
      status = cli_fail(EXIT_OUTPUT, "--json %s: write error", json_path);
    }
  }
done:
  ev_overlap_free(o);
  ev_knn_graph_free(g);
  ev_knn_graph_free(gy);
  ev_labels_free(lab);
  ev_dataset_free(map);
  ev_dataset_free(ds);
  return status;
}
