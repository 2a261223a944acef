/* cmd_report.c — `embview report FILE --labels L -o report.html`: the map,
 * the overlapping classes, the suspect labels and the map's quality in one
 * self-contained HTML file. */
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/analysis.h"

static const char *help_text =
    "usage: embview report FILE (--labels L | --metadata M) -o REPORT.html [options]\n"
    "\n"
    "Computes a map (UMAP by default) and the analyses of `embview analyze`, and\n"
    "writes them as one self-contained HTML file: the map coloured by label, the\n"
    "class-overlap ranking and heatmap with the most mixed points, a gallery of\n"
    "suspect labels, the map's quality, parameters and timings.  Thumbnails come\n"
    "from the input when its vectors are images (784 = 28 x 28, ...), or from a\n"
    "sprite (a log dir's, or --sprite).\n"
    "\n"
    "options:\n"
    "  -o, --output FILE    the report (required)\n"
    "  --method M           umap (default), tsne or pca\n"
    "  --embedding Y        use this map (.npy/.tsv, N x 2 or 3) instead of computing one\n"
    "                       (with --method, named as that method's map)\n"
    "  --save-map Y         also write the computed map (.npy or .tsv): the coordinates\n"
    "                       `embed --method M --seed S` gives\n"
    "  --label-column NAME  metadata column with the classes (default: the label column)\n"
    "  --png FILE           also write the scatter plot as PNG\n"
    "  --svg FILE           also write the scatter plot as SVG\n"
    "  --sprite PNG         thumbnails from this sprite sheet ...\n"
    "  --sprite-cell WxH    ... cut into cells of this size\n"
    "  -k K                 neighbours of the analysis graph (default 30)\n"
    "  --seed S             random seed of the map (default 42)\n" CLI_COMMON_HELP;

enum { OPT_LABEL_COL = 6000, OPT_EMBEDDING, OPT_PNG, OPT_SVG, OPT_SPRITE, OPT_SPRITE_CELL, OPT_SAVE_MAP };

