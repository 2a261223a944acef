/* common.c — messages, loading and output checks shared by the commands. */
#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cli/cli.h"

int cli_fail(int status, const char *fmt, ...) {
  va_list ap;
  fflush(stdout);
  fputs("embview: error: ", stderr);
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
  return status;
}

int cli_fail_ev(const ev_error *err, int stage_status) {
  int status = stage_status;
  if (err->code == EV_ECANCELED) status = EXIT_INTERRUPT;
  else if (err->code == EV_ENOMEM || err->code == EV_EINTERNAL) status = EXIT_FAIL;
  return cli_fail(status, "%s", err->msg[0] ? err->msg : ev_strerror(err->code));
}

int cli_fail_compute(const ev_error *err, int rc) {
  return cli_fail_ev(err, rc == EV_EINVAL                                 ? EXIT_USAGE
                          : rc == EV_EMISMATCH || rc == EV_ENONFINITE ? EXIT_INPUT
                                                                          : EXIT_FAIL);
}

void cli_print_notes(const ev_notes *notes) {
  for (int i = 0; i < notes->n; i++) fprintf(stderr, "embview: note: %s\n", notes->msg[i]);
  if (notes->n_dropped) fprintf(stderr, "embview: note: (%d more notes)\n", notes->n_dropped);
}

int cli_load(const char *path, const cli_common *c, ev_dataset **out) {
  ev_error err = {0};
  ev_notes notes = {0};
  int rc = ev_dataset_load(path, &c->load, out, &notes, &err);
  cli_print_notes(&notes);
  if (rc) return cli_fail_ev(&err, EXIT_INPUT);
  return EXIT_OK;
}

ev_load_options cli_load_options_plain(const cli_common *c) {
  ev_load_options o = ev_load_options_default();
  o.max_memory = c->load.max_memory;
  o.allow_outside_paths = c->load.allow_outside_paths;
  return o;
}

int cli_check_output(const char *out_path, const char *in_path, const cli_common *c) {
  const char *inputs[3] = {in_path, c->load.metadata_path, c->load.labels_path};
  for (int i = 0; i < 3; i++)
    if (inputs[i] && ev_same_file(out_path, inputs[i]))
      return cli_fail(EXIT_USAGE, "output %s is an input file; refusing to overwrite it", out_path);
  return EXIT_OK;
}

static int has_ext(const char *path, const char *ext) {
  size_t n = strlen(path), k = strlen(ext);
  return n > k && !strcasecmp(path + n - k, ext);
}

int cli_check_matrix_output(const char *path, const char *what) {
  if (has_ext(path, ".npy") || has_ext(path, ".tsv")) return EXIT_OK;
  return cli_fail(EXIT_USAGE, "%s %s: the output name must end in .npy or .tsv", what, path);
}

int cli_write_matrix(const char *path, const ev_matrix *m) {
  ev_error err = {0};
  if (has_ext(path, ".npy") ? ev_npy_write(path, m, &err) : ev_tsv_write(path, m, &err))
    return cli_fail_ev(&err, EXIT_OUTPUT);
  return EXIT_OK;
}

int cli_out_open(cli_out *o, const char *path, const char *what) {
  ev_error err = {0};
  o->path = path;
  o->what = what;
  o->f = NULL;
  if (ev_output_open(path, what, &o->o, &err)) return cli_fail_ev(&err, EXIT_OUTPUT);
  o->f = ev_output_stream(o->o);
  return EXIT_OK;
}

int cli_out_commit(cli_out *o) {
  ev_error err = {0};
  o->f = NULL;
  if (ev_output_commit(o->o, &err)) return cli_fail_ev(&err, EXIT_OUTPUT);
  return EXIT_OK;
}

double cli_now(void) { return ev_seconds(); }
