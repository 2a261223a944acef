/* cmd_analyze.c — `embview analyze FILE --labels L [--embedding Y]`: which
 * classes overlap (in the input space, and on a map), and how faithful the
 * map is. */
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/analysis.h"

static const char *help_text =
    "usage: embview analyze FILE (--labels L | --metadata M) [--embedding Y.npy | --method M] [options]\n"
    "\n"
    "Ranks the class pairs that overlap in the input space (geometric mean of the\n"
    "share of each class's k nearest neighbours in the other), with the\n"
    "leave-one-out k-NN confusion; lists the points whose labels look wrong\n"
    "(suspects: labels spread over the kNN graph, their number estimated by\n"
    "confident learning); with a map, classes each pair as real, map artefact or\n"
    "hidden, and measures the map's trustworthiness, continuity, k-NN recall and\n"
    "accuracy.  Neighbours are found on the first 50 principal components.\n"
    "\n"
    "options:\n"
    "  --label-column NAME  metadata column with the classes (default: the label column)\n"
    "  --embedding Y        a map of FILE's points (.npy/.tsv, N x 2 or 3), e.g. from `embed`\n"
    "  --method M           or make the map here: umap, tsne or pca (the map `embed --method M`\n"
    "                       makes with its defaults)\n"
    "  --seed S             the map's random seed (default 42)\n"
    "  --save-map Y         also write the map made here (.npy or .tsv)\n"
    "  -k K                 neighbours of the analysis graph (default 30)\n"
    "  --quality-k K        neighbours for the map's quality (default 15)\n"
    "  --top N              pairs and suspects to print (default 10)\n"
    "  --sample N           map quality on N random points (default: all up to 5,000, else 2,000)\n"
    "  --json FILE          also write everything as JSON\n"
    "  --tsv FILE           also write one row per point: index, label, suggested label,\n"
    "                       suspect score, suspect (1/0)\n" CLI_COMMON_HELP;

enum { OPT_LABEL_COL = 5000, OPT_EMBEDDING, OPT_TOP, OPT_SAMPLE, OPT_JSON_OUT, OPT_TSV_OUT, OPT_QUALITY_K, OPT_SAVE_MAP };

static void write_tsv(FILE *f, const ev_labels *lab, const ev_suspects *s) {
  fputs("index\tlabel\tsuggested\tscore\tsuspect\n", f);
  char *flag = calloc((size_t)(s->n_points ? s->n_points : 1), 1);
  for (int64_t r = 0; flag && r < s->n_flagged; r++) flag[s->ranked[r]] = 1;
  for (int64_t i = 0; i < s->n_points; i++) {
    int c = lab->codes[i], g = s->suggested[i];
    fprintf(f, "%lld\t%s\t%s\t", (long long)i, c >= 0 ? lab->class_names[c] : "", g >= 0 ? lab->class_names[g] : "");
    if (isnan(s->score[i])) fputs("\t", f);
    else fprintf(f, "%.6g\t", s->score[i]);
    fprintf(f, "%d\n", flag ? flag[i] : 0);
  }
  free(flag);
}

