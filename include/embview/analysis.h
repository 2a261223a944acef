/* embview/analysis.h — what a map can be trusted with.
 *
 * Map quality (Venna & Kaski 2001, 2006): trustworthiness T(k) penalises
 * points that are among a point's k nearest on the map but not in the input
 * space, by how far down the input-space ranking they are; continuity C(k)
 * is the same with the spaces swapped.  T(k) = 1 - 2 / (n k (2N - 3k - 1))
 * sum_i sum_{j in U_i} (r_ij - k), as scikit-learn's `trustworthiness`
 * (Euclidean distances, ties broken by index).  Also the k-NN recall (share
 * of input-space neighbours kept on the map) and, with labels, the
 * leave-one-out k-NN accuracy on the map.  Exact over all points, or
 * estimated on a random sample of points (each sampled point's ranks are
 * still exact), so that it stays fast for large N.  Input-space distances
 * come from float32 products (sgemm), so near-ties can order differently
 * from an exact search: T and C matched scikit-learn's to 1e-9 on MNIST.
 */
#ifndef EMBVIEW_ANALYSIS_H
#define EMBVIEW_ANALYSIS_H

#include <stdint.h>

#include "embview/error.h"
#include "embview/json.h"
#include "embview/knn.h"
#include "embview/matrix.h"
#include "embview/progress.h"
#include "embview/table.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ev_map_quality {
  int k;
  int64_t n_points;          /* N */
  int64_t n_sampled;         /* points the figures average over (N when exact) */
  double trustworthiness;
  double continuity;
  double knn_recall;
  double knn_accuracy;       /* NaN without labels */
} ev_map_quality;

/* Its own parameters, not ev_map_assess_params: that struct's sample -1
 * (auto) and progress are ev_map_assess's recipe, which resolves them and
 * then calls ev_map_quality_compute with these. */
typedef struct ev_map_quality_params {
  int k;                 /* neighbours, 1 <= k < N / 2 (default 15) */
  int64_t sample;        /* 0 = every point (default), else that many points drawn from the
                            seed (all of them if sample >= N) */
  uint64_t seed;         /* the sample's (default 42) */
  int n_threads;         /* 0 = OpenMP default */
} ev_map_quality_params;

ev_map_quality_params ev_map_quality_params_default(void);

/* x: input vectors (N x D); y: their map (N x d); labels: N class codes
 * (>= 0, any number of classes; the vote's ties go to the smaller code) or
 * NULL; params NULL: the defaults.  *out is zeroed first. */
int ev_map_quality_compute(const ev_matrix *x, const ev_matrix *y, const int32_t *labels,
                           const ev_map_quality_params *params, ev_map_quality *out, ev_error *err);

/* The analysis graph's parameters, the kNN graph the analyses are tuned
 * for: k = 30 neighbours on the first 50 principal components (inputs with
 * more columns are projected first).  Set n_threads/progress before
 * building. */
ev_knn_params ev_analysis_knn_params_default(void);

/* ---- class overlap ----
 *
 * From a kNN graph (each point's k nearest others) and class codes 0..C-1:
 *   share[a][b]      mean share of class-b neighbours among class-a points
 *   dominated[a][b]  share of class-a points with more than half of their
 *                    neighbours in class b (b != a)
 *   confusion[a][b]  leave-one-out k-NN classifier: points of class a whose
 *                    neighbour vote (ties to the smaller class) is b
 *   pair score       for a < b, sqrt(share[a][b] share[b][a]): how much
 *                    the two classes mix, both ways
 * Points with a negative code (no label) neither vote nor are counted. */
/* What a pair's scores in the two spaces say (ev_overlap_compute). */
typedef enum ev_overlap_verdict {
  EV_OVERLAP_NONE = 0,      /* no overlap worth naming */
  EV_OVERLAP_INPUT,         /* without a map: the pair overlaps in the input space */
  EV_OVERLAP_REAL,          /* overlaps in the input and on the map */
  EV_OVERLAP_MAP_ARTEFACT,  /* only on the map */
  EV_OVERLAP_HIDDEN         /* only in the input space: the map hides it */
} ev_overlap_verdict;

/* "none", "overlap", "real", "map artefact", "hidden" */
const char *ev_overlap_verdict_name(ev_overlap_verdict v);

typedef struct ev_overlap_pair {
  int a, b;                 /* a < b */
  double score;
  double map_score;         /* the same on the map's graph; NaN without one */
  ev_overlap_verdict verdict;
  int n_examples;
  int32_t examples[8];      /* the most mixed points: highest share of the other class */
} ev_overlap_pair;

typedef struct ev_overlap {
  int n_classes;
  int k;
  int64_t *class_size;      /* C */
  double *share;            /* C x C, row a */
  double *dominated;        /* C x C */
  int64_t *confusion;       /* C x C */
  int n_pairs;              /* C (C - 1) / 2, ranked by score, highest first */
  ev_overlap_pair *pairs;
} ev_overlap;

typedef struct ev_overlap_params {
  double threshold;  /* a pair overlaps in a space when its score is at least this, 0 to 1 (default 0.005) */
} ev_overlap_params;

ev_overlap_params ev_overlap_params_default(void);

/* g: the input space's kNN graph; map_g (optional): the map's kNN graph,
 * for each pair's map_score and verdict: a pair overlaps in a space when
 * its score is at least params->threshold; REAL when it overlaps in both,
 * MAP_ARTEFACT when only on the map with a map score at least twice the
 * input score, HIDDEN when only in the input space with an input score at
 * least twice the map's, else NONE (without a map: INPUT or NONE).
 * labels: N codes, n_classes > max code; params NULL: the defaults. */
