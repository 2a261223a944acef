/* cmd_serve.c — `embview serve FILE|DIR ...`: load the inputs, compute
 * their analysis graph and analyses, and serve the viewer until Ctrl-C. */
#include <getopt.h>
#include <sys/resource.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "server/server.h"

static const char *help_text =
    "usage: embview serve FILE|DIR [FILE|DIR ...] [options]\n"
    "\n"
    "Serves the viewer in the browser: the map (PCA at first; t-SNE and UMAP at the\n"
    "click of a button, watched live), coloured by any metadata column, thumbnails\n"
    "on hover, nearest neighbours on click, the overlapping classes and suspect\n"
    "labels.  Each input (and each embedding of a TensorBoard log dir) is one\n"
    "dataset in the viewer; --labels, --metadata and --sprite belong to the first\n"
    "input.  Runs until Ctrl-C.\n"
    "\n"
    "options:\n"
    "  --host ADDR          address to listen on (default 127.0.0.1)\n"
    "  --port N             port (default 8080; 0 = any free port)\n"
    "  --open               open the viewer in the default browser\n"
    "  --sprite PNG         thumbnails from this sprite sheet ...\n"
    "  --sprite-cell WxH    ... cut into cells of this size\n"
    "  --no-analysis        skip the analysis graph, overlaps and suspects (faster start\n"
    "                       on very large inputs; UMAP then builds its own graph)\n"
    "\n"
    "Every request needs the access token in the printed address (a new random one\n"
    "each start; EMBVIEW_TOKEN=... in the environment fixes it, 16+ characters).\n"
    "Programs send it as the X-Embview-Token header.  See the README's security model.\n" CLI_COMMON_HELP;

enum { OPT_HOST = 7000, OPT_PORT, OPT_OPEN, OPT_SPRITE, OPT_SPRITE_CELL, OPT_NO_ANALYSIS };

/* The access token: EMBVIEW_TOKEN, or 128 random bits. */
static int make_token(char *token, size_t len) {
  const char *fixed = getenv("EMBVIEW_TOKEN");
  if (fixed && *fixed) {
    size_t n = strlen(fixed);
    if (n < 16 || n >= len) return cli_fail(EXIT_USAGE, "EMBVIEW_TOKEN: expected 16 to %zu characters", len - 1);
    for (size_t i = 0; i < n; i++)
      if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~", fixed[i]))
        return cli_fail(EXIT_USAGE, "EMBVIEW_TOKEN: only letters, digits and - . _ ~ (it goes into URLs and cookies)");
    snprintf(token, len, "%s", fixed);
    return EXIT_OK;
  }
  unsigned char raw[16];
  FILE *f = fopen("/dev/urandom", "rb");
  int ok = f && fread(raw, 1, sizeof raw, f) == sizeof raw;
  if (f) fclose(f);
  if (!ok) return cli_fail(EXIT_FAIL, "cannot read /dev/urandom for the access token");
  for (int i = 0; i < 16; i++) snprintf(token + 2 * i, 3, "%02x", raw[i]);
  return EXIT_OK;
}

/* Room for many connections: idle sockets must not starve the viewer. */
static void raise_open_file_limit(void) {
  struct rlimit rl;
  if (getrlimit(RLIMIT_NOFILE, &rl)) return;
  rlim_t want = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > 8192 ? 8192 : rl.rlim_max;
  if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < want) {
    rl.rlim_cur = want;
    setrlimit(RLIMIT_NOFILE, &rl);
  }
}

static void free_dataset(sv_dataset *d) {
  if (!d) return;
  free(d->name);
  free(d->norms);
  if (d->ds && d->thumbs != d->ds->thumbs) ev_thumbnails_free(d->thumbs);
  ev_dataset_free(d->ds);
  ev_labels_free(d->labels);
  ev_knn_graph_free(d->graph);
  ev_overlap_free(d->overlap);
  ev_suspects_free(d->suspects);
  free(d);
}

