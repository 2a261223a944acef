/* tb_paths.c — which files a log dir or a standalone config may lead us to.
 *
 * A projector_config.pbtxt, a `checkpoint` state file or a standalone JSON
 * config names files by path, and whoever wrote the log dir chose those
 * paths: `metadata_path: "/etc/passwd"` would otherwise be read as metadata
 * and `embview serve` would hand its lines to the browser.  So every file a
 * log dir leads to (after TensorBoard's resolution and our fallbacks, and
 * after symbolic links: the real path) must lie inside the log dir's parent
 * folder, the scope.  The parent and not the log dir itself, because real
 * log dirs name files relative to it (`logs\\metadata.tsv`) and our
 * fallbacks look there.  Outside paths are refused unless the caller sets
 * ev_load_options.allow_outside_paths (the CLI's --allow-outside-paths);
 * TensorBoard before 2026 loaded them, so such log dirs stay one flag away,
 * and each outside file is then named in a note.
 *
 * Files under /proc, /sys and /dev are refused even with the flag.  They are
 * kernel interfaces and devices, never data a log dir could have been
 * written with: /proc/self/environ and /proc/self/cmdline hold this
 * process's secrets (the server's token among them), /dev/zero and
 * /dev/urandom never end, /dev/tty blocks.  A user who does want one gives
 * it on the command line (--metadata, --labels, --sprite and the input are
 * not restricted: the user chose them).  The one exception: a log dir that
 * itself lies there (one under /dev/shm, say) may name files inside its
 * scope, as anywhere else.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "io/tb_internal.h"

static const char *const kernel_dirs[] = {"/proc", "/sys", "/dev"};

/* Whether real path p is `dir` or lies below it (both absolute, resolved). */
static int under(const char *p, const char *dir) {
  size_t n = strlen(dir);
  if (n == 1 && dir[0] == '/') return p[0] == '/';
  return !strncmp(p, dir, n) && (p[n] == '/' || p[n] == '\0');
}

int ev__tb_scope_init(ev__tb_scope *s, const char *dir, const char *label, int allow_outside, ev_notes *notes,
                      ev_error *err) {
  memset(s, 0, sizeof *s);
  s->label = label;
  s->allow_outside = allow_outside;
  s->notes = notes;
  char real[PATH_MAX];
  if (!realpath(dir, real)) return ev__err(err, EV_ENOTFOUND, "log dir %s: %s", dir, strerror(errno));
  char *slash = strrchr(real, '/');
  if (slash && slash != real) *slash = '\0';
  else real[1] = '\0'; /* "/x" -> "/", "/" stays */
  s->root = ev__strdup(real);
  if (!s->root) return ev__err(err, EV_ENOMEM, "log dir %s: out of memory", dir);
  return EV_OK;
}

void ev__tb_scope_free(ev__tb_scope *s) {
  ev__free(s->root);
  s->root = NULL;
}

int ev__tb_scope_check(const ev__tb_scope *s, const char *path, const char *what, ev_error *err) {
  char real[PATH_MAX];
  if (!realpath(path, real))
    return ev__err(err, EV_EPERM, "%s: cannot resolve %s to check that it lies inside %s: %s", what, path, s->root,
                   strerror(errno));
  int inside = under(real, s->root);
  for (size_t k = 0; k < sizeof kernel_dirs / sizeof kernel_dirs[0]; k++)
    if (under(real, kernel_dirs[k]) && !(inside && under(s->root, kernel_dirs[k])))
      return ev__err(err, EV_EPERM,
                     "%s resolves to %s, under %s: refused (files in /proc, /sys and /dev are never read from a "
                     "log dir or config, not even with --allow-outside-paths)",
                     what, real, kernel_dirs[k]);
  if (inside) return EV_OK;
  if (!s->allow_outside)
    return ev__err(err, EV_EPERM,
                   "%s resolves to %s, outside %s (%s's parent folder): refused; --allow-outside-paths loads "
                   "such paths",
                   what, real, s->root, s->label);
  /* the fixed words first: a note is cut at 320 bytes */
  ev__note(s->notes, "loaded as --allow-outside-paths asks, outside %s's parent folder: %s, at %s", s->label, what,
           real);
  return EV_OK;
}