int ev_overlap_compute(const ev_knn_graph *g, const ev_knn_graph *map_g, const int32_t *labels, int n_classes,
                       const ev_overlap_params *params, ev_overlap **out, ev_error *err);
void ev_overlap_free(ev_overlap *o);

/* ---- suspect labels ----
 *
 * Which given labels look wrong, from the kNN graph of the input (best on
 * the first 50 principal components, k = 30: see docs/ANALYSIS.md):
 *   1. each edge weighs exp(-(d / d_mid)^2), d_mid the point's median
 *      neighbour distance;
 *   2. the labels are spread over the symmetric normalised graph S
 *      (Zhou et al. 2004): F = alpha S F + (1 - alpha) Y, from F = Y;
 *   3. a point's class probabilities are one hop from that field, (S F)_i,
 *      which leaves its own label out of the first step; its score is
 *      1 - p(given label), its suggested label the most probable one;
 *   4. how many labels are wrong is estimated as confident learning does
 *      (Northcutt et al. 2021): with per-class thresholds t_c = the mean
 *      neighbour-vote probability of class c among points labelled c, a
 *      point is counted when the most probable class at or above its
 *      threshold is not its label; that many of the highest-scoring points
 *      (with a suggested label other than their own) are flagged.
 * On MNIST-10k with 2% of the labels flipped, the top-m points held 0.87
 * of the flips and the flagged set had precision 0.92 and recall 0.81 (the
 * test's seed; a Python prototype over 5 seeds: 0.88, 0.92, 0.84); a plain
 * 10-NN vote on the pixels finds 0.71 in its top m. */
typedef struct ev_suspect_params {
  double alpha;        /* spreading strength in [0, 1) (default 0.5) */
  int iterations;      /* spreading steps (default 30) */
  int n_threads;       /* 0 = OpenMP default */
} ev_suspect_params;

ev_suspect_params ev_suspect_params_default(void);

typedef struct ev_suspects {
  int64_t n_points;
  int n_classes;
  int k;
  float *score;          /* N: 1 - p(given label); NaN for points without a label or neighbours */
  int32_t *suggested;    /* N: the most probable class; -1 where unknown */
  float *p_suggested;    /* N: its probability */
  double *threshold;     /* C: the per-class thresholds t_c */
  int64_t n_estimated;   /* the confident-learning estimate of wrong labels */
  int64_t n_ranked;      /* labelled points whose suggested label differs from theirs */
  int32_t *ranked;       /* n_ranked of them, highest score first (ties to the smaller index) */
  int64_t n_flagged;     /* the suspects: ranked[0 .. n_flagged) */
} ev_suspects;

/* g: kNN graph of the input (distances used for the weights); labels: N
 * codes, -1 for none; n_classes > max code.  *out is NULL on failure. */
int ev_suspects_compute(const ev_knn_graph *g, const int32_t *labels, int n_classes,
                        const ev_suspect_params *params, ev_suspects **out, ev_error *err);
void ev_suspects_free(ev_suspects *s);

/* ---- a map, assessed (one recipe for every front end) ----
 *
 * What `analyze --embedding`, `report` and the viewer say about a map:
 *   quality   ev_map_quality_compute with quality_k neighbours, on every
 *             point up to 5,000 and on 2,000 sampled ones above (sample
 *             -1), the seed 42; with labels when every point has one;
 *   overlap   with labels and the input's kNN graph (the analysis graph):
 *             the map's own kNN graph with the same k, exact up to 200,000
 *             points (its cost grows as N^2) and approximate above, then
 *             ev_overlap_compute of both graphs: each class pair's score in
 *             the input and on the map, with its verdict. */
typedef struct ev_map_assess_params {
  int quality_k;         /* default 15 */
  int64_t sample;        /* points the quality averages over: -1 = auto (above), 0 = all */
  uint64_t seed;         /* the sample's (default 42) */
  int n_threads;         /* 0 = OpenMP default */
  ev_progress progress;  /* optional: the map graph's progress, and cancellation */
} ev_map_assess_params;

ev_map_assess_params ev_map_assess_params_default(void);

typedef struct ev_map_assessment {
  ev_map_quality quality;
  ev_knn_graph *map_graph;  /* the map's kNN graph; NULL without labels and input graph */
  ev_overlap *overlap;      /* the class pairs with their map scores and verdicts; NULL likewise */
} ev_map_assessment;

/* x: the input (N x D), y: its map (N x d), input_graph: x's analysis graph
 * or NULL, labels: x's classes or NULL; params NULL: the defaults.  *out is
 * zeroed first; release it with ev_map_assessment_clear (also after a
 * failure). */
int ev_map_assess(const ev_matrix *x, const ev_matrix *y, const ev_knn_graph *input_graph, const ev_labels *labels,
                  const ev_map_assess_params *params, ev_map_assessment *out, ev_error *err);
void ev_map_assessment_clear(ev_map_assessment *a);

/* ---- the analyses as one JSON document (`analyze --json`) ----
 * {"k", "classes", "class_sizes", "confusion", "pairs": [{"a", "b", "score",
 * "map_score" (with a map), "verdict", "examples"}], "suspects":
 * {"estimated", "thresholds", "points": [{"index", "label", "suggested",
 * "score"}]}, "map_quality" (when q is given): {"k", "sampled_points",
 * "trustworthiness", "continuity", "knn_recall", "knn_accuracy"}}; numbers
 * JSON lacks (NaN) as null.  Appended to *out (check out->failed). */
void ev_analysis_json(ev_json *out, const ev_labels *labels, const ev_overlap *overlap, const ev_suspects *suspects,
                      const ev_map_quality *q);

#ifdef __cplusplus
}
#endif
#endif
