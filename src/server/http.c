/* http.c — the HTTP side of `embview serve`: libmicrohttpd with a thread
 * pool, the security checks every request passes (Host header, token), and
 * the routing to the built-in assets and the API (api.c). */
#include <arpa/inet.h>
#include <microhttpd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/api.h"

#define MAX_BODY 4096 /* the API takes its parameters in the query string */

struct sv_server {
  struct MHD_Daemon *daemon;
  sv_api api;
  char host[256];
  int port;
  char token[128];
};

/* ---- responses ---- */

static void add_common_headers(struct MHD_Response *r, const char *mime) {
  MHD_add_response_header(r, "Content-Type", mime);
  MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
  MHD_add_response_header(r, "Cache-Control", "no-store");
  /* the viewer loads nothing from elsewhere; say so to the browser */
  MHD_add_response_header(r, "Content-Security-Policy",
                          "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; "
                          "connect-src 'self'; frame-ancestors 'none'");
}

static enum MHD_Result send_bytes(struct MHD_Connection *c, unsigned status, const char *mime, const void *data,
                                  size_t len, int copy, const char *const *headers) {
  struct MHD_Response *r = MHD_create_response_from_buffer(len, (void *)data, copy ? MHD_RESPMEM_MUST_COPY
                                                                                    : MHD_RESPMEM_PERSISTENT);
  if (!r) return MHD_NO;
  add_common_headers(r, mime);
  for (int i = 0; headers && headers[i]; i += 2) MHD_add_response_header(r, headers[i], headers[i + 1]);
  enum MHD_Result ret = MHD_queue_response(c, status, r);
  MHD_destroy_response(r);
  return ret;
}

/* ---- a job's server-sent events ----
 * The stream is a chunked response whose reader returns the job's status
 * each time it changes.  Between changes the connection is suspended (it
 * holds no worker thread) and the job's thread resumes it. */

typedef struct stream {
  sv_server *s;
  struct MHD_Connection *conn;
  int job;
  unsigned tick;
  int last;
  sv_waiter waiter;
  char buf[2400];
  size_t len, off;
} stream;

static void stream_suspend(void *user) { MHD_suspend_connection(((stream *)user)->conn); }
static void stream_wake(void *user) { MHD_resume_connection(((stream *)user)->conn); }

static ssize_t stream_read(void *cls, uint64_t pos, char *out, size_t max) {
  stream *st = cls;
  (void)pos;
  if (st->off == st->len) {
    char status[2048];
    int rc = sv_jobs_next_event(st->s->api.jobs, st->job, &st->tick, &st->last, status, sizeof status, &st->waiter);
    if (rc == SV_EVENT_NONE) return 0; /* parked until the job's next change */
    if (rc != SV_EVENT_READY) return MHD_CONTENT_READER_END_OF_STREAM;
    int n = snprintf(st->buf, sizeof st->buf, "id: %u\ndata: %s\n\n", st->tick, status);
    st->len = n < (int)sizeof st->buf ? (size_t)n : sizeof st->buf - 1;
    st->off = 0;
  }
  size_t n = st->len - st->off < max ? st->len - st->off : max;
  memcpy(out, st->buf + st->off, n);
  st->off += n;
  return (ssize_t)n;
}

static enum MHD_Result send_stream(sv_server *s, struct MHD_Connection *c, int job) {
  stream *st = calloc(1, sizeof *st);
  if (!st) return MHD_NO;
  *st = (stream){.s = s, .conn = c, .job = job, .waiter = {stream_suspend, stream_wake, NULL, NULL}};
  st->waiter.user = st;
  struct MHD_Response *r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 4096, stream_read, st, free);
  if (!r) {
    free(st);
    return MHD_NO;
  }
  add_common_headers(r, "text/event-stream");
  enum MHD_Result ret = MHD_queue_response(c, 200, r);
  MHD_destroy_response(r);
  return ret;
}

static enum MHD_Result send_reply(sv_server *s, struct MHD_Connection *c, sv_reply *rep) {
  if (rep->stream_job > 0) return send_stream(s, c, rep->stream_job - 1);
  enum MHD_Result ret;
  const char *headers[8] = {NULL};
  int h = 0;
  if (rep->extra_name[0]) {
    headers[h++] = rep->extra_name;
    headers[h++] = rep->extra_value;
  }
  if (rep->extra2_name[0]) {
    headers[h++] = rep->extra2_name;
    headers[h++] = rep->extra2_value;
  }
  if (rep->cookie[0]) {
    headers[h++] = "Set-Cookie";
    headers[h++] = rep->cookie;
  }
  ret = send_bytes(c, (unsigned)rep->status, rep->mime, rep->body ? rep->body : "", rep->len, 1, headers);
  free(rep->body);
  return ret;
}

