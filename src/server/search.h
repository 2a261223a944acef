/* search.h — matching metadata values against a user's search, as the
 * viewer's search box and TensorBoard's projector do: plain text matches
 * anywhere, ignoring case; "/.../" is a regular expression (ignoring case).
 *
 * User patterns never reach glibc's regex (which recurses without bound on
 * patterns like `(|)(\1\1)*`): both kinds go through PCRE2 — plain text as a
 * literal — with a match limit, a depth limit and a heap limit on every
 * match, so one value costs bounded work; a search that hits a limit fails
 * with a message instead of running on.  Values need not be valid UTF-8. */
#ifndef EV_SERVER_SEARCH_H
#define EV_SERVER_SEARCH_H

#include "embview/error.h"

typedef struct sv_search sv_search;

/* Compile into *out.  EV_EINVAL (the message names the search and what is
 * wrong with it) when it is not valid, EV_ENOMEM. */
int sv_search_new(const char *text, sv_search **out, ev_error *err);
/* 1 match, 0 no match, or EV_ERANGE when a limit was hit (err says which). */
int sv_search_match(sv_search *s, const char *value, ev_error *err);
void sv_search_free(sv_search *s);

#endif
