/* embed_methods.c — the runners behind `embview embed --method pca|tsne|umap`. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli/embed.h"

static int fail_status(int rc) {
  return rc == EV_ENONFINITE || rc == EV_EMISMATCH ? EXIT_INPUT : rc == EV_EINVAL ? EXIT_USAGE : EXIT_FAIL;
}

/* A whole file as one matrix (an initial layout, a reference). */
static int load_matrix(const embed_job *job, const char *path, ev_matrix **out) {
  ev_dataset *ds = NULL;
  ev_notes notes = {0};
  ev_error err = {0};
  ev_load_options lo;
  cli_load_options_plain(&job->c, &lo);
  int rc = ev_dataset_load(path, &lo, &ds, &notes, &err);
  cli_print_notes(&notes);
  if (rc) return cli_fail_ev(&err, EXIT_INPUT);
  *out = ds->x;
  ds->x = NULL;
  ev_dataset_free(ds);
  return EXIT_OK;
}

/* --reference X --reference-map Y: X normalised as the input is. */
static int load_reference(const embed_job *job, ev_matrix **rx, ev_matrix **ry) {
  int status = load_matrix(job, job->ref_path, rx);
  if (!status) status = load_matrix(job, job->ref_map_path, ry);
  if (!status && job->normalize != EV_NORMALIZE_NONE) {
    ev_matrix *n = NULL;
    ev_error err = {0};
    if (ev_matrix_normalized(*rx, (ev_normalize)job->normalize, job->c.n_threads, &n, &err))
      return cli_fail_ev(&err, EXIT_FAIL);
    ev_matrix_free(*rx);
    *rx = n;
  }
  return status;
}

int embed_run_pca(const embed_job *job, const ev_matrix *x, ev_matrix **y) {
  ev_pca_params p = ev_pca_params_default();
  p.n_components = (int)job->dims;
  p.solver = (ev_pca_solver)job->solver;
  p.seed = job->seed;
  p.n_threads = job->c.n_threads;
  p.progress = cli_progress();
  ev_pca *pca = NULL;
  ev_error err = {0};
  int rc = ev_pca_fit(x, &p, &pca, &err);
  cli_progress_done();
  if (rc) return cli_fail_ev(&err, fail_status(rc));
  int status = EXIT_OK;
  if (ev_matrix_new(x->n_rows, job->dims, y, &err) || ev_pca_transform(pca, x, *y, job->c.n_threads, &err)) {
    status = cli_fail_ev(&err, EXIT_FAIL);
  } else {
    double total = 0;
    printf("pca (%s solver): %lld points x %lld dims -> %ld dims", ev_pca_solver_name(pca->solver),
           (long long)x->n_rows, (long long)x->n_cols, job->dims);
    if (job->normalize != EV_NORMALIZE_NONE) printf(", normalized: %s", ev_normalize_name((ev_normalize)job->normalize));
    printf("\nexplained variance:");
    for (int k = 0; k < pca->n_components; k++) {
      total += pca->explained_variance_ratio[k];
      if (k < 10) printf(" %.2f%%", 100 * pca->explained_variance_ratio[k]);
    }
    if (pca->n_components > 10) printf(" ...");
    printf(" (total %.2f%%)\n", 100 * total);
  }
  ev_pca_free(pca);
  return status;
}

/* Iteration (and t-SNE's KL) on the progress bar. */
typedef struct embed_watch {
  ev_progress bar;
  const char *name;
  int n_iter;
  double last_kl;
} embed_watch;

static int on_iteration(void *user, int iter, double kl, const float *y, int64_t n, int dims) {
  (void)y;
  (void)n;
  (void)dims;
  embed_watch *w = user;
  if (!isnan(kl)) w->last_kl = kl;
  char stage[96];
  if (isnan(w->last_kl))
    snprintf(stage, sizeof stage, "%s %d/%d", w->name, iter, w->n_iter);
  else
    snprintf(stage, sizeof stage, "%s %d/%d, KL %.3f", w->name, iter, w->n_iter, w->last_kl);
  return w->bar.fn(w->bar.user, stage, (double)iter / w->n_iter);
}

/* --reference X --reference-map Y: FILE's points placed into that map. */
typedef int (*transform_fn)(const ev_matrix *x_old, const ev_matrix *y_old, const ev_matrix *x_new,
                            const void *params, ev_matrix **y_new, ev_error *err);

static int tsne_transform(const ev_matrix *xo, const ev_matrix *yo, const ev_matrix *xn, const void *p,
                          ev_matrix **out, ev_error *err) {
  return ev_tsne_transform(xo, yo, xn, p, out, err);
}

static int umap_transform(const ev_matrix *xo, const ev_matrix *yo, const ev_matrix *xn, const void *p,
                          ev_matrix **out, ev_error *err) {
  return ev_umap_transform(xo, yo, xn, p, out, err);
}