static enum MHD_Result send_error(struct MHD_Connection *c, unsigned status, const char *fmt, ...) {
  char msg[512], body[700];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  for (char *p = msg; *p; p++)
    if (*p == '"' || *p == '\\' || (unsigned char)*p < 0x20) *p = '\'';
  int n = snprintf(body, sizeof body, "{\"error\": \"%s\"}\n", msg);
  return send_bytes(c, status, "application/json", body, (size_t)n, 1, NULL);
}

/* ---- security ---- */

/* The Host header must name this server: a page from another site that
 * rebinds its DNS name to 127.0.0.1 sends its own name and is refused.  Off
 * loopback the server cannot know every name it is reached by (0.0.0.0);
 * there the token guards every request instead, and a rebound page never
 * holds it (the cookie belongs to the server's own origin). */
static int host_ok(const sv_server *s, const char *host) {
  if (s->token[0]) return 1;
  if (!host) return 0;
  char want[300];
  const char *names[] = {s->host, "localhost", "127.0.0.1", "[::1]"};
  int loopback = !strcmp(s->host, "127.0.0.1") || !strcmp(s->host, "localhost") || !strcmp(s->host, "::1");
  for (int i = 0; i < 4; i++) {
    if (i && !loopback) break;
    const char *name = names[i];
    if (i == 0 && strchr(name, ':')) { /* IPv6 literal */
      snprintf(want, sizeof want, "[%s]:%d", name, s->port);
    } else {
      snprintf(want, sizeof want, "%s:%d", name, s->port);
    }
    if (!strcasecmp(host, want)) return 1;
  }
  return 0;
}

/* constant time in the secret's length: no timing hints about the token */
static int same_secret(const char *given, const char *secret) {
  if (!given) return 0;
  size_t n = strlen(secret), g = strlen(given);
  unsigned diff = g != n;
  for (size_t i = 0; i < n; i++) diff |= (unsigned char)(i < g ? given[i] : 0) ^ (unsigned char)secret[i];
  return !diff;
}

static int token_ok(const sv_server *s, struct MHD_Connection *c, int *from_query) {
  *from_query = 0;
  if (!s->token[0]) return 1;
  if (same_secret(MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "token"), s->token)) {
    *from_query = 1;
    return 1;
  }
  return same_secret(MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Embview-Token"), s->token) ||
         same_secret(MHD_lookup_connection_value(c, MHD_COOKIE_KIND, "embview_token"), s->token);
}

/* ---- the request handler ---- */

typedef struct request {
  size_t body_len;
} request;

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                              const char *version, const char *upload, size_t *upload_len, void **con_cls) {
  (void)version;
  (void)upload;
  sv_server *s = cls;
  request *rq = *con_cls;
  if (!rq) { /* first call: headers only */
    rq = calloc(1, sizeof *rq);
    if (!rq) return MHD_NO;
    *con_cls = rq;
    return MHD_YES;
  }
  if (*upload_len) { /* bodies are not used; bounded and dropped */
    rq->body_len += *upload_len;
    *upload_len = 0;
    return MHD_YES;
  }
  if (rq->body_len > MAX_BODY) return send_error(c, 413, "request body over %d bytes", MAX_BODY);
  const char *host = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Host");
  if (!host_ok(s, host)) return send_error(c, 403, "Host '%s' is not this server", host ? host : "");
  int from_query;
  if (!token_ok(s, c, &from_query))
    return send_error(c, 401, "this server needs its access token (printed when it started): add ?token=...");
  int get = !strcmp(method, "GET") || !strcmp(method, "HEAD"), post = !strcmp(method, "POST");
  if (!get && !post) return send_error(c, 405, "method %s not allowed", method);
  if (strlen(url) > 1024) return send_error(c, 414, "URL too long");
  if (!strncmp(url, "/api/", 5)) {
    sv_request q = {.conn = c, .url = url, .post = post};
    sv_reply rep = {0};
    sv_api_handle(&s->api, &q, &rep);
    return send_reply(s, c, &rep);
  }
  if (!get) return send_error(c, 405, "method %s not allowed on %s", method, url);
  const sv_asset *a = sv_asset_find(url);
  if (!a) return send_error(c, 404, "no such page: %s", url);
  if (from_query) { /* remember the token so that the page's own requests pass */
    char cookie[256];
    snprintf(cookie, sizeof cookie, "embview_token=%s; HttpOnly; SameSite=Strict; Path=/", s->token);
    const char *headers[] = {"Set-Cookie", cookie, NULL};
    return send_bytes(c, 200, a->mime, a->data, a->len, 0, headers);
  }
  return send_bytes(c, 200, a->mime, a->data, a->len, 0, NULL);
}

