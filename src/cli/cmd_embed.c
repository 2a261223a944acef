/* cmd_embed.c — `embview embed FILE --method pca|tsne|umap ... -o OUT`:
 * options, loading, normalising and writing; embed_methods.c runs each method. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli/embed.h"

static const char *help_text =
    "usage: embview embed FILE --method pca|tsne|umap [--dims 2] -o OUT.npy|OUT.tsv [options]\n"
    "\n"
    "Projects the vectors and writes the coordinates (float32 .npy, or .tsv).\n"
    "\n"
    "options:\n"
    "  --method M           pca (default), tsne or umap\n"
    "  --dims K             output dimensions (default 2; PCA up to min(N, D), t-SNE 2 or 3, UMAP any)\n"
    "  -o, --output FILE    where to write; .npy or .tsv (written atomically, never over an input)\n"
    "  --normalize MODE     none (default), center, spherize (centre + unit rows, TensorBoard's\n"
    "                       default for 50+ dims), standardize (centre + unit-variance columns)\n"
    "  --seed S             random seed (default 42)\n"
    "pca:\n"
    "  --solver S           auto (default), eig (exact), randomized\n"
    "tsne and umap:\n"
    "  --init I             tsne: pca (default) or random; umap: spectral (default), pca or random;\n"
    "                       or an .npy/.tsv file with N x dims coordinates\n"
    "  --knn GRAPH.npz      a kNN graph saved by `embview knn` (else built here)\n"
    "  --knn-method M       auto (default), exact, approx\n"
    "  --metric M           distance for the kNN graph: euclidean (default), cosine; umap also ip\n"
    "  --learning-rate R    tsne: default N / the phase's exaggeration, at least 50; umap: initial rate, default 1\n"
    "  --reference X --reference-map Y\n"
    "                       place FILE's points into an existing map instead: X holds the map's\n"
    "                       vectors, Y its coordinates (Y's points stay put)\n"
    "tsne:\n"
    "  --perplexity P       default 30 (needs 3 x P + 1 points; k = 3 x P neighbours)\n"
    "  --iters N            iterations in all (default 750)\n"
    "  --early-iters N      of which with early exaggeration (default 250)\n"
    "  --early-exaggeration X   default 12\n"
    "  --exaggeration X     after the early phase (default 1; 2-4 give UMAP-like layouts)\n"
    "  --dof A              degrees of freedom of the output kernel (default 1; < 1: heavier tails)\n"
    "  --theta T            3-D maps' Barnes-Hut opening angle (default 1.0 early, then 0.7;\n"
    "                       smaller is more exact and slower)\n"
    "umap:\n"
    "  --neighbors N        neighbourhood size, the point included (default 15)\n"
    "  --min-dist X         default 0.1\n"
    "  --spread X           default 1\n"
    "  --epochs N           default 500 up to 10,000 points, else 200\n"
    "  --negative-rate N    negative samples per positive one (default 5)\n"
    "  --sgd MODE           deterministic (default: same result for any thread count) or\n"
    "                       hogwild (umap-learn's lock-free updates; not reproducible)\n" CLI_COMMON_HELP;

enum {
  OPT_PERPLEXITY = 3000,
  OPT_ITERS,
  OPT_EARLY_ITERS,
  OPT_EARLY_EXAG,
  OPT_EXAG,
  OPT_LR,
  OPT_DOF,
  OPT_THETA,
  OPT_INIT,
  OPT_KNN,
  OPT_KNN_METHOD,
  OPT_METRIC_E,
  OPT_REFERENCE,
  OPT_REFERENCE_MAP,
  OPT_NEIGHBORS,
  OPT_MIN_DIST,
  OPT_SPREAD,
  OPT_EPOCHS,
  OPT_NEG_RATE,
  OPT_SGD
};

static int parse_double(const char *s, const char *what, double min, double max, double *out) {
  char *end;
  double v = strtod(s, &end);
  if (end == s || *end || !(v >= min && v <= max)) {
    cli_fail(EXIT_USAGE, "%s: '%s' is not a number in %g..%g", what, s, min, max);
    return 0;
  }
  *out = v;
  return 1;
}

static int parse_int(const char *s, const char *what, long min, long max, int *out) {
  long v;
  if (!cli_parse_long(s, what, min, max, &v)) return 0;
  *out = (int)v;
  return 1;
}

/* Options into job; returns -1 to go on, else an exit status. */
static int parse_options(int argc, char **argv, embed_job *job) {
  static const struct option longopts[] = {
      CLI_COMMON_LONGOPTS,
      {"method", required_argument, NULL, OPT_METHOD},
      {"dims", required_argument, NULL, OPT_DIMS},
      {"output", required_argument, NULL, 'o'},
      {"normalize", required_argument, NULL, OPT_NORMALIZE},
      {"solver", required_argument, NULL, OPT_SOLVER},
      {"seed", required_argument, NULL, OPT_SEED},
      {"perplexity", required_argument, NULL, OPT_PERPLEXITY},
      {"iters", required_argument, NULL, OPT_ITERS},
      {"early-iters", required_argument, NULL, OPT_EARLY_ITERS},
      {"early-exaggeration", required_argument, NULL, OPT_EARLY_EXAG},
      {"exaggeration", required_argument, NULL, OPT_EXAG},
      {"theta", required_argument, NULL, OPT_THETA},
      {"learning-rate", required_argument, NULL, OPT_LR},
      {"dof", required_argument, NULL, OPT_DOF},
      {"init", required_argument, NULL, OPT_INIT},
      {"knn", required_argument, NULL, OPT_KNN},
      {"knn-method", required_argument, NULL, OPT_KNN_METHOD},
      {"metric", required_argument, NULL, OPT_METRIC_E},
      {"reference", required_argument, NULL, OPT_REFERENCE},
      {"reference-map", required_argument, NULL, OPT_REFERENCE_MAP},
      {"neighbors", required_argument, NULL, OPT_NEIGHBORS},
      {"min-dist", required_argument, NULL, OPT_MIN_DIST},
      {"spread", required_argument, NULL, OPT_SPREAD},
      {"epochs", required_argument, NULL, OPT_EPOCHS},
      {"negative-rate", required_argument, NULL, OPT_NEG_RATE},
      {"sgd", required_argument, NULL, OPT_SGD},
      {NULL, 0, NULL, 0}};
  ev_tsne_params *tp = &job->tp;
  ev_umap_params *up = &job->up;
  int dims_given = 0, metric = -1;
  long seed = 42;
  double lr = 0;
  optind = 1;
  int opt;
  while ((opt = getopt_long(argc, argv, "o:", longopts, NULL)) != -1) {
    switch (opt) {
      case OPT_HELP: fputs(help_text, stdout); return EXIT_OK;
      case OPT_METHOD: job->method = optarg; break;
      case 'o': job->out_path = optarg; break;
      case OPT_DIMS:
        if (!cli_parse_long(optarg, "--dims", 1, 100000, &job->dims)) return EXIT_USAGE;
        dims_given = 1;
        break;
      case OPT_SEED:
        if (!cli_parse_long(optarg, "--seed", 0, 0x7fffffffL, &seed)) return EXIT_USAGE;
        break;
      case OPT_NORMALIZE:
        job->normalize = ev_normalize_parse(optarg);
        if (job->normalize < 0)
          return cli_fail(EXIT_USAGE, "--normalize: unknown mode '%s' (none, center, spherize, standardize)", optarg);
        break;
      case OPT_SOLVER:
        job->solver = ev_pca_solver_parse(optarg);
        if (job->solver < 0) return cli_fail(EXIT_USAGE, "--solver: unknown solver '%s' (auto, eig, randomized)", optarg);
        break;
      case OPT_PERPLEXITY:
        if (!parse_double(optarg, "--perplexity", 1e-3, 1e6, &tp->perplexity)) return EXIT_USAGE;
        break;
      case OPT_ITERS:
        if (!parse_int(optarg, "--iters", 0, 1000000, &tp->n_iter)) return EXIT_USAGE;
        break;
      case OPT_EARLY_ITERS:
        if (!parse_int(optarg, "--early-iters", 0, 1000000, &tp->early_iter)) return EXIT_USAGE;
        break;
      case OPT_EARLY_EXAG:
        if (!parse_double(optarg, "--early-exaggeration", 0, 1e4, &tp->early_exaggeration)) return EXIT_USAGE;
        break;
      case OPT_EXAG:
        if (!parse_double(optarg, "--exaggeration", 0, 1e4, &tp->exaggeration)) return EXIT_USAGE;
        break;
      case OPT_LR:
        if (!parse_double(optarg, "--learning-rate", 1e-6, 1e9, &lr)) return EXIT_USAGE;
        break;
      case OPT_THETA:
        if (!parse_double(optarg, "--theta", 0.05, 2, &tp->theta)) return EXIT_USAGE;
        tp->early_theta = tp->theta; /* one angle for both phases */
        break;
      case OPT_DOF:
        if (!parse_double(optarg, "--dof", 1e-3, 1e3, &tp->dof)) return EXIT_USAGE;
        break;
      case OPT_NEIGHBORS:
        if (!parse_int(optarg, "--neighbors", 2, 10000, &up->n_neighbors)) return EXIT_USAGE;
        break;
      case OPT_MIN_DIST:
        if (!parse_double(optarg, "--min-dist", 0, 1e6, &up->min_dist)) return EXIT_USAGE;
        break;
      case OPT_SPREAD:
        if (!parse_double(optarg, "--spread", 1e-6, 1e6, &up->spread)) return EXIT_USAGE;
        break;
      case OPT_EPOCHS:
        if (!parse_int(optarg, "--epochs", 1, 1000000, &up->n_epochs)) return EXIT_USAGE;
        break;
      case OPT_NEG_RATE:
        if (!parse_int(optarg, "--negative-rate", 0, 1000, &up->negative_sample_rate)) return EXIT_USAGE;
        break;
      case OPT_SGD: {
        int sgd = ev_umap_sgd_parse(optarg);
        if (sgd < 0) return cli_fail(EXIT_USAGE, "--sgd: unknown mode '%s' (deterministic, hogwild)", optarg);
        up->sgd = (ev_umap_sgd)sgd;
        break;
      }
      case OPT_INIT: job->init = optarg; break;
      case OPT_REFERENCE: job->ref_path = optarg; break;
      case OPT_REFERENCE_MAP: job->ref_map_path = optarg; break;
      case OPT_KNN: job->knn_path = optarg; break;
      case OPT_KNN_METHOD: {
        int m = ev_knn_method_parse(optarg);
        if (m < 0) return cli_fail(EXIT_USAGE, "--knn-method: unknown method '%s' (auto, exact, approx)", optarg);
        tp->knn.method = up->knn.method = (ev_knn_method)m;
        break;
      }
      case OPT_METRIC_E:
        metric = ev_metric_parse(optarg);
        if (metric < 0) return cli_fail(EXIT_USAGE, "--metric: unknown metric '%s' (euclidean, cosine, ip)", optarg);
        break;
      default: {
        int r = cli_common_option(&job->c, opt, optarg);
        if (r < 0) return EXIT_USAGE;
        if (r == 0) return cli_bad_option("embed", argv, optind);
      }
    }
  }
  if (optind != argc - 1) return cli_fail(EXIT_USAGE, "embed: expected one input FILE (see embview embed --help)");
  job->in_path = argv[optind];
  job->seed = (uint64_t)seed;
  int method = ev_map_method_parse(job->method);
  if (method < 0) return cli_fail(EXIT_USAGE, "--method: unknown method '%s' (pca, tsne, umap)", job->method);
  int is_pca = method == EV_MAP_PCA, is_tsne = method == EV_MAP_TSNE, is_umap = method == EV_MAP_UMAP;
  if ((job->ref_path != NULL) != (job->ref_map_path != NULL))
    return cli_fail(EXIT_USAGE, "--reference and --reference-map go together");
  if (job->ref_path && is_pca) return cli_fail(EXIT_USAGE, "--reference works with --method tsne or umap");
  if (is_tsne && dims_given && job->dims != 2 && job->dims != 3)
    return cli_fail(EXIT_USAGE, "--dims: t-SNE makes 2-D or 3-D maps, got %ld", job->dims);
  if (is_umap && job->dims > 1000) return cli_fail(EXIT_USAGE, "--dims: UMAP makes at most 1000-D layouts, got %ld", job->dims);
  if (metric >= 0) {
    if (is_tsne && metric == EV_METRIC_INNER_PRODUCT)
      return cli_fail(EXIT_USAGE, "--metric: 'ip' is not usable for t-SNE (euclidean, cosine)");
    tp->knn.metric = up->knn.metric = (ev_metric)metric;
  }
  if (lr > 0) tp->learning_rate = up->learning_rate = lr;
  if (!job->init) job->init = is_umap ? ev_umap_init_name(up->init) : ev_tsne_init_name(tp->init);
  if (is_tsne && ev_umap_init_parse(job->init) == EV_UMAP_INIT_SPECTRAL)
    return cli_fail(EXIT_USAGE, "--init: t-SNE starts from pca, random or a file, not spectral");
  if (!job->out_path) return cli_fail(EXIT_USAGE, "embed: -o OUT is required (.npy or .tsv)");
  if (cli_check_matrix_output(job->out_path, "-o")) return EXIT_USAGE;
  return -1;
}

