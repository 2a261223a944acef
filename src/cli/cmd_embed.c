/* cmd_embed.c — `embview embed FILE --method pca ... -o OUT`. */
#include <getopt.h>
#include <string.h>
#include <strings.h>

#include "cli/cli.h"

static const char *help_text =
    "usage: embview embed FILE --method pca [--dims 2] -o OUT.npy|OUT.tsv [options]\n"
    "\n"
    "Projects the vectors and writes the coordinates (float32 .npy, or .tsv).\n"
    "\n"
    "options:\n"
    "  --method M         pca (t-SNE and UMAP are coming)\n"
    "  --dims K           output dimensions (default 2; PCA accepts up to min(N, D))\n"
    "  -o, --output FILE  where to write; .npy or .tsv (written atomically, never over an input)\n"
    "  --normalize MODE   none (default), center, spherize (centre + unit rows, TensorBoard's\n"
    "                     default for 50+ dims), standardize (centre + unit-variance columns)\n"
    "  --solver S         pca solver: auto (default), eig (exact), randomized\n"
    "  --seed S           random seed (default 42)\n" CLI_COMMON_HELP;

static int has_ext(const char *path, const char *ext) {
  size_t n = strlen(path), k = strlen(ext);
  return n > k && !strcasecmp(path + n - k, ext);
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
      {NULL, 0, NULL, 0}};
  cli_common c;
  cli_common_init(&c);
  const char *method = "pca", *out_path = NULL;
  long dims = 2, seed = 42;
  int normalize = EV_NORMALIZE_NONE, solver = EV_PCA_AUTO;
  optind = 1;
  int opt;
  while ((opt = getopt_long(argc, argv, "o:", longopts, NULL)) != -1) {
    switch (opt) {
      case OPT_HELP: fputs(help_text, stdout); return EXIT_OK;
      case OPT_METHOD: method = optarg; break;
      case 'o': out_path = optarg; break;
      case OPT_DIMS:
        if (!cli_parse_long(optarg, "--dims", 1, 100000, &dims)) return EXIT_USAGE;
        break;
      case OPT_SEED:
        if (!cli_parse_long(optarg, "--seed", 0, 0x7fffffffL, &seed)) return EXIT_USAGE;
        break;
      case OPT_NORMALIZE:
        normalize = ev_normalize_parse(optarg);
        if (normalize < 0)
          return cli_fail(EXIT_USAGE,
                          "--normalize: unknown mode '%s' (none, center, spherize, standardize)", optarg);
        break;
      case OPT_SOLVER:
        solver = ev_pca_solver_parse(optarg);
        if (solver < 0)
          return cli_fail(EXIT_USAGE, "--solver: unknown solver '%s' (auto, eig, randomized)", optarg);
        break;
      default: {
        int r = cli_common_option(&c, opt, optarg);
        if (r < 0) return EXIT_USAGE;
        if (r == 0) return cli_bad_option("embed", argv, optind);
      }
    }
  }
  if (optind != argc - 1)
    return cli_fail(EXIT_USAGE, "embed: expected one input FILE (see embview embed --help)");
  if (strcmp(method, "pca") != 0) {
    if (!strcmp(method, "tsne") || !strcmp(method, "umap"))
      return cli_fail(EXIT_USAGE, "--method %s is not available in this version yet; use pca", method);
    return cli_fail(EXIT_USAGE, "--method: unknown method '%s' (pca)", method);
  }
  if (!out_path) return cli_fail(EXIT_USAGE, "embed: -o OUT is required (.npy or .tsv)");
  int as_npy = has_ext(out_path, ".npy"), as_tsv = has_ext(out_path, ".tsv");
  if (!as_npy && !as_tsv)
    return cli_fail(EXIT_USAGE, "-o %s: the output name must end in .npy or .tsv", out_path);
  const char *in_path = argv[optind];
  int status = cli_check_output(out_path, in_path, &c);
  if (status) return status;

  double t0 = cli_now();
  cli_progress_init(c.quiet);
  ev_dataset *ds = NULL;
  ev_matrix *xn = NULL, *y = NULL;
  ev_pca *pca = NULL;
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
  ev_pca_params p = ev_pca_params_default();
  p.n_components = (int)dims;
  p.solver = (ev_pca_solver)solver;
  p.seed = (uint64_t)seed;
  p.n_threads = c.n_threads;
  p.progress = cli_progress();
  int rc = ev_pca_fit(x, &p, &pca, &err);
  cli_progress_done();
  if (rc) {
    status = cli_fail_ev(&err, rc == EV_ENONFINITE ? EXIT_INPUT : rc == EV_EINVAL ? EXIT_USAGE : EXIT_FAIL);
    goto done;
  }
  if (ev_matrix_new(x->n_rows, (int64_t)dims, &y, &err) ||
      ev_pca_transform(pca, x, y, c.n_threads, &err)) {
    status = cli_fail_ev(&err, EXIT_FAIL);
    goto done;
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
  printf("wrote %s (%lld x %ld float32) in %.2f s (load %.2f s)\n", out_path, (long long)y->n_rows,
         dims, cli_now() - t0, t_load);
done:
  ev_matrix_free(y);
  ev_matrix_free(xn);
  ev_pca_free(pca);
  ev_dataset_free(ds);
  return status;
}
