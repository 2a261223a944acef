/* cmd_embed.c — `embview embed FILE --method pca|tsne ... -o OUT`. */
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli/cli.h"

static const char *help_text =
    "usage: embview embed FILE --method pca|tsne [--dims 2] -o OUT.npy|OUT.tsv [options]\n"
    "\n"
    "Projects the vectors and writes the coordinates (float32 .npy, or .tsv).\n"
    "\n"
    "options:\n"
    "  --method M           pca (default) or tsne (UMAP is coming)\n"
    "  --dims K             output dimensions (default 2; PCA accepts up to min(N, D), t-SNE 2 or 3)\n"
    "  -o, --output FILE    where to write; .npy or .tsv (written atomically, never over an input)\n"
    "  --normalize MODE     none (default), center, spherize (centre + unit rows, TensorBoard's\n"
    "                       default for 50+ dims), standardize (centre + unit-variance columns)\n"
    "  --seed S             random seed (default 42)\n"
    "pca:\n"
    "  --solver S           auto (default), eig (exact), randomized\n"
    "tsne:\n"
    "  --perplexity P       default 30 (needs 3 x P + 1 points)\n"
    "  --iters N            iterations in all (default 750)\n"
    "  --early-iters N      of which with early exaggeration (default 250)\n"
    "  --early-exaggeration X   default 12\n"
    "  --exaggeration X     after the early phase (default 1; 2-4 give UMAP-like layouts)\n"
    "  --learning-rate R    default N / early exaggeration\n"
    "  --dof A              degrees of freedom of the output kernel (default 1; < 1: heavier tails)\n"
    "  --init I             pca (default), random, or an .npy/.tsv file with N x dims coordinates\n"
    "  --knn GRAPH.npz      a kNN graph saved by `embview knn` (else built here, k = 3 x perplexity)\n"
    "  --knn-method M       auto (default), exact, approx\n"
    "  --metric M           distance for the kNN graph: euclidean (default), cosine\n"
    "  --reference X --reference-map Y\n"
    "                       place FILE's points into an existing map instead: X holds the map's\n"
    "                       vectors, Y its coordinates (openTSNE's transform; Y's points stay put)\n" CLI_COMMON_HELP;

enum {
  OPT_PERPLEXITY = 3000,
  OPT_ITERS,
  OPT_EARLY_ITERS,
  OPT_EARLY_EXAG,
  OPT_EXAG,
  OPT_LR,
  OPT_DOF,
  OPT_INIT,
  OPT_KNN,
  OPT_KNN_METHOD,
  OPT_METRIC_E,
  OPT_REFERENCE,
  OPT_REFERENCE_MAP
};

static int has_ext(const char *path, const char *ext) {
  size_t n = strlen(path), k = strlen(ext);
  return n > k && !strcasecmp(path + n - k, ext);
}

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

/* t-SNE progress: iteration and KL on the bar. */
typedef struct tsne_watch {
  ev_progress bar;
  int n_iter;
  double last_kl;
} tsne_watch;

static int on_tsne(void *user, int iter, double kl, const float *y, int64_t n, int dims) {
  (void)y;
  (void)n;
  (void)dims;
  tsne_watch *w = user;
  if (!isnan(kl)) w->last_kl = kl;
  char stage[96];
  if (isnan(w->last_kl))
    snprintf(stage, sizeof stage, "tsne: iteration %d/%d", iter, w->n_iter);
  else
    snprintf(stage, sizeof stage, "tsne: iteration %d/%d, KL %.3f", iter, w->n_iter, w->last_kl);
  return w->bar.fn(w->bar.user, stage, (double)iter / w->n_iter);
}

