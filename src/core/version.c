/* version.c — library version and the linear-algebra backend it runs on. */
#include <stdio.h>

#include "embview/version.h"

/* OpenBLAS reports its build configuration and threading model. */
extern char *openblas_get_config(void);
extern int openblas_get_parallel(void);

const char *ev_version(void) { return EV_VERSION_STRING; }

const char *ev_blas_info(void) {
  static char info[256];
  int par = openblas_get_parallel();
  snprintf(info, sizeof info, "%s (%s threading)", openblas_get_config(),
           par == 0 ? "no" : par == 1 ? "pthreads" : "OpenMP");
  return info;
}
