/* cmd_knn.c — `embview knn FILE -k K [-o graph.npz] [--recall N]`. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli/cli.h"

static const char *help_text =
    "usage: embview knn FILE [-k 15] [--metric M] [--method auto|exact|approx] [-o GRAPH.npz]\n"
    "\n"
    "Builds the k-nearest-neighbour graph (each point's k nearest other points)\n"
    "and saves it as .npz (indices int32 N x k, distances float32 N x k) for\n"
    "reuse by later commands.\n"
    "\n"
    "options:\n"
    "  -k, --k K          neighbours per point (default 15)\n"
    "  --metric M         euclidean (default), cosine, ip (inner product: distance = -<x,y>)\n"
    "  --method M         auto (default: exact while N^2*D is small, else approx), exact, approx\n"
    "  --pca-dims P       first reduce wider inputs to P PCA dimensions (default: off)\n"
    "  --trees N          approx: random-projection trees (default 5 + N^(1/4), at most 64)\n"
    "  --iters N          approx: NN-descent rounds at most (default max(5, log2 N))\n"
    "  --candidates C     approx: candidates sampled per point and round (default 32)\n"
    "  --delta X          approx: stop when a round changes fewer than X * N * k entries (0.001)\n"
    "  --recall N         measure recall against exact search on N random points (0 = all)\n"
    "  --seed S           random seed (default 42)\n"
    "  -o, --output FILE  write the graph (.npz, atomically)\n" CLI_COMMON_HELP;

enum { OPT_K = 2000, OPT_METRIC, OPT_PCA_DIMS, OPT_RECALL, OPT_TREES, OPT_ITERS, OPT_DELTA, OPT_CANDIDATES };

int cmd_knn(int argc, char **argv) {
  static const struct option longopts[] = {
      CLI_COMMON_LONGOPTS,
      {"k", required_argument, NULL, 'k'},
      {"metric", required_argument, NULL, OPT_METRIC},
      {"method", required_argument, NULL, OPT_METHOD},
      {"pca-dims", required_argument, NULL, OPT_PCA_DIMS},
      {"recall", required_argument, NULL, OPT_RECALL},
      {"trees", required_argument, NULL, OPT_TREES},
      {"iters", required_argument, NULL, OPT_ITERS},
      {"delta", required_argument, NULL, OPT_DELTA},
      {"candidates", required_argument, NULL, OPT_CANDIDATES},
      {"seed", required_argument, NULL, OPT_SEED},
      {"output", required_argument, NULL, 'o'},
      {NULL, 0, NULL, 0}};
  cli_common c;
  cli_common_init(&c);
  ev_knn_params p = ev_knn_params_default();
  const char *out_path = NULL;
  long v, recall_n = -1;
  optind = 1;
  int opt;
  while ((opt = getopt_long(argc, argv, "k:o:", longopts, NULL)) != -1) {
    switch (opt) {
      case OPT_HELP: fputs(help_text, stdout); return EXIT_OK;
      case 'k':
        if (!cli_parse_long(optarg, "-k", 1, 100000, &v)) return EXIT_USAGE;
        p.k = (int)v;
        break;
      case OPT_METRIC: {
        int m = ev_metric_parse(optarg);
        if (m < 0) return cli_fail(EXIT_USAGE, "--metric: unknown metric '%s' (euclidean, cosine, ip)", optarg);
        p.metric = (ev_metric)m;
        break;
      }
      case OPT_METHOD: {
        int m = ev_knn_method_parse(optarg);
        if (m < 0) return cli_fail(EXIT_USAGE, "--method: unknown method '%s' (auto, exact, approx)", optarg);
        p.method = (ev_knn_method)m;
        break;
      }
      case OPT_PCA_DIMS:
        if (!cli_parse_long(optarg, "--pca-dims", 0, 100000, &v)) return EXIT_USAGE;
        p.pca_dims = (int)v;
        break;
      case OPT_RECALL:
        if (!cli_parse_long(optarg, "--recall", 0, 1L << 40, &recall_n)) return EXIT_USAGE;
        break;
      case OPT_TREES:
        if (!cli_parse_long(optarg, "--trees", 1, 1024, &v)) return EXIT_USAGE;
        p.n_trees = (int)v;
        break;
      case OPT_ITERS:
        if (!cli_parse_long(optarg, "--iters", 1, 250, &v)) return EXIT_USAGE;
        p.max_iters = (int)v;
        break;
      case OPT_CANDIDATES:
        if (!cli_parse_long(optarg, "--candidates", 1, 1024, &v)) return EXIT_USAGE;
        p.max_candidates = (int)v;
        break;
      case OPT_DELTA: {
        char *end;
        double dv = strtod(optarg, &end);
        if (end == optarg || *end || !(dv >= 0 && dv < 1))
          return cli_fail(EXIT_USAGE, "--delta: '%s' is not a number in [0, 1)", optarg);
        p.delta = dv;
        break;
      }
      case OPT_SEED:
        if (!cli_parse_long(optarg, "--seed", 0, 0x7fffffffL, &v)) return EXIT_USAGE;
        p.seed = (uint64_t)v;
        break;
      case 'o': out_path = optarg; break;
      default: {
        int r = cli_common_option(&c, opt, optarg);
        if (r < 0) return EXIT_USAGE;
        if (r == 0) return cli_bad_option("knn", argv, optind);
      }
    }
  }
  if (optind != argc - 1) return cli_fail(EXIT_USAGE, "knn: expected one input FILE (see embview knn --help)");
  const char *in_path = argv[optind];
  if (out_path) {
    size_t n = strlen(out_path);
    if (n < 5 || strcasecmp(out_path + n - 4, ".npz") != 0)
      return cli_fail(EXIT_USAGE, "-o %s: the graph file name must end in .npz", out_path);
    int status = cli_check_output(out_path, in_path, &c);
    if (status) return status;
  }
  p.n_threads = c.n_threads;
  double t0 = cli_now();
  cli_progress_init(c.quiet);
  p.progress = cli_progress();
  ev_dataset *ds = NULL;
  ev_knn_graph *g = NULL;
  ev_error err = {0};
  int status = cli_load(in_path, &c, &ds);
  if (status) return status;
  double t_load = cli_now() - t0, t1 = cli_now();
  int rc = ev_knn_graph_build(ds->x, &p, &g, &err);
  cli_progress_done();
  if (rc) {
    status = cli_fail_compute(&err, rc);
    goto done;
  }
  double t_build = cli_now() - t1;
  printf("knn: %lld points x %lld dims, k = %d, %s, %s (%s) in %.2f s (load %.2f s)\n",
         (long long)ds->x->n_rows, (long long)ds->x->n_cols, p.k, ev_metric_name(p.metric),
         g->exact ? "exact" : "approximate", ev_knn_method_name(p.method), t_build, t_load);
  if (recall_n >= 0) {
    double recall;
    double t2 = cli_now();
    ev_knn_recall_params rp = ev_knn_recall_params_default();
    rp.n_sample = recall_n;
    rp.seed = p.seed;
    rp.n_threads = c.n_threads;
    rc = ev_knn_recall(ds->x, g, &rp, &recall, &err);
    if (rc) {
      status = cli_fail_ev(&err, EXIT_FAIL);
      goto done;
    }
    printf("recall@%d: %.4f on %lld points (%.2f s)\n", p.k, recall,
           (long long)(recall_n == 0 || recall_n > ds->x->n_rows ? ds->x->n_rows : recall_n), cli_now() - t2);
  }
  if (out_path) {
    if (cli_interrupted()) {
      status = cli_fail(EXIT_INTERRUPT, "interrupted; nothing written");
      goto done;
    }
    rc = ev_knn_graph_save(out_path, g, &err);
    if (rc) {
      status = cli_fail_ev(&err, EXIT_OUTPUT);
      goto done;
    }
    printf("wrote %s\n", out_path);
  }
done:
  ev_knn_graph_free(g);
  ev_dataset_free(ds);
  return status;
}
