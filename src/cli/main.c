/* main.c — `embview <command> ...`: dispatch, common options, help. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

static const char *usage_text =
    "usage: embview <command> [options]\n"
    "\n"
    "commands:\n"
    "  info FILE                      shape, type, value range and metadata of an input\n"
    "  knn FILE -k K [-o GRAPH.npz]   k-nearest-neighbour graph (exact or approximate)\n"
    "  embed FILE --method M -o OUT   project (pca, tsne, umap) and write .npy or .tsv\n"
    "  export FILE --tensorboard DIR  write a TensorBoard log dir (or --standalone DIR)\n"
    "  analyze FILE --labels L        class overlaps, suspect labels; with --embedding, the map's quality\n"
    "  report FILE --labels L -o R    one HTML file: the map, overlaps, suspects, quality\n"
    "  serve FILE|DIR ...             the viewer in the browser (http://127.0.0.1:8080/)\n"
    "\n"
    "  embview <command> --help       options of a command\n"
    "  embview --version              version and linear-algebra backend\n"
    "\n"
    "inputs: IDX (.gz), NPY, NPZ, TSV, CSV, TensorBoard log dirs and checkpoints;\n"
    "        metadata TSV; labels as IDX/NPY/text.\n"
    "exit status: 0 ok, 1 failure, 2 usage error, 3 input error, 4 output error, 130 interrupted\n";

void cli_common_init(cli_common *c) {
  memset(c, 0, sizeof *c);
  c->load = ev_load_options_default();
}

int cli_parse_size(const char *s, uint64_t *out) {
  char *end;
  errno = 0;
  double v = strtod(s, &end);
  if (errno || end == s || !(v >= 0)) return 0;
  double mult = 1;
  switch (*end) {
    case 'k': case 'K': mult = 1024.0, end++; break;
    case 'm': case 'M': mult = 1024.0 * 1024, end++; break;
    case 'g': case 'G': mult = 1024.0 * 1024 * 1024, end++; break;
    case 't': case 'T': mult = 1024.0 * 1024 * 1024 * 1024, end++; break;
  }
  if (mult > 1 && (*end == 'i' || *end == 'I')) end++;
  if (*end == 'b' || *end == 'B') end++;
  if (*end) return 0;
  v *= mult;
  if (v >= 9.2e18) return 0;
  *out = (uint64_t)v;
  return 1;
}

int cli_parse_long(const char *s, const char *what, long min, long max, long *out) {
  char *end;
  errno = 0;
  long v = strtol(s, &end, 10);
  if (errno || end == s || *end || v < min || v > max) {
    cli_fail(EXIT_USAGE, "%s: '%s' is not an integer in %ld..%ld", what, s, min, max);
    return 0;
  }
  *out = v;
  return 1;
}

int cli_common_option(cli_common *c, int opt, const char *arg) {
  long v;
  switch (opt) {
    case OPT_LABELS: c->load.labels_path = arg; return 1;
    case OPT_METADATA: c->load.metadata_path = arg; return 1;
    case OPT_FORMAT: {
      int f = ev_format_parse(arg);
      if (f < 0) {
        cli_fail(EXIT_USAGE, "--format: unknown format '%s' (auto, idx, npy, npz, tsv, csv, tensorboard)", arg);
        return -1;
      }
      c->load.format = (ev_format)f;
      return 1;
    }
    case OPT_THREADS:
      if (!cli_parse_long(arg, "--threads", 1, 1024, &v)) return -1;
      c->n_threads = (int)v;
      ev_set_default_threads(c->n_threads);
      return 1;
    case OPT_QUIET: c->quiet = 1; return 1;
    case OPT_TENSOR: c->load.tensor = arg; return 1;
    case OPT_MAX_MEMORY: {
      uint64_t n;
      if (!cli_parse_size(arg, &n) || n < ((uint64_t)1 << 20)) {
        cli_fail(EXIT_USAGE, "--max-memory: '%s' is not a size of at least 1M (e.g. 512M, 16G)", arg);
        return -1;
      }
      c->load.max_memory = n;
      return 1;
    }
    case OPT_ALLOW_OUTSIDE: c->load.allow_outside_paths = 1; return 1;
  }
  return 0;
}

int cli_bad_option(const char *cmd, char **argv, int optind_now) {
  const char *bad = argv[optind_now - 1];
  return cli_fail(EXIT_USAGE, "%s: unknown option or missing value near '%s' (see embview %s --help)",
                  cmd, bad ? bad : "?", cmd);
}

static int run(int argc, char **argv) {
  if (argc < 2) {
    fputs(usage_text, stderr);
    return EXIT_USAGE;
  }
  const char *cmd = argv[1];
  if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
    if (argc >= 3 && strcmp(cmd, "help") == 0) {
      char *sub[] = {argv[2], "--help", NULL};
      if (!strcmp(argv[2], "info")) return cmd_info(2, sub);
      if (!strcmp(argv[2], "embed")) return cmd_embed(2, sub);
      if (!strcmp(argv[2], "knn")) return cmd_knn(2, sub);
      if (!strcmp(argv[2], "export")) return cmd_export(2, sub);
      if (!strcmp(argv[2], "analyze")) return cmd_analyze(2, sub);
      if (!strcmp(argv[2], "report")) return cmd_report(2, sub);
      if (!strcmp(argv[2], "serve")) return cmd_serve(2, sub);
    }
    fputs(usage_text, stdout);
    return EXIT_OK;
  }
  if (!strcmp(cmd, "--version") || !strcmp(cmd, "-V")) {
    printf("embview %s\nBLAS: %s\n", ev_version(), ev_blas_info());
    return EXIT_OK;
  }
  opterr = 0; /* we print our own messages */
  if (!strcmp(cmd, "info")) return cmd_info(argc - 1, argv + 1);
  if (!strcmp(cmd, "embed")) return cmd_embed(argc - 1, argv + 1);
  if (!strcmp(cmd, "knn")) return cmd_knn(argc - 1, argv + 1);
  if (!strcmp(cmd, "export")) return cmd_export(argc - 1, argv + 1);
  if (!strcmp(cmd, "analyze")) return cmd_analyze(argc - 1, argv + 1);
  if (!strcmp(cmd, "report")) return cmd_report(argc - 1, argv + 1);
  if (!strcmp(cmd, "serve")) return cmd_serve(argc - 1, argv + 1);
  return cli_fail(EXIT_USAGE, "unknown command '%s' (commands: info, knn, embed, export, analyze, report, serve; see embview --help)", cmd);
}

/* What a command printed may not have reached its file (a full disk behind
 * `> file` shows up at the last flush): checked like every other output. */
int main(int argc, char **argv) {
  int status = run(argc, argv);
  errno = 0;
  int flush_failed = fflush(stdout) != 0;
  int saved = errno;
  if ((flush_failed || ferror(stdout)) && status == EXIT_OK)
    status = cli_fail(EXIT_OUTPUT, "standard output: %s", strerror(saved ? saved : EIO));
  return status;
}
