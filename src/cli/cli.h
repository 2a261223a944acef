/* cli.h — shared pieces of the embview command line: exit codes, messages,
 * input loading and progress.  The CLI is the only code that prints or exits. */
#ifndef EV_CLI_H
#define EV_CLI_H

#include <stdint.h>
#include <stdio.h>

#include "embview/embview.h"

/* Exit statuses, documented in the README. */
enum cli_exit {
  EXIT_OK = 0,
  EXIT_FAIL = 1,        /* internal or resource failure (out of memory, LAPACK) */
  EXIT_USAGE = 2,       /* bad command line: unknown option, bad value */
  EXIT_INPUT = 3,       /* an input file is missing, unreadable, malformed or mismatched */
  EXIT_OUTPUT = 4,      /* an output could not be written */
  EXIT_INTERRUPT = 130  /* Ctrl-C */
};

typedef struct cli_common {
  ev_load_options load;
  int quiet;
  int n_threads;
} cli_common;

/* "embview: error: <msg>" on stderr; returns `status`. */
int cli_fail(int status, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Library error → message and exit status for the given stage. */
int cli_fail_ev(const ev_error *err, int stage_status);
/* A failure of a compute stage (kNN, a map, the analyses), as its exit
 * status: usage for bad parameters, input for mismatched or non-finite
 * data, else failure.  The one mapping every command uses. */
int cli_fail_compute(const ev_error *err, int rc);
void cli_print_notes(const ev_notes *notes);

/* Load the input and its metadata/labels; prints notes; returns an exit status. */
int cli_load(const char *path, const cli_common *c, ev_dataset **out);
/* Load options for a further input (--embedding, --init, --projection ...):
 * detection, no extra files, and the common --max-memory and
 * --allow-outside-paths. */
ev_load_options cli_load_options_plain(const cli_common *c);

/* Refuse to write over any input file; returns an exit status. */
int cli_check_output(const char *out_path, const char *in_path, const cli_common *c);
/* A matrix output (coordinates): the name must end in .npy or .tsv (what
 * names the option in the message); then written atomically. */
int cli_check_matrix_output(const char *path, const char *what);
int cli_write_matrix(const char *path, const ev_matrix *m);

/* Progress to stderr: a bar on a TTY unless quiet; always watches Ctrl-C. */
void cli_progress_init(int quiet);
ev_progress cli_progress(void);
void cli_progress_done(void);
int cli_interrupted(void);

double cli_now(void);

/* A text output written atomically by the library (ev_output): never half a
 * file, and a failed write leaves any previous file.  Both return an exit
 * status (and print why). */
typedef struct cli_out {
  FILE *f;
  ev_output *o;
  const char *path, *what;
} cli_out;
int cli_out_open(cli_out *o, const char *path, const char *what);
int cli_out_commit(cli_out *o);

int cmd_info(int argc, char **argv);
int cmd_embed(int argc, char **argv);
int cmd_knn(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_analyze(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_serve(int argc, char **argv);

#endif

/* Option ids shared by the commands (beyond single characters). */
enum cli_opt_id {
  OPT_LABELS = 1000,
  OPT_METADATA,
  OPT_FORMAT,
  OPT_THREADS,
  OPT_QUIET,
  OPT_HELP,
  OPT_METHOD,
  OPT_DIMS,
  OPT_NORMALIZE,
  OPT_SOLVER,
  OPT_SEED,
  OPT_SCALE,
  OPT_JSON,
  OPT_TENSOR,
  OPT_MAX_MEMORY,
  OPT_ALLOW_OUTSIDE
};

/* getopt_long entries for the common options, to splice into each table. */
#define CLI_COMMON_LONGOPTS                               \
  {"labels", required_argument, NULL, OPT_LABELS},        \
  {"metadata", required_argument, NULL, OPT_METADATA},    \
  {"format", required_argument, NULL, OPT_FORMAT},        \
  {"tensor", required_argument, NULL, OPT_TENSOR},        \
  {"max-memory", required_argument, NULL, OPT_MAX_MEMORY}, \
  {"allow-outside-paths", no_argument, NULL, OPT_ALLOW_OUTSIDE}, \
  {"threads", required_argument, NULL, OPT_THREADS},      \
  {"quiet", no_argument, NULL, OPT_QUIET},                \
  {"help", no_argument, NULL, OPT_HELP}

#define CLI_COMMON_HELP                                                                        \
  "  --labels FILE      labels: IDX/NPY 1-D array or one value per line\n"                    \
  "  --metadata FILE    metadata TSV (TensorBoard rules: header row iff several columns)\n"   \
  "  --format FMT       input format: auto (default), idx, npy, npz, tsv, csv, tensorboard\n" \
  "  --tensor NAME      log dirs and checkpoints: which embedding (name, key or RUN/name)\n"  \
  "  --max-memory SIZE  memory the readers may use for the input files (512M, 16G; default:\n" \
  "                     half the RAM, at least 1G); beyond it they stop with an error\n"       \
  "  --allow-outside-paths  log dirs and configs may name files outside the log dir's\n"     \
  "                     parent folder (never /proc, /sys, /dev); each is noted\n"              \
  "  --threads N        worker threads (default: all cores)\n"                                \
  "  --quiet            no progress bar\n"                                                    \
  "  --help             this help\n"

void cli_common_init(cli_common *c);
/* Handle a common option; returns 1 if handled, 0 if not common, or -1 after
 * printing a usage error. */
int cli_common_option(cli_common *c, int opt, const char *arg);
/* A byte size: a number with an optional K, M, G or T (powers of 1024,
 * optionally followed by B or iB); 1 on success. */
int cli_parse_size(const char *s, uint64_t *out);
/* Strict integer parsing with a range; prints a usage error and returns 0 on failure. */
int cli_parse_long(const char *s, const char *what, long min, long max, long *out);
/* Message for an unknown option or missing value from getopt. */
int cli_bad_option(const char *cmd, char **argv, int optind_now);