int cmd_report(int argc, char **argv) {
  static const struct option longopts[] = {CLI_COMMON_LONGOPTS,
                                           {"output", required_argument, NULL, 'o'},
                                           {"method", required_argument, NULL, OPT_METHOD},
                                           {"embedding", required_argument, NULL, OPT_EMBEDDING},
                                           {"save-map", required_argument, NULL, OPT_SAVE_MAP},
                                           {"label-column", required_argument, NULL, OPT_LABEL_COL},
                                           {"png", required_argument, NULL, OPT_PNG},
                                           {"svg", required_argument, NULL, OPT_SVG},
                                           {"sprite", required_argument, NULL, OPT_SPRITE},
                                           {"sprite-cell", required_argument, NULL, OPT_SPRITE_CELL},
                                           {"k", required_argument, NULL, 'k'},
                                           {"seed", required_argument, NULL, OPT_SEED},
                                           {NULL, 0, NULL, 0}};
  cli_common c;
  cli_common_init(&c);
  analysis_opts ao;
  analysis_opts_default(&ao);
  int method_set = 0;
  ev_map_method method = EV_MAP_UMAP;
  const char *out_path = NULL, *emb_path = NULL, *png_path = NULL, *svg_path = NULL, *save_map = NULL;
  const char *sprite_path = NULL;
  int cell_w = 0, cell_h = 0;
  long seed = 42;
  optind = 1;
  int opt;
  while ((opt = getopt_long(argc, argv, "o:k:", longopts, NULL)) != -1) {
    switch (opt) {
      case OPT_HELP: fputs(help_text, stdout); return EXIT_OK;
      case 'o': out_path = optarg; break;
      case OPT_METHOD:
        if (ev_map_method_parse(optarg) < 0) return cli_fail(EXIT_USAGE, "--method %s: expected umap, tsne or pca", optarg);
        method = (ev_map_method)ev_map_method_parse(optarg);
        method_set = 1;
        break;
      case OPT_EMBEDDING: emb_path = optarg; break;
      case OPT_SAVE_MAP: save_map = optarg; break;
      case OPT_LABEL_COL: ao.label_col = optarg; break;
      case OPT_PNG: png_path = optarg; break;
      case OPT_SVG: svg_path = optarg; break;
      case OPT_SPRITE: sprite_path = optarg; break;
      case OPT_SPRITE_CELL:
        if (sscanf(optarg, "%dx%d", &cell_w, &cell_h) != 2 || cell_w < 1 || cell_h < 1 || cell_w > 8192 ||
            cell_h > 8192)
          return cli_fail(EXIT_USAGE, "--sprite-cell %s: expected WxH, e.g. 28x28", optarg);
        break;
      case 'k':
        if (!cli_parse_long(optarg, "-k", 1, 1000, &ao.k)) return EXIT_USAGE;
        break;
      case OPT_SEED:
        if (!cli_parse_long(optarg, "--seed", 0, 1L << 62, &seed)) return EXIT_USAGE;
        break;
      default: {
        int r = cli_common_option(&c, opt, optarg);
        if (r < 0) return EXIT_USAGE;
        if (r == 0) return cli_bad_option("report", argv, optind);
      }
    }
  }
  if (optind != argc - 1) return cli_fail(EXIT_USAGE, "report: expected one input FILE (see embview report --help)");
  if (!out_path) return cli_fail(EXIT_USAGE, "report: give the output file with -o REPORT.html");
  if (sprite_path && !cell_w) return cli_fail(EXIT_USAGE, "--sprite needs --sprite-cell WxH");
  if (save_map && emb_path) return cli_fail(EXIT_USAGE, "--save-map writes a computed map; --embedding gives one");
  if (save_map && cli_check_matrix_output(save_map, "--save-map")) return EXIT_USAGE;
  ao.n_threads = c.n_threads;
  const char *in_path = argv[optind];
  const char *outs[4] = {out_path, png_path, svg_path, save_map};
  for (int i = 0; i < 4; i++) {
    if (!outs[i]) continue;
    if (cli_check_output(outs[i], in_path, &c)) return EXIT_USAGE;
    /* fail before minutes of work, not after */
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", outs[i]);
    char *slash = strrchr(dir, '/');
    if (slash) *slash = '\0';
    if (access(slash ? (dir[0] ? dir : "/") : ".", W_OK))
      return cli_fail(EXIT_OUTPUT, "%s: cannot write into %s", outs[i], slash ? (dir[0] ? dir : "/") : ".");
  }
  cli_progress_init(c.quiet);
  ev_dataset *ds = NULL, *given = NULL;
  ev_matrix *y = NULL;
  ev_thumbnails *own_thumbs = NULL;
  analysis a = {0};
  ev_error err = {0};
  char about[256] = "", details[4096];
  double t0 = cli_now(), t_map = 0;
  int status = cli_load(in_path, &c, &ds);
  if (!status) status = analysis_labels(ds, &ao, &a);
  if (!status && emb_path) {
    status = analysis_load_map(emb_path, &c, ds, &given);
    snprintf(about, sizeof about, "given: %s", emb_path);
  }
  if (!status) status = analysis_graph(ds, &ao, &a);
  if (!status && !given) {
    double tm = cli_now();
    status = analysis_make_map(method, ds->x, (uint64_t)seed, c.n_threads, &y, about, sizeof about);
    t_map = cli_now() - tm;
    if (!status && save_map) status = cli_write_matrix(save_map, y);
  }
  const ev_matrix *map = given ? given->x : y;
  if (!status) status = analysis_compute(ds, map, &ao, &a);
  /* thumbnails: a sprite given here, the log dir's, or the vectors themselves */
  const ev_thumbnails *thumbs = ds ? ds->thumbs : NULL;
  if (!status && sprite_path) {
    if (ev_sprite_read(sprite_path, ds->x->n_rows, cell_w, cell_h, &own_thumbs, &err))
      status = cli_fail_ev(&err, EXIT_INPUT);
    thumbs = own_thumbs;
  }
  if (!status && !thumbs && ev_thumbnails_from_images(ds->x, &own_thumbs, &err) == EV_OK) thumbs = own_thumbs;
  cli_progress_done();
  if (!status) {
    /* a given map is named by --method when that is given too */
    const char *method_name = given && !method_set ? "given map" : ev_map_method_title(method);
    int wide = ds->x->n_cols > ev_analysis_knn_params_default().pca_dims; /* the graph is on PCA-50 */
    char summary[1024];
    snprintf(summary, sizeof summary, "%lld points x %lld dimensions from %s; %d classes in '%s'",
             (long long)ds->x->n_rows, (long long)ds->x->n_cols, in_path, a.lab->n_classes,
             ev_table_col_name(ds->meta, a.label_col));
    snprintf(details, sizeof details,
             "input: %s (%s)\nlabels: column '%s', %d classes, %lld points without a label\n"
             "map: %s\nanalysis graph: %d nearest neighbours%s%s\nmap quality: k = %d\n"
             "thumbnails: %s\ntimings: kNN graph %.2f s, map %.2f s, analyses %.2f s, total %.2f s\n"
             "threads: %d (0 = all cores)\nembview: %s",
             in_path, ev_format_name(ds->source.format), ev_table_col_name(ds->meta, a.label_col), a.lab->n_classes,
             (long long)a.lab->n_missing, about, a.g->k,
             wide ? " on the first 50 principal components" : "",
             a.g->exact || wide ? "" : ", approximate (NN-descent)", (int)ao.quality_k,
             thumbs ? (sprite_path ? "sprite" : ds->thumbs ? "the log dir's sprite" : "the input's images") : "none",
             a.graph_seconds, t_map, a.analysis_seconds, cli_now() - t0, c.n_threads,
             ev_version());
    char title[512];
    const char *base = strrchr(in_path, '/');
    snprintf(title, sizeof title, "embview report: %s", base && base[1] ? base + 1 : in_path);
    ev_report r = ev_report_default();
    r.title = title;
    r.input_summary = summary;
    r.method = method_name;
    r.map = map;
    r.labels = a.lab;
    r.label_column = ev_table_col_name(ds->meta, a.label_col);
    r.overlap = a.overlap;
    r.suspects = a.suspects;
    r.quality = &a.quality;
    r.thumbs = thumbs;
    r.details = details;
    int rc = ev_report_write_html(out_path, &r, &err);
    if (!rc && png_path) rc = ev_plot_scatter_write(png_path, map, a.lab, title, 1100, 860, &err);
    if (!rc && svg_path) rc = ev_plot_scatter_write(svg_path, map, a.lab, title, 1100, 860, &err);
    if (rc) status = cli_fail_ev(&err, EXIT_OUTPUT);
    else {
      printf("%s: %lld points, %d classes", out_path, (long long)ds->x->n_rows, a.lab->n_classes);
      if (a.overlap->n_pairs)
        printf("; top overlap %s - %s (%.4f)", a.lab->class_names[a.overlap->pairs[0].a],
               a.lab->class_names[a.overlap->pairs[0].b], a.overlap->pairs[0].score);
      printf("; %lld suspect labels; trustworthiness %.4f\n", (long long)a.suspects->n_flagged,
             a.quality.trustworthiness);
    }
  }
  ev_thumbnails_free(own_thumbs);
  ev_matrix_free(y);
  analysis_free(&a);
  ev_dataset_free(given);
  ev_dataset_free(ds);
  return status;
}