int cmd_embed(int argc, char **argv) {
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
      {"learning-rate", required_argument, NULL, OPT_LR},
      {"dof", required_argument, NULL, OPT_DOF},
      {"init", required_argument, NULL, OPT_INIT},
      {"knn", required_argument, NULL, OPT_KNN},
      {"knn-method", required_argument, NULL, OPT_KNN_METHOD},
      {"metric", required_argument, NULL, OPT_METRIC_E},
      {"reference", required_argument, NULL, OPT_REFERENCE},
      {"reference-map", required_argument, NULL, OPT_REFERENCE_MAP},
      {NULL, 0, NULL, 0}};
  cli_common c;
  cli_common_init(&c);
  const char *method = "pca", *out_path = NULL, *init = "pca", *knn_path = NULL;
  const char *ref_path = NULL, *ref_map_path = NULL;
  long dims = 2, seed = 42, v;
  int normalize = EV_NORMALIZE_NONE, solver = EV_PCA_AUTO;
  ev_tsne_params tp = ev_tsne_params_default();
  int dims_given = 0;
  optind = 1;
  int opt;
  while ((opt = getopt_long(argc, argv, "o:", longopts, NULL)) != -1) {
    switch (opt) {
      case OPT_HELP: fputs(help_text, stdout); return EXIT_OK;
      case OPT_METHOD: method = optarg; break;
      case 'o': out_path = optarg; break;
      case OPT_DIMS:
        if (!cli_parse_long(optarg, "--dims", 1, 100000, &dims)) return EXIT_USAGE;
        dims_given = 1;
        break;
      case OPT_SEED:
        if (!cli_parse_long(optarg, "--seed", 0, 0x7fffffffL, &seed)) return EXIT_USAGE;
        break;
      case OPT_NORMALIZE:
        normalize = ev_normalize_parse(optarg);
        if (normalize < 0)
          return cli_fail(EXIT_USAGE, "--normalize: unknown mode '%s' (none, center, spherize, standardize)", optarg);
        break;
      case OPT_SOLVER:
        solver = ev_pca_solver_parse(optarg);
        if (solver < 0) return cli_fail(EXIT_USAGE, "--solver: unknown solver '%s' (auto, eig, randomized)", optarg);
        break;
      case OPT_PERPLEXITY:
        if (!parse_double(optarg, "--perplexity", 1e-3, 1e6, &tp.perplexity)) return EXIT_USAGE;
        break;
      case OPT_ITERS:
        if (!cli_parse_long(optarg, "--iters", 0, 1000000, &v)) return EXIT_USAGE;
        tp.n_iter = (int)v;
        break;
      case OPT_EARLY_ITERS:
        if (!cli_parse_long(optarg, "--early-iters", 0, 1000000, &v)) return EXIT_USAGE;
        tp.early_iter = (int)v;
        break;
      case OPT_EARLY_EXAG:
        if (!parse_double(optarg, "--early-exaggeration", 0, 1e4, &tp.early_exaggeration)) return EXIT_USAGE;
        break;
      case OPT_EXAG:
        if (!parse_double(optarg, "--exaggeration", 0, 1e4, &tp.exaggeration)) return EXIT_USAGE;
        break;
      case OPT_LR:
        if (!parse_double(optarg, "--learning-rate", 1e-6, 1e9, &tp.learning_rate)) return EXIT_USAGE;
        break;
      case OPT_DOF:
        if (!parse_double(optarg, "--dof", 1e-3, 1e3, &tp.dof)) return EXIT_USAGE;
        break;
      case OPT_INIT: init = optarg; break;
      case OPT_REFERENCE: ref_path = optarg; break;
      case OPT_REFERENCE_MAP: ref_map_path = optarg; break;
      case OPT_KNN: knn_path = optarg; break;
      case OPT_KNN_METHOD: {
        int m = ev_knn_method_parse(optarg);
        if (m < 0) return cli_fail(EXIT_USAGE, "--knn-method: unknown method '%s' (auto, exact, approx)", optarg);
        tp.knn.method = (ev_knn_method)m;
        break;
      }
      case OPT_METRIC_E: {
        int m = ev_metric_parse(optarg);
        if (m < 0 || m == EV_METRIC_INNER_PRODUCT)
          return cli_fail(EXIT_USAGE, "--metric: '%s' is not usable for t-SNE (euclidean, cosine)", optarg);
        tp.knn.metric = (ev_metric)m;
        break;
      }
      default: {
        int r = cli_common_option(&c, opt, optarg);
        if (r < 0) return EXIT_USAGE;
        if (r == 0) return cli_bad_option("embed", argv, optind);
      }
    }
  }
  if (optind != argc - 1) return cli_fail(EXIT_USAGE, "embed: expected one input FILE (see embview embed --help)");
  int is_pca = !strcmp(method, "pca"), is_tsne = !strcmp(method, "tsne");
  if (!is_pca && !is_tsne) {
    if (!strcmp(method, "umap")) return cli_fail(EXIT_USAGE, "--method umap is not available in this version yet; use pca or tsne");
    return cli_fail(EXIT_USAGE, "--method: unknown method '%s' (pca, tsne)", method);
  }
  if ((ref_path != NULL) != (ref_map_path != NULL))
    return cli_fail(EXIT_USAGE, "--reference and --reference-map go together");
  if (ref_path && !is_tsne) return cli_fail(EXIT_USAGE, "--reference works with --method tsne");
  if (is_tsne && dims_given && dims != 2 && dims != 3)
    return cli_fail(EXIT_USAGE, "--dims: t-SNE makes 2-D or 3-D maps, got %ld", dims);
  if (!out_path) return cli_fail(EXIT_USAGE, "embed: -o OUT is required (.npy or .tsv)");
  int as_npy = has_ext(out_path, ".npy"), as_tsv = has_ext(out_path, ".tsv");
  if (!as_npy && !as_tsv) return cli_fail(EXIT_USAGE, "-o %s: the output name must end in .npy or .tsv", out_path);
  const char *in_path = argv[optind];
  int status = cli_check_output(out_path, in_path, &c);
  if (status) return status;

  double t0 = cli_now();
  cli_progress_init(c.quiet);
  ev_dataset *ds = NULL;
  ev_matrix *xn = NULL, *y = NULL, *init_y = NULL, *ref_x = NULL, *ref_y = NULL;
  ev_pca *pca = NULL;
  ev_knn_graph *graph = NULL;
  ev_error err = {0};
  status = cli_load(in_path, &c, &ds);
  if (status) goto done;
  double t_load = cli_now() - t0;
  const ev_matrix *x = ds->x;
  if (normalize != EV_NORMALIZE_NONE) {
    if (ev_matrix_normalized(ds->x, (ev_normalize)normalize, c.n_threads, &xn, &err)) {
      status = cli_fail_ev(&err, EXIT_FAIL);
      goto done;
    }
    x = xn;
  }
  int rc;
  if (is_pca) {
    ev_pca_params p = ev_pca_params_default();
    p.n_components = (int)dims;
    p.solver = (ev_pca_solver)solver;
    p.seed = (uint64_t)seed;
    p.n_threads = c.n_threads;
    p.progress = cli_progress();
    rc = ev_pca_fit(x, &p, &pca, &err);
    cli_progress_done();
    if (rc) {
      status = cli_fail_ev(&err, rc == EV_ENONFINITE ? EXIT_INPUT : rc == EV_EINVAL ? EXIT_USAGE : EXIT_FAIL);
      goto done;
    }
    if (ev_matrix_new(x->n_rows, (int64_t)dims, &y, &err) || ev_pca_transform(pca, x, y, c.n_threads, &err)) {
      status = cli_fail_ev(&err, EXIT_FAIL);
      goto done;
    }
  } else if (ref_path) {
    ev_dataset *rds = NULL;
    ev_notes notes = {0};
    ev_load_options lo;
    ev_load_options_default(&lo);
    if (ev_dataset_load(ref_path, &lo, &rds, &notes, &err) == EV_OK) {
      ref_x = rds->x;
      rds->x = NULL;
      ev_dataset_free(rds);
      rds = NULL;
      rc = ev_dataset_load(ref_map_path, &lo, &rds, &notes, &err);
      if (rc == EV_OK) {
        ref_y = rds->x;
        rds->x = NULL;
        ev_dataset_free(rds);
      }
    }
    cli_print_notes(&notes);
    if (!ref_x || !ref_y) {
      status = cli_fail_ev(&err, EXIT_INPUT);
      goto done;
    }
    const ev_matrix *rx = ref_x;
    ev_matrix *rxn = NULL;
    if (normalize != EV_NORMALIZE_NONE) { /* the reference as the input: normalised alike */
      if (ev_matrix_normalized(ref_x, (ev_normalize)normalize, c.n_threads, &rxn, &err)) {
        status = cli_fail_ev(&err, EXIT_FAIL);
        goto done;
      }
      rx = rxn;
    }
    tp.n_threads = c.n_threads;
    tp.progress = cli_progress();
    rc = ev_tsne_transform(rx, ref_y, x, &tp, &y, &err);
    ev_matrix_free(rxn);
    cli_progress_done();
    if (rc) {
      status = cli_fail_ev(&err, rc == EV_ENONFINITE || rc == EV_EMISMATCH ? EXIT_INPUT
                                 : rc == EV_EINVAL                         ? EXIT_USAGE
                                                                           : EXIT_FAIL);
      goto done;
    }
    dims = y->n_cols;
    printf("tsne: placed %lld points into a %lld-point %lld-D map\n", (long long)x->n_rows,
           (long long)ref_y->n_rows, (long long)ref_y->n_cols);
  } else {
    tp.n_dims = (int)dims;
    tp.seed = (uint64_t)seed;
    tp.knn.seed = (uint64_t)seed;
    tp.n_threads = c.n_threads;
    tp.progress = cli_progress();
    if (!strcmp(init, "pca")) {
      tp.init = EV_TSNE_INIT_PCA;
    } else if (!strcmp(init, "random")) {
      tp.init = EV_TSNE_INIT_RANDOM;
    } else {
      ev_dataset *ids = NULL;
      ev_notes notes = {0};
      ev_load_options lo;
      ev_load_options_default(&lo);
      if (ev_dataset_load(init, &lo, &ids, &notes, &err)) {
        status = cli_fail_ev(&err, EXIT_INPUT);
        goto done;
      }
      init_y = ids->x;
      ids->x = NULL;
      ev_dataset_free(ids);
      tp.init = EV_TSNE_INIT_USER;
      tp.init_y = init_y;
    }
    if (knn_path && ev_knn_graph_load(knn_path, &graph, &err)) {
      status = cli_fail_ev(&err, EXIT_INPUT);
      goto done;
    }
    tsne_watch watch = {cli_progress(), tp.n_iter, NAN};
    tp.callback = on_tsne;
    tp.callback_user = &watch;
    tp.callback_every = 1;
    ev_tsne_info info;
    rc = ev_tsne_run(x, graph, &tp, &y, &info, &err);
    cli_progress_done();
    if (rc) {
      status = cli_fail_ev(&err, rc == EV_ENONFINITE || rc == EV_EMISMATCH ? EXIT_INPUT
                                 : rc == EV_EINVAL                         ? EXIT_USAGE
                                                                           : EXIT_FAIL);
      goto done;
    }
    printf("tsne: %lld points x %lld dims -> %ld dims, perplexity %g (k = %d), %d iterations, KL %.4f\n",
           (long long)x->n_rows, (long long)x->n_cols, dims, tp.perplexity, info.k, info.n_iter, info.kl);
    printf("time: kNN %.2f s, affinities %.2f s, optimisation %.2f s (learning rate %.0f)\n", info.seconds_knn,
           info.seconds_affinities, info.seconds_optimize, info.learning_rate);
  }
  if (cli_interrupted()) {
    status = cli_fail(EXIT_INTERRUPT, "interrupted; nothing written");
    goto done;
  }
  rc = as_npy ? ev_npy_write(out_path, y, &err) : ev_tsv_write(out_path, y, &err);
  if (rc) {
    status = cli_fail_ev(&err, EXIT_OUTPUT);
    goto done;
  }
  if (is_pca) {
    double total = 0;
    printf("pca (%s solver): %lld points x %lld dims -> %ld dims", ev_pca_solver_name(pca->solver),
           (long long)x->n_rows, (long long)x->n_cols, dims);
    if (normalize != EV_NORMALIZE_NONE) printf(", normalized: %s", ev_normalize_name((ev_normalize)normalize));
    printf("\nexplained variance:");
    for (int k = 0; k < pca->n_components; k++) {
      total += pca->explained_variance_ratio[k];
      if (k < 10) printf(" %.2f%%", 100 * pca->explained_variance_ratio[k]);
    }
    if (pca->n_components > 10) printf(" ...");
    printf(" (total %.2f%%)\n", 100 * total);
  }
  printf("wrote %s (%lld x %ld float32) in %.2f s (load %.2f s)\n", out_path, (long long)y->n_rows, dims,
         cli_now() - t0, t_load);
done:
  ev_matrix_free(y);
  ev_matrix_free(xn);
  ev_matrix_free(init_y);
  ev_matrix_free(ref_x);
  ev_matrix_free(ref_y);
  ev_pca_free(pca);
  ev_knn_graph_free(graph);
  ev_dataset_free(ds);
  return status;
}
