/* embview/error.h — error codes, the caller-owned error buffer, and warnings.
 *
 * Every fallible public function returns int: EV_OK (0) on success or one of
 * the negative codes below.  Details go into an optional caller-owned
 * ev_error (NULL allowed): the code again plus a message that names the
 * place, the thing and the value, e.g.
 *     "npy: data/x.npy: header says shape (10000, 784) but the file holds 31360 bytes of data"
 * The library never prints, never exits; the CLI and server decide what to do.
 *
 * Non-fatal findings (a header line guessed in a metadata file, a path that was
 * resolved by a fallback) go into an optional caller-owned ev_notes.
 */
#ifndef EMBVIEW_ERROR_H
#define EMBVIEW_ERROR_H

#ifdef __cplusplus
extern "C" {
#endif

/* X-macro: name, value, short description.  Codes never change once released. */
#define EV_ERRNO_MAP(XX)                                              \
  XX(OK, 0, "success")                                                \
  XX(EINVAL, -1, "invalid argument")                                  \
  XX(ENOMEM, -2, "out of memory")                                     \
  XX(EIO, -3, "input/output error")                                   \
  XX(EFORMAT, -4, "malformed input")                                  \
  XX(EUNSUPPORTED, -5, "unsupported format feature")                  \
  XX(ERANGE, -6, "size or value out of range")                        \
  XX(ENOTFOUND, -7, "not found")                                      \
  XX(ENONFINITE, -8, "NaN or infinite value in input")                \
  XX(ECANCELED, -9, "canceled")                                       \
  XX(EEXIST, -10, "already exists")                                   \
  XX(EMISMATCH, -11, "shape or count mismatch")                       \
  XX(EINTERNAL, -12, "internal error")                                \
  XX(EPERM, -13, "not permitted")                                    \
  XX(EBUSY, -14, "busy: try again later")

typedef enum ev_errno {
#define EV__ERR_ENUM(name, value, text) EV_##name = value,
  EV_ERRNO_MAP(EV__ERR_ENUM)
#undef EV__ERR_ENUM
} ev_errno;

#define EV_ERROR_MSG_LEN 512

/* Caller-owned error details.  Zero-initialise or ev_error_clear() before use. */
typedef struct ev_error {
  int code;                     /* EV_OK or a negative ev_errno */
  char msg[EV_ERROR_MSG_LEN];   /* NUL-terminated human-readable message */
} ev_error;

void ev_error_clear(ev_error *err);

/* Short static description of a code ("malformed input"); never NULL. */
const char *ev_strerror(int code);

/* Symbolic name of a code ("EFORMAT"); never NULL. */
const char *ev_err_name(int code);

#define EV_NOTES_MAX 32
#define EV_NOTE_LEN 320

/* Caller-owned list of warnings.  Zero-initialise or ev_notes_clear() first.
 * When more than EV_NOTES_MAX notes arrive, the extra ones are counted in
 * n_dropped and their text is lost. */
typedef struct ev_notes {
  int n;                             /* notes stored in msg[0..n-1] */
  int n_dropped;                     /* notes that did not fit */
  char msg[EV_NOTES_MAX][EV_NOTE_LEN];
} ev_notes;

void ev_notes_clear(ev_notes *notes);

#ifdef __cplusplus
}
#endif
#endif
