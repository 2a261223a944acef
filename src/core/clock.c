/* clock.c — the one monotonic clock timings are read from. */
#include <time.h>

#include "embview/progress.h"

double ev_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}
