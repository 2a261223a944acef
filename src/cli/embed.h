/* embed.h — `embview embed`: the parsed command and its runner. */
#ifndef EV_CLI_EMBED_H
#define EV_CLI_EMBED_H

#include "cli/cli.h"

typedef struct embed_job {
  cli_common c;
  const char *method, *in_path, *out_path;
  const char *init;                     /* pca/spectral/random or a file */
  const char *knn_path;                 /* a saved kNN graph */
  const char *ref_path, *ref_map_path;  /* transform into an existing map */
  long dims;
  uint64_t seed;
  int normalize;
  int solver;
  ev_tsne_params tp;
  ev_umap_params up;
} embed_job;

/* The coordinates of x (the loaded, normalised input) into *y by the
 * library's map recipe, or placed into a reference map; prints the
 * summary and returns an exit status. */
int embed_run(embed_job *job, const ev_matrix *x, ev_matrix **y);

#endif
