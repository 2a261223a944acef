/* embed_methods.c — `embview embed`: the map by the library's one recipe
 * (ev_map_compute), a user's initial layout or graph, placing points into
 * an existing map, and the one-line summaries. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli/embed.h"

/* A whole file as one matrix (an initial layout, a reference). */
static int load_matrix(const embed_job *job, const char *path, ev_matrix **out) {
  ev_dataset *ds = NULL;
  ev_notes notes = {0};
  ev_error err = {0};
  ev_load_options lo = cli_load_options_plain(&job->c);
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

/* Iteration (and t-SNE's KL) on the progress bar. */
typedef struct embed_watch {
  ev_progress bar;
  const char *name;
  double last_kl;
} embed_watch;

static int on_frame(void *user, const ev_embed_frame *f) {
  embed_watch *w = user;
  if (!isnan(f->kl)) w->last_kl = f->kl;
  char stage[96];
  if (isnan(w->last_kl))
    snprintf(stage, sizeof stage, "%s %d/%d", w->name, f->iteration, f->n_iterations);
  else
    snprintf(stage, sizeof stage, "%s %d/%d, KL %.3f", w->name, f->iteration, f->n_iterations, w->last_kl);
  return w->bar.fn(w->bar.user, stage, (double)f->iteration / f->n_iterations);
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
      status = cli_fail_compute(&err, rc);
    else
      printf("%s: placed %lld points into a %lld-point %lld-D map\n", name, (long long)x->n_rows,
             (long long)ref_y->n_rows, (long long)ref_y->n_cols);
  }
  ev_matrix_free(ref_x);
  ev_matrix_free(ref_y);
  return status;
}

static void print_pca(const embed_job *job, const ev_matrix *x, const ev_map_info *info) {
  const ev_pca *pca = info->pca;
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

static void print_tsne(const embed_job *job, const ev_matrix *x, const ev_map_info *info) {
  const ev_tsne_info *t = &info->tsne;
  printf("tsne: %lld points x %lld dims -> %ld dims, perplexity %g (k = %d), %d iterations, KL %.4f\n",
         (long long)x->n_rows, (long long)x->n_cols, job->dims, job->tp.perplexity, t->k, t->n_iter, t->kl);
  printf("time: kNN %.2f s, affinities %.2f s, optimisation %.2f s (learning rate %.0f)\n", t->seconds_knn,
         t->seconds_affinities, t->seconds_optimize, t->learning_rate);
}

static void print_umap(const embed_job *job, const ev_matrix *x, const ev_map_info *info) {
  const ev_umap_info *u = &info->umap;
  printf("umap: %lld points x %lld dims -> %ld dims, %d neighbours, min_dist %g (a = %.4f, b = %.4f), "
         "%d epochs, %s init",
         (long long)x->n_rows, (long long)x->n_cols, job->dims, u->k + 1, job->up.min_dist, u->a, u->b, u->n_epochs,
         u->init);
  if (u->n_components > 1) printf(" (%d graph components)", u->n_components);
  printf("\ntime: kNN %.2f s, fuzzy graph %.2f s, init %.2f s, optimisation %.2f s (%lld edges)\n", u->seconds_knn,
         u->seconds_graph, u->seconds_init, u->seconds_optimize, (long long)u->n_edges);
}

/* --init: a named start (the library's names, "user" excepted: that is
 * what a file gives), or a file of coordinates (kept in *init_y). */
static int apply_init(const embed_job *job, ev_map_params *mp, ev_matrix **init_y) {
  if (mp->method == EV_MAP_TSNE) {
    int init = ev_tsne_init_parse(job->init);
    if (init >= 0 && init != EV_TSNE_INIT_USER) {
      mp->tsne.init = (ev_tsne_init)init;
      return EXIT_OK;
    }
  } else {
    int init = ev_umap_init_parse(job->init);
    if (init >= 0 && init != EV_UMAP_INIT_USER) {
      mp->umap.init = (ev_umap_init)init;
      return EXIT_OK;
    }
  }
  int status = load_matrix(job, job->init, init_y);
  if (status) return status;
  if (mp->method == EV_MAP_TSNE) {
    mp->tsne.init = EV_TSNE_INIT_USER;
    mp->tsne.init_y = *init_y;
  } else {
    mp->umap.init = EV_UMAP_INIT_USER;
    mp->umap.init_y = *init_y;
  }
  return EXIT_OK;
}

int embed_run(embed_job *job, const ev_matrix *x, ev_matrix **y) {
  ev_map_method method = (ev_map_method)ev_map_method_parse(job->method);
  if (job->ref_path) {
    job->tp.n_threads = job->up.n_threads = job->c.n_threads;
    job->tp.progress = job->up.progress = cli_progress();
    job->tp.seed = job->up.seed = job->up.knn.seed = job->seed;
    return method == EV_MAP_TSNE ? run_transform(job, x, "tsne", tsne_transform, &job->tp, y)
                                 : run_transform(job, x, "umap", umap_transform, &job->up, y);
  }
  ev_map_params mp = ev_map_params_default(method);
  mp.n_dims = (int)job->dims;
  mp.seed = job->seed;
  mp.n_threads = job->c.n_threads;
  mp.pca_solver = (ev_pca_solver)job->solver;
  mp.tsne = job->tp;
  mp.umap = job->up;
  mp.progress = cli_progress();
  embed_watch watch = {cli_progress(), method == EV_MAP_TSNE ? "tsne: iteration" : "umap: epoch", NAN};
  mp.observer = (ev_embed_observer){on_frame, &watch, 1};
  ev_matrix *init_y = NULL;
  ev_knn_graph *graph = NULL;
  ev_map_info info;
  ev_error err = {0};
  int status = method == EV_MAP_PCA ? EXIT_OK : apply_init(job, &mp, &init_y);
  if (!status && job->knn_path && ev_knn_graph_load(job->knn_path, &graph, &err))
    status = cli_fail_ev(&err, EXIT_INPUT);
  if (!status) {
    int rc = ev_map_compute(x, graph, &mp, y, &info, &err);
    cli_progress_done();
    if (rc) {
      status = cli_fail_compute(&err, rc);
    } else {
      if (method == EV_MAP_PCA) print_pca(job, x, &info);
      else if (method == EV_MAP_TSNE) print_tsne(job, x, &info);
      else print_umap(job, x, &info);
      ev_map_info_clear(&info);
    }
  }
  ev_matrix_free(init_y);
  ev_knn_graph_free(graph);
  return status;
}