int cmd_analyze(int argc, char **argv) {
  static const struct option longopts[] = {CLI_COMMON_LONGOPTS,
                                           {"label-column", required_argument, NULL, OPT_LABEL_COL},
                                           {"embedding", required_argument, NULL, OPT_EMBEDDING},
                                           {"method", required_argument, NULL, OPT_METHOD},
                                           {"seed", required_argument, NULL, OPT_SEED},
                                           {"save-map", required_argument, NULL, OPT_SAVE_MAP},
                                           {"k", required_argument, NULL, 'k'},
                                           {"quality-k", required_argument, NULL, OPT_QUALITY_K},
                                           {"top", required_argument, NULL, OPT_TOP},
                                           {"sample", required_argument, NULL, OPT_SAMPLE},
                                           {"json", required_argument, NULL, OPT_JSON_OUT},
                                           {"tsv", required_argument, NULL, OPT_TSV_OUT},
                                           {NULL, 0, NULL, 0}};
  cli_common c;
  cli_common_init(&c);
  analysis_opts ao;
  analysis_opts_default(&ao);
  const char *emb_path = NULL, *json_path = NULL, *tsv_path = NULL, *save_map = NULL;
  int method = -1;
  long top = 10, seed = 42;
  optind = 1;
  int opt;
  while ((opt = getopt_long(argc, argv, "k:", longopts, NULL)) != -1) {
    switch (opt) {
      case OPT_HELP: fputs(help_text, stdout); return EXIT_OK;
      case OPT_LABEL_COL: ao.label_col = optarg; break;
      case OPT_EMBEDDING: emb_path = optarg; break;
      case OPT_METHOD:
        if ((method = ev_map_method_parse(optarg)) < 0)
          return cli_fail(EXIT_USAGE, "--method %s: expected umap, tsne or pca", optarg);
        break;
      case OPT_SEED:
        if (!cli_parse_long(optarg, "--seed", 0, 1L << 62, &seed)) return EXIT_USAGE;
        break;
      case OPT_SAVE_MAP: save_map = optarg; break;
      case OPT_JSON_OUT: json_path = optarg; break;
      case OPT_TSV_OUT: tsv_path = optarg; break;
      case 'k':
        if (!cli_parse_long(optarg, "-k", 1, 1000, &ao.k)) return EXIT_USAGE;
        break;
      case OPT_QUALITY_K:
        if (!cli_parse_long(optarg, "--quality-k", 1, 1000, &ao.quality_k)) return EXIT_USAGE;
        break;
      case OPT_TOP:
        if (!cli_parse_long(optarg, "--top", 0, 1000000, &top)) return EXIT_USAGE;
        break;
      case OPT_SAMPLE:
        if (!cli_parse_long(optarg, "--sample", 0, 1L << 40, &ao.sample)) return EXIT_USAGE;
        break;
      default: {
        int r = cli_common_option(&c, opt, optarg);
        if (r < 0) return EXIT_USAGE;
        if (r == 0) return cli_bad_option("analyze", argv, optind);
      }
    }
  }
  if (optind != argc - 1) return cli_fail(EXIT_USAGE, "analyze: expected one input FILE (see embview analyze --help)");
  if (emb_path && method >= 0) return cli_fail(EXIT_USAGE, "--embedding gives a map, --method makes one: not both");
  if (save_map && method < 0) return cli_fail(EXIT_USAGE, "--save-map writes the map --method makes");
  ao.n_threads = c.n_threads;
  const char *in_path = argv[optind];
  const char *outs[3] = {json_path, tsv_path, save_map};
  for (int i = 0; i < 3; i++)
    if (outs[i] && cli_check_output(outs[i], in_path, &c)) return EXIT_USAGE;
  if (save_map && cli_check_matrix_output(save_map, "--save-map")) return EXIT_USAGE;
  cli_progress_init(c.quiet);
  ev_dataset *ds = NULL, *map = NULL;
  ev_matrix *made = NULL;
  analysis a = {0};
  char about[256];
  int status = cli_load(in_path, &c, &ds);
  if (!status) status = analysis_labels(ds, &ao, &a);
  if (!status && emb_path) status = analysis_load_map(emb_path, &c, ds, &map);
  if (!status) status = analysis_graph(ds, &ao, &a);
  if (!status && method >= 0) {
    status = analysis_make_map((ev_map_method)method, ds->x, (uint64_t)seed, c.n_threads, &made, about, sizeof about);
    if (!status && save_map) status = cli_write_matrix(save_map, made);
  }
  if (!status) status = analysis_compute(ds, made ? made : map ? map->x : NULL, &ao, &a);
  cli_progress_done();
  if (!status && made) printf("map: %s\n", about);
  if (!status) analysis_print(ds, &a, top);
  if (!status && json_path) {
    cli_out out;
    if (!(status = cli_out_open(&out, json_path, "--json"))) {
      ev_json j = {0};
      ev_analysis_json(&j, a.lab, a.overlap, a.suspects, a.gy ? &a.quality : NULL);
      if (j.failed) status = cli_fail(EXIT_FAIL, "--json %s: out of memory", json_path);
      else fwrite(j.p, 1, j.len, out.f);
      ev_json_clear(&j);
      status = status ? status : cli_out_commit(&out);
    }
  }
  if (!status && tsv_path) {
    cli_out out;
    if (!(status = cli_out_open(&out, tsv_path, "--tsv"))) {
      write_tsv(out.f, a.lab, a.suspects);
      status = cli_out_commit(&out);
    }
  }
  analysis_free(&a);
  ev_matrix_free(made);
  ev_dataset_free(map);
  ev_dataset_free(ds);
  return status;
}
