/* progress_bar.c — a one-line progress bar on stderr, and Ctrl-C handling.
 *
 * The bar is drawn only when stderr is a terminal and --quiet is not given;
 * otherwise progress is silent.  Either way the callback reports a pending
 * Ctrl-C to the library, which stops cleanly (EV_ECANCELED) and writes no
 * partial output. */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"

static volatile sig_atomic_t interrupted;
static int draw;
static int drawn;
static double last_draw;
static char last_stage[64];
static char stage_prefix[16]; /* a stage's first word ("tsne:"): the ETA restarts when it changes */
static double stage_start;

static void on_sigint(int sig) {
  (void)sig;
  if (interrupted) _exit(EXIT_INTERRUPT); /* second Ctrl-C: leave now */
  interrupted = 1;
}

int cli_interrupted(void) { return interrupted != 0; }

void cli_progress_init(int quiet) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_sigint;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, NULL);
  sigaction(SIGTERM, &sa, NULL);
  draw = !quiet && isatty(STDERR_FILENO);
}

static int on_progress(void *user, const char *stage, double fraction) {
  (void)user;
  if (draw) {
    double now = cli_now();
    int new_stage = strncmp(stage, last_stage, sizeof last_stage - 1) != 0;
    size_t plen = strcspn(stage, " ");
    if (plen >= sizeof stage_prefix) plen = sizeof stage_prefix - 1;
    if (strncmp(stage, stage_prefix, plen) != 0 || stage_prefix[plen] != '\0') {
      memcpy(stage_prefix, stage, plen);
      stage_prefix[plen] = '\0';
      stage_start = now;
    }
    if (new_stage || now - last_draw > 0.1 || fraction >= 1.0) {
      int width = 30, filled = fraction < 0 ? 0 : (int)(fraction * width + 0.5);
      if (filled > width) filled = width;
      char bar[64];
      memset(bar, '#', (size_t)filled);
      memset(bar + filled, '.', (size_t)(width - filled));
      bar[width] = '\0';
      double elapsed = now - stage_start;
      if (fraction > 0.02 && fraction < 1.0 && elapsed > 1.0)
        fprintf(stderr, "\r\033[K[%s] %3d%% %s, ETA %.0f s", bar, (int)(fraction * 100 + 0.5), stage,
                elapsed * (1.0 - fraction) / fraction);
      else if (fraction >= 0)
        fprintf(stderr, "\r\033[K[%s] %3d%% %s", bar, (int)(fraction * 100 + 0.5), stage);
      else
        fprintf(stderr, "\r\033[K[%s] %s", bar, stage);
      fflush(stderr);
      snprintf(last_stage, sizeof last_stage, "%s", stage);
      last_draw = now;
      drawn = 1;
    }
  }
  return interrupted != 0;
}

ev_progress cli_progress(void) {
  ev_progress p = {on_progress, NULL};
  return p;
}

void cli_progress_done(void) {
  if (drawn) fprintf(stderr, "\r\033[K");
  drawn = 0;
  last_stage[0] = '\0';
}