static int run_transform(const embed_job *job, const ev_matrix *x, const char *name, transform_fn fn,
                         const void *params, ev_matrix **y) {
  ev_matrix *ref_x = NULL, *ref_y = NULL;
  ev_error err = {0};
  int status = load_reference(job, &ref_x, &ref_y);
  if (!status) {
    int rc = fn(ref_x, ref_y, x, params, y, &err);
    cli_progress_done();
    if (rc)
      status = cli_fail_ev(&err, fail_status(rc));
    else
      printf("%s: placed %lld points into a %lld-point %lld-D map\n", name, (long long)x->n_rows,
             (long long)ref_y->n_rows, (long long)ref_y->n_cols);
  }
  ev_matrix_free(ref_x);
  ev_matrix_free(ref_y);
  return status;
}

int embed_run_tsne(embed_job *job, const ev_matrix *x, ev_matrix **y) {
  ev_tsne_params *tp = &job->tp;
  ev_error err = {0};
  ev_matrix *init_y = NULL;
  ev_knn_graph *graph = NULL;
  int status = EXIT_OK, rc;
  tp->n_threads = job->c.n_threads;
  tp->progress = cli_progress();
  if (job->ref_path) return run_transform(job, x, "tsne", tsne_transform, tp, y);
  tp->n_dims = (int)job->dims;
  tp->seed = job->seed;
  tp->knn.seed = job->seed;
  if (!strcmp(job->init, "pca")) {
    tp->init = EV_TSNE_INIT_PCA;
  } else if (!strcmp(job->init, "random")) {
    tp->init = EV_TSNE_INIT_RANDOM;
  } else {
    if ((status = load_matrix(job, job->init, &init_y))) goto done;
    tp->init = EV_TSNE_INIT_USER;
    tp->init_y = init_y;
  }
  if (job->knn_path && ev_knn_graph_load(job->knn_path, &graph, &err)) {
    status = cli_fail_ev(&err, EXIT_INPUT);
    goto done;
  }
  embed_watch watch = {cli_progress(), "tsne: iteration", tp->n_iter, NAN};
  tp->callback = on_iteration;
  tp->callback_user = &watch;
  tp->callback_every = 1;
  ev_tsne_info info;
  rc = ev_tsne_run(x, graph, tp, y, &info, &err);
  cli_progress_done();
  if (rc) {
    status = cli_fail_ev(&err, fail_status(rc));
    goto done;
  }
  printf("tsne: %lld points x %lld dims -> %ld dims, perplexity %g (k = %d), %d iterations, KL %.4f\n",
         (long long)x->n_rows, (long long)x->n_cols, job->dims, tp->perplexity, info.k, info.n_iter, info.kl);
  printf("time: kNN %.2f s, affinities %.2f s, optimisation %.2f s (learning rate %.0f)\n", info.seconds_knn,
         info.seconds_affinities, info.seconds_optimize, info.learning_rate);
done:
  ev_matrix_free(init_y);
  ev_knn_graph_free(graph);
  return status;
}

int embed_run_umap(embed_job *job, const ev_matrix *x, ev_matrix **y) {
  ev_umap_params *up = &job->up;
  ev_error err = {0};
  ev_matrix *init_y = NULL;
  ev_knn_graph *graph = NULL;
  int status = EXIT_OK, rc;
  up->n_threads = job->c.n_threads;
  up->progress = cli_progress();
  up->seed = job->seed;
  up->knn.seed = job->seed;
  if (job->ref_path) return run_transform(job, x, "umap", umap_transform, up, y);
  up->n_dims = (int)job->dims;
  if (!strcmp(job->init, "spectral")) {
    up->init = EV_UMAP_INIT_SPECTRAL;
  } else if (!strcmp(job->init, "pca")) {
    up->init = EV_UMAP_INIT_PCA;
  } else if (!strcmp(job->init, "random")) {
    up->init = EV_UMAP_INIT_RANDOM;
  } else {
    if ((status = load_matrix(job, job->init, &init_y))) goto done;
    up->init = EV_UMAP_INIT_USER;
    up->init_y = init_y;
  }
  if (job->knn_path && ev_knn_graph_load(job->knn_path, &graph, &err)) {
    status = cli_fail_ev(&err, EXIT_INPUT);
    goto done;
  }
  int n_epochs = up->n_epochs > 0 ? up->n_epochs : x->n_rows <= 10000 ? 500 : 200;
  embed_watch watch = {cli_progress(), "umap: epoch", n_epochs, NAN};
  up->callback = on_iteration;
  up->callback_user = &watch;
  up->callback_every = 1;
  ev_umap_info info;
  rc = ev_umap_run(x, graph, up, y, &info, &err);
  cli_progress_done();
  if (rc) {
    status = cli_fail_ev(&err, fail_status(rc));
    goto done;
  }
  printf("umap: %lld points x %lld dims -> %ld dims, %d neighbours, min_dist %g (a = %.4f, b = %.4f), "
         "%d epochs, %s init",
         (long long)x->n_rows, (long long)x->n_cols, job->dims, info.k + 1, up->min_dist, info.a, info.b,
         info.n_epochs, info.init);
  if (info.n_components > 1) printf(" (%d graph components)", info.n_components);
  printf("\ntime: kNN %.2f s, fuzzy graph %.2f s, init %.2f s, optimisation %.2f s (%lld edges)\n",
         info.seconds_knn, info.seconds_graph, info.seconds_init, info.seconds_optimize, (long long)info.n_edges);
done:
  ev_matrix_free(init_y);
  ev_knn_graph_free(graph);
  return status;
}