/* One dataset: loaded, with thumbnails, its analysis graph and analyses. */
static int prepare(const char *path, const char *tensor, const cli_common *c, const char *sprite, int cw, int ch,
                   int analysis, sv_dataset **out) {
  cli_common cc = *c;
  if (tensor) cc.load.tensor = tensor;
  sv_dataset *d = calloc(1, sizeof *d);
  if (!d) return cli_fail(EXIT_FAIL, "out of memory");
  ev_error err = {0};
  int status = cli_load(path, &cc, &d->ds);
  if (!status && d->ds->source.mapped) {
    /* a mapped file that a training script rewrites in place (np.save
     * truncates first) would turn the next read into SIGBUS: keep a copy */
    ev_matrix *copy = NULL;
    if (ev_matrix_clone(d->ds->x, &copy, &err)) {
      status = cli_fail_ev(&err, EXIT_FAIL);
    } else {
      ev_matrix_free(d->ds->x);
      d->ds->x = copy;
      d->ds->source.mapped = 0;
    }
  }
  if (!status) {
    char name[512];
    const char *base = strrchr(path, '/');
    base = base && base[1] ? base + 1 : path;
    if (tensor) snprintf(name, sizeof name, "%s: %s", base, tensor);
    else snprintf(name, sizeof name, "%s", base);
    d->name = strdup(name);
    d->thumbs = d->ds->thumbs;
    if (sprite && ev_sprite_read(sprite, d->ds->x->n_rows, cw, ch, &d->thumbs, &err))
      status = cli_fail_ev(&err, EXIT_INPUT);
    if (!status && !d->thumbs) ev_thumbnails_from_images(d->ds->x, &d->thumbs, &err); /* none when not images */
    if (d->thumbs) {
      d->image_w = d->thumbs->w;
      d->image_h = d->thumbs->h;
    }
  }
  if (!status) {
    d->norms = malloc((size_t)(d->ds->x->n_rows ? d->ds->x->n_rows : 1) * sizeof *d->norms);
    if (!d->norms) status = cli_fail(EXIT_FAIL, "out of memory");
    else ev_knn_row_norms(d->ds->x, d->norms);
  }
  if (!status && analysis) {
    ev_knn_params kp = ev_analysis_knn_params_default();
    kp.n_threads = c->n_threads;
    kp.progress = cli_progress();
    if (kp.k >= d->ds->x->n_rows) kp.k = (int)(d->ds->x->n_rows - 1);
    if (kp.k >= 1 && ev_knn_graph_build(d->ds->x, &kp, &d->graph, &err)) status = cli_fail_ev(&err, EXIT_FAIL);
  }
  if (!status && d->ds->meta) {
    d->label_col = ev_table_default_label_col(d->ds->meta);
    if (d->label_col >= 0 && !ev_labels_from_column(d->ds->meta, d->label_col, &d->labels, &err) && d->graph &&
        d->labels->n_classes > 1000) {
      fprintf(stderr, "embview: note: %s: column '%s' has %d distinct values; no class analysis (at most 1000)\n",
              path, ev_table_col_name(d->ds->meta, d->label_col), d->labels->n_classes);
    } else if (d->labels && d->graph) {
      ev_suspect_params sp = ev_suspect_params_default();
      sp.n_threads = c->n_threads;
      if (ev_overlap_compute(d->graph, NULL, d->labels->codes, d->labels->n_classes, NULL, &d->overlap, &err) ||
          ev_suspects_compute(d->graph, d->labels->codes, d->labels->n_classes, &sp, &d->suspects, &err))
        status = cli_fail_ev(&err, EXIT_FAIL);
    }
  }
  if (status) {
    free_dataset(d);
    return status;
  }
  *out = d;
  return EXIT_OK;
}

