/* analysis.h — the analysis pipeline `analyze` and `report` share: labels,
 * the analysis graph, class overlap (against a map when there is one),
 * suspect labels and the map's quality. */
#ifndef EV_CLI_ANALYSIS_H
#define EV_CLI_ANALYSIS_H

#include "cli/cli.h"

typedef struct analysis_opts {
  const char *label_col;  /* NULL = the metadata's label column */
  long k;                 /* analysis graph neighbours (default 30) */
  long quality_k;         /* map quality neighbours (default 15) */
  long sample;            /* map quality sample; -1 = auto */
  int n_threads;
} analysis_opts;

typedef struct analysis {
  ev_labels *lab;
  int label_col;
  ev_knn_graph *g;        /* the analysis graph (input space) */
  ev_knn_graph *gy;       /* the map's graph, when a map is given */
  ev_overlap *overlap;
  ev_suspects *suspects;
  ev_map_quality quality; /* valid when gy */
  double graph_seconds, analysis_seconds;
} analysis;

void analysis_opts_default(analysis_opts *o);

/* --embedding: a map of ds's points (N rows); prints notes; exit status. */
int analysis_load_map(const char *path, const cli_common *c, const ev_dataset *ds, ev_dataset **map);

/* The map of x by `method` (the library's recipe with its defaults, as
 * `embed --method M --seed S` makes it); about: one line saying how. */
int analysis_make_map(ev_map_method method, const ev_matrix *x, uint64_t seed, int n_threads, ev_matrix **y,
                      char *about, size_t about_len);

/* Labels of ds (an exit status and message when there are none). */
int analysis_labels(const ev_dataset *ds, const analysis_opts *o, analysis *a);
/* The analysis graph of ds->x (after analysis_labels). */
int analysis_graph(const ev_dataset *ds, const analysis_opts *o, analysis *a);
/* Overlap, suspects and (with a map) the map's graph and quality. */
int analysis_compute(const ev_dataset *ds, const ev_matrix *map, const analysis_opts *o, analysis *a);
void analysis_free(analysis *a);

/* Readable summary on stdout (top `top` pairs and suspects). */
void analysis_print(const ev_dataset *ds, const analysis *a, long top);

#endif
