/* map.c — the one recipe from vectors to a map (embview/map.h): the method
 * table and the parameters the recipe owns. */
#include <math.h>
#include <string.h>

#include "core/internal.h"
#include "embview/map.h"

static const struct {
  const char *name, *title;
} methods[EV_MAP_N_METHODS] = {
    [EV_MAP_PCA] = {"pca", "PCA"},
    [EV_MAP_TSNE] = {"tsne", "t-SNE"},
    [EV_MAP_UMAP] = {"umap", "UMAP"},
};

static int known(ev_map_method m) { return (int)m >= 0 && (int)m < EV_MAP_N_METHODS; }

const char *ev_map_method_name(ev_map_method m) { return known(m) ? methods[m].name : "unknown"; }

const char *ev_map_method_title(ev_map_method m) { return known(m) ? methods[m].title : "unknown"; }

int ev_map_method_parse(const char *name) {
  for (int m = 0; name && m < EV_MAP_N_METHODS; m++)
    if (!strcmp(name, methods[m].name)) return m;
  return -1;
}

ev_map_params ev_map_params_default(ev_map_method method) {
  ev_map_params p;
  memset(&p, 0, sizeof p);
  p.method = method;
  p.n_dims = 2;
  p.seed = 42;
  p.pca_solver = EV_PCA_AUTO;
  p.tsne = ev_tsne_params_default();
  p.umap = ev_umap_params_default();
  p.observer = method == EV_MAP_TSNE ? p.tsne.observer : p.umap.observer; /* the method's frame interval */
  return p;
}

void ev_map_info_clear(ev_map_info *info) {
  if (!info) return;
  ev_pca_free(info->pca);
  memset(info, 0, sizeof *info);
}

/* PCA: the chosen components as the axes (fitted up to the highest one). */
static int pca_map(const ev_matrix *x, const ev_map_params *p, ev_matrix **y, ev_map_info *info, ev_error *err) {
  int top = p->n_dims;
  if (p->pca_components) {
    top = 0;
    for (int a = 0; a < p->n_dims; a++) {
      int c = p->pca_components[a];
      if (c < 1) return ev__err(err, EV_EINVAL, "map: PCA component %d: components count from 1", c);
      top = c > top ? c : top;
    }
  }
  ev_pca_params pp = ev_pca_params_default();
  pp.n_components = top;
  pp.solver = p->pca_solver;
  pp.seed = p->seed;
  pp.n_threads = p->n_threads;
  pp.progress = p->progress;
  ev_matrix *all = NULL;
  ev_pca *pca = NULL;
  int rc = ev_pca_project(x, &pp, &all, &pca, err);
  if (rc) return rc;
  double share = 0;
  if (!p->pca_components) {
    *y = all;
    for (int a = 0; a < p->n_dims; a++) share += pca->explained_variance_ratio[a];
  } else {
    rc = ev_matrix_new(x->n_rows, p->n_dims, y, err);
    for (int64_t i = 0; !rc && i < x->n_rows; i++)
      for (int a = 0; a < p->n_dims; a++)
        (*y)->data[i * p->n_dims + a] = ev_matrix_row(all, i)[p->pca_components[a] - 1];
    for (int a = 0; !rc && a < p->n_dims; a++) share += pca->explained_variance_ratio[p->pca_components[a] - 1];
    ev_matrix_free(all);
  }
  if (rc || !info) {
    ev_pca_free(pca);
  } else {
    info->pca = pca;
    info->explained_variance_ratio = share;
  }
  return rc;
}

int ev_map_compute(const ev_matrix *x, const ev_knn_graph *graph, const ev_map_params *p, ev_matrix **y,
                   ev_map_info *info, ev_error *err) {
  *y = NULL;
  if (info) memset(info, 0, sizeof *info);
  ev_map_params defaults;
  if (!p) { /* NULL: the defaults, as the other runs take it */
    defaults = ev_map_params_default(EV_MAP_UMAP);
    p = &defaults;
  }
  if (!known(p->method)) return ev__err(err, EV_EINVAL, "map: unknown method %d (pca, tsne, umap)", (int)p->method);
  if (p->n_dims < 1) return ev__err(err, EV_EINVAL, "map: n_dims must be at least 1, got %d", p->n_dims);
  double t0 = ev_seconds();
  int rc;
  if (p->method == EV_MAP_PCA) {
    rc = pca_map(x, p, y, info, err);
  } else if (p->method == EV_MAP_TSNE) {
    ev_tsne_params tp = p->tsne;
    tp.n_dims = p->n_dims;
    tp.seed = tp.knn.seed = p->seed;
    tp.knn.pca_dims = 0; /* the graph on the input as given (map.h says why) */
    tp.n_threads = p->n_threads;
    tp.progress = p->progress;
    tp.observer = p->observer;
    ev_tsne_info ti;
    rc = ev_tsne_run(x, graph, &tp, y, &ti, err);
    if (!rc && info) {
      info->tsne = ti;
      info->n_iterations = ti.n_iter;
    }
  } else {
    ev_umap_params up = p->umap;
    up.n_dims = p->n_dims;
    up.seed = up.knn.seed = p->seed;
    up.knn.pca_dims = 0;
    up.n_threads = p->n_threads;
    up.progress = p->progress;
    up.observer = p->observer;
    ev_umap_info ui;
    rc = ev_umap_run(x, graph, &up, y, &ui, err);
    if (!rc && info) {
      info->umap = ui;
      info->n_iterations = ui.n_epochs;
    }
  }
  if (info) {
    info->method = p->method;
    info->seconds = ev_seconds() - t0;
  }
  return rc;
}