int cmd_serve(int argc, char **argv) {
  static const struct option longopts[] = {CLI_COMMON_LONGOPTS,
                                           {"host", required_argument, NULL, OPT_HOST},
                                           {"port", required_argument, NULL, OPT_PORT},
                                           {"open", no_argument, NULL, OPT_OPEN},
                                           {"sprite", required_argument, NULL, OPT_SPRITE},
                                           {"sprite-cell", required_argument, NULL, OPT_SPRITE_CELL},
                                           {"no-analysis", no_argument, NULL, OPT_NO_ANALYSIS},
                                           {NULL, 0, NULL, 0}};
  cli_common c;
  cli_common_init(&c);
  const char *host = "127.0.0.1", *sprite = NULL;
  long port = 8080;
  int open_browser = 0, cw = 0, ch = 0, analysis = 1;
  optind = 1;
  int opt;
  while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
    switch (opt) {
      case OPT_HELP: fputs(help_text, stdout); return EXIT_OK;
      case OPT_HOST: host = optarg; break;
      case OPT_PORT:
        if (!cli_parse_long(optarg, "--port", 0, 65535, &port)) return EXIT_USAGE;
        break;
      case OPT_OPEN: open_browser = 1; break;
      case OPT_NO_ANALYSIS: analysis = 0; break;
      case OPT_SPRITE: sprite = optarg; break;
      case OPT_SPRITE_CELL:
        if (sscanf(optarg, "%dx%d", &cw, &ch) != 2 || cw < 1 || ch < 1 || cw > 8192 || ch > 8192)
          return cli_fail(EXIT_USAGE, "--sprite-cell %s: expected WxH, e.g. 28x28", optarg);
        break;
      default: {
        int r = cli_common_option(&c, opt, optarg);
        if (r < 0) return EXIT_USAGE;
        if (r == 0) return cli_bad_option("serve", argv, optind);
      }
    }
  }
  if (optind >= argc) return cli_fail(EXIT_USAGE, "serve: expected at least one input FILE or DIR");
  if (sprite && !cw) return cli_fail(EXIT_USAGE, "--sprite needs --sprite-cell WxH");
  cli_progress_init(c.quiet);
  sv_dataset *sets[64];
  int n_sets = 0, status = EXIT_OK;
  for (int a = optind; a < argc && !status; a++) {
    if (a > optind) { /* --labels, --metadata and --sprite belong to the first input */
      c.load.labels_path = c.load.metadata_path = NULL;
      sprite = NULL;
    }
    /* a log dir with several embeddings: each one a dataset (TensorBoard's runs) */
    ev_tb_logdir *l = NULL;
    ev_notes notes = {0};
    ev_error err = {0};
    int many = 0;
    if (!c.load.tensor && ev_tb_logdir_open(argv[a], &c.load, &l, &notes, &err) == EV_OK && l->n_embeddings > 1) many = 1;
    if (many) {
      for (int e = 0; e < l->n_embeddings && !status && n_sets < 64; e++) {
        char key[1024];
        snprintf(key, sizeof key, "%s/%s", l->embeddings[e].run, l->embeddings[e].name);
        status = prepare(argv[a], key, &c, sprite, cw, ch, analysis, &sets[n_sets]);
        if (!status) n_sets++;
      }
    } else if (n_sets < 64) {
      status = prepare(argv[a], NULL, &c, sprite, cw, ch, analysis, &sets[n_sets]);
      if (!status) n_sets++;
    }
    ev_tb_logdir_free(l);
  }
  cli_progress_done();
  char token[128] = "";
  sv_server *srv = NULL;
  int bound = 0;
  if (!status) status = make_token(token, sizeof token);
  if (!status) {
    raise_open_file_limit();
    /* EMBVIEW_STREAM_SECONDS: how long an event stream lasts (tests shorten it) */
    const char *ss = getenv("EMBVIEW_STREAM_SECONDS");
    sv_config cfg = {.host = host, .port = (int)port, .token = token, .n_threads = c.n_threads,
                     .stream_seconds = ss ? atoi(ss) : 0};
    ev_error err;
    if (sv_start(&cfg, sets, n_sets, &srv, &bound, &err)) status = cli_fail(EXIT_FAIL, "serve: %s", err.msg);
  }
  if (!status) {
    char url[400];
    const char *shown = !strcmp(host, "0.0.0.0") || !strcmp(host, "::") ? "THIS-MACHINE'S-ADDRESS" : host;
    if (strchr(shown, ':')) snprintf(url, sizeof url, "http://[%s]:%d/", shown, bound);
    else snprintf(url, sizeof url, "http://%s:%d/", shown, bound);
    snprintf(url + strlen(url), sizeof url - strlen(url), "?token=%s", token);
    printf("embview serve: %d dataset(s) at %s\n(Ctrl-C to stop)\n", n_sets, url);
    fflush(stdout);
    if (open_browser && fork() == 0) {
      execlp("xdg-open", "xdg-open", url, (char *)NULL);
      _exit(127);
    }
    /* Ctrl-C and SIGTERM: progress_bar.c's handler, installed before loading
     * (a second handler installed here left a window after the address was
     * printed in which a SIGTERM was taken by the first and never seen). */
    while (!cli_interrupted()) usleep(100000); /* polled: no window between the check and the wait */
    printf("embview serve: stopping\n");
    sv_stop(srv);
  }
  for (int i = 0; i < n_sets; i++) free_dataset(sets[i]);
  return status;
}