int cmd_embed(int argc, char **argv) {
  embed_job job;
  memset(&job, 0, sizeof job);
  cli_common_init(&job.c);
  job.method = "pca";
  job.dims = 2;
  job.normalize = EV_NORMALIZE_NONE;
  job.solver = EV_PCA_AUTO;
  job.tp = ev_tsne_params_default();
  job.up = ev_umap_params_default();
  int status = parse_options(argc, argv, &job);
  if (status >= 0) return status;
  status = cli_check_output(job.out_path, job.in_path, &job.c);
  if (status) return status;

  double t0 = cli_now();
  cli_progress_init(job.c.quiet);
  ev_dataset *ds = NULL;
  ev_matrix *xn = NULL, *y = NULL;
  ev_error err = {0};
  status = cli_load(job.in_path, &job.c, &ds);
  if (status) goto done;
  double t_load = cli_now() - t0;
  const ev_matrix *x = ds->x;
  if (job.normalize != EV_NORMALIZE_NONE) {
    if (ev_matrix_normalized(ds->x, (ev_normalize)job.normalize, job.c.n_threads, &xn, &err)) {
      status = cli_fail_ev(&err, EXIT_FAIL);
      goto done;
    }
    x = xn;
  }
  status = embed_run(&job, x, &y);
  if (status) goto done;
  if (cli_interrupted()) {
    status = cli_fail(EXIT_INTERRUPT, "interrupted; nothing written");
    goto done;
  }
  if ((status = cli_write_matrix(job.out_path, y))) goto done;
  printf("wrote %s (%lld x %lld float32) in %.2f s (load %.2f s)\n", job.out_path, (long long)y->n_rows,
         (long long)y->n_cols, cli_now() - t0, t_load);
done:
  ev_matrix_free(y);
  ev_matrix_free(xn);
  ev_dataset_free(ds);
  return status;
}
