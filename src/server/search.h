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

#include <stddef.h>

typedef struct sv_search sv_search;

/* Compile; NULL with a message (naming the search) when it is not valid. */
sv_search *sv_search_new(const char *text, char *msg, size_t msg_len);
/* 1 match, 0 no match, -1 a limit was hit (message in msg). */
int sv_search_match(sv_search *s, const char *value, char *msg, size_t msg_len);
void sv_search_free(sv_search *s);

#endif