/* MHD's own messages, minus the ones about a browser going away (a closed
 * tab ends its event stream that way): those are not the user's concern. */
static void mhd_log(void *cls, const char *fmt, va_list ap) {
  (void)cls;
  char msg[2048];
  vsnprintf(msg, sizeof msg, fmt, ap);
  /* MHD 0.9.75's words for a peer that reset (RST) or closed (FIN, then EPIPE) */
  if (strstr(msg, "closed by remote peer") || strstr(msg, "no longer available for sending") ||
      strstr(msg, "socket is not connected"))
    return;
  size_t n = strlen(msg);
  while (n && (msg[n - 1] == '\n' || msg[n - 1] == ' ')) msg[--n] = 0;
  fprintf(stderr, "embview serve: %s\n", msg);
}

static void completed(void *cls, struct MHD_Connection *c, void **con_cls, enum MHD_RequestTerminationCode toe) {
  (void)cls;
  (void)c;
  (void)toe;
  free(*con_cls);
  *con_cls = NULL;
}

int sv_start(const sv_config *cfg, sv_dataset *const *datasets, int n_datasets, sv_server **out, int *port_out,
             char *msg, size_t msg_len) {
  *out = NULL;
  sv_server *s = calloc(1, sizeof *s);
  if (!s) {
    snprintf(msg, msg_len, "out of memory");
    return -1;
  }
  snprintf(s->host, sizeof s->host, "%s", cfg->host ? cfg->host : "127.0.0.1");
  if (cfg->token) snprintf(s->token, sizeof s->token, "%s", cfg->token);
  if (sv_api_init(&s->api, datasets, n_datasets, cfg->n_threads)) {
    free(s);
    snprintf(msg, msg_len, "out of memory");
    return -1;
  }
  struct sockaddr_in a4 = {0};
  struct sockaddr_in6 a6 = {0};
  struct sockaddr *addr;
  unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG | MHD_ALLOW_SUSPEND_RESUME;
  const char *h = !strcmp(s->host, "localhost") ? "127.0.0.1" : s->host;
  if (inet_pton(AF_INET, h, &a4.sin_addr) == 1) {
    a4.sin_family = AF_INET;
    a4.sin_port = htons((uint16_t)cfg->port);
    addr = (struct sockaddr *)&a4;
  } else if (inet_pton(AF_INET6, h, &a6.sin6_addr) == 1) {
    a6.sin6_family = AF_INET6;
    a6.sin6_port = htons((uint16_t)cfg->port);
    addr = (struct sockaddr *)&a6;
    flags |= MHD_USE_IPv6;
  } else {
    sv_api_free(&s->api);
    free(s);
    snprintf(msg, msg_len, "--host %s: expected an IP address (127.0.0.1, ::1, 0.0.0.0, ...)", s->host);
    return -1;
  }
  s->daemon = MHD_start_daemon(flags, (uint16_t)cfg->port, NULL, NULL, handle, s, MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
                               MHD_OPTION_SOCK_ADDR, addr,
                               MHD_OPTION_THREAD_POOL_SIZE, 4u, MHD_OPTION_CONNECTION_LIMIT, 256u,
                               MHD_OPTION_CONNECTION_TIMEOUT, 30u, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
                               (size_t)64 * 1024, MHD_OPTION_NOTIFY_COMPLETED, completed, s, MHD_OPTION_END);
  if (!s->daemon) {
    sv_api_free(&s->api);
    free(s);
    snprintf(msg, msg_len, "cannot listen on %s port %d (in use, or not an address of this machine)",
             cfg->host ? cfg->host : "127.0.0.1", cfg->port);
    return -1;
  }
  const union MHD_DaemonInfo *info = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
  s->port = info ? info->port : cfg->port;
  *port_out = s->port;
  *out = s;
  return 0;
}

void sv_stop(sv_server *s) {
  if (!s) return;
  /* MHD may not stop with suspended connections: end the event streams first */
  sv_jobs_close_streams(s->api.jobs);
  MHD_stop_daemon(s->daemon);
  sv_api_free(&s->api);
  free(s);
}
