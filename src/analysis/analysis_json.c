/* analysis_json.c — the analyses as one JSON document (analysis.h), what
 * `analyze --json` writes and a program (or the Python package) reads. */
#include <math.h>

#include "embview/analysis.h"

/* %.6g, or null where JSON has no number */
static void num6(ev_json *b, double v) {
  if (isfinite(v)) ev_json_printf(b, "%.6g", v);
  else ev_json_put(b, "null", 4);
}

void ev_analysis_json(ev_json *b, const ev_labels *lab, const ev_overlap *o, const ev_suspects *s,
                      const ev_map_quality *q) {
  ev_json_printf(b, "{\n  \"k\": %d,\n  \"classes\": [", o->k);
  for (int c = 0; c < lab->n_classes; c++) {
    ev_json_printf(b, "%s", c ? ", " : "");
    ev_json_str(b, lab->class_names[c]);
  }
  ev_json_printf(b, "],\n  \"class_sizes\": [");
  for (int c = 0; c < o->n_classes; c++) ev_json_printf(b, "%s%lld", c ? ", " : "", (long long)o->class_size[c]);
  ev_json_printf(b, "],\n  \"confusion\": [");
  for (int a = 0; a < o->n_classes; a++) {
    ev_json_printf(b, "%s", a ? ",\n    [" : "\n    [");
    for (int c = 0; c < o->n_classes; c++)
      ev_json_printf(b, "%s%lld", c ? ", " : "", (long long)o->confusion[(size_t)a * o->n_classes + c]);
    ev_json_printf(b, "]");
  }
  ev_json_printf(b, "],\n  \"pairs\": [");
  for (int p = 0; p < o->n_pairs; p++) {
    const ev_overlap_pair *pr = &o->pairs[p];
    ev_json_printf(b, "%s\"a\": ", p ? ",\n    {" : "\n    {");
    ev_json_str(b, lab->class_names[pr->a]);
    ev_json_printf(b, ", \"b\": ");
    ev_json_str(b, lab->class_names[pr->b]);
    ev_json_printf(b, ", \"score\": ");
    num6(b, pr->score);
    if (!isnan(pr->map_score)) {
      ev_json_printf(b, ", \"map_score\": ");
      num6(b, pr->map_score);
    }
    ev_json_printf(b, ", \"verdict\": ");
    ev_json_str(b, ev_overlap_verdict_name(pr->verdict));
    ev_json_printf(b, ", \"examples\": [");
    for (int e = 0; e < pr->n_examples; e++) ev_json_printf(b, "%s%d", e ? ", " : "", pr->examples[e]);
    ev_json_printf(b, "]}");
  }
  ev_json_printf(b, "\n  ],\n  \"suspects\": {\"estimated\": %lld, \"thresholds\": [", (long long)s->n_estimated);
  for (int c = 0; c < s->n_classes; c++) {
    ev_json_printf(b, "%s", c ? ", " : "");
    num6(b, s->threshold[c]);
  }
  ev_json_printf(b, "], \"points\": [");
  for (int64_t r = 0; r < s->n_flagged; r++) {
    int32_t i = s->ranked[r];
    ev_json_printf(b, "%s\n    {\"index\": %d, \"label\": ", r ? "," : "", i);
    ev_json_str(b, lab->class_names[lab->codes[i]]);
    ev_json_printf(b, ", \"suggested\": ");
    ev_json_str(b, lab->class_names[s->suggested[i]]);
    ev_json_printf(b, ", \"score\": ");
    num6(b, s->score[i]);
    ev_json_printf(b, "}");
  }
  ev_json_printf(b, "]}");
  if (q) {
    ev_json_printf(b, ",\n  \"map_quality\": {\"k\": %d, \"sampled_points\": %lld", q->k, (long long)q->n_sampled);
    const char *names[4] = {"trustworthiness", "continuity", "knn_recall", "knn_accuracy"};
    double v[4] = {q->trustworthiness, q->continuity, q->knn_recall, q->knn_accuracy};
    for (int t = 0; t < 4; t++) {
      ev_json_printf(b, ", \"%s\": ", names[t]);
      if (isfinite(v[t])) ev_json_printf(b, "%.6f", v[t]);
      else ev_json_put(b, "null", 4);
    }
    ev_json_printf(b, "}");
  }
  ev_json_printf(b, "\n}\n");
}
