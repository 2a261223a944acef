/* http.c — the HTTP side of `embview serve`: libmicrohttpd (epoll, a thread
 * pool), the checks every request passes, the routing to the built-in
 * assets and the API (api.c), and the jobs' event streams.
 *
 * The checks, in order (the README's "Security model"):
 *   1. Host (loopback only): must name this server, so a page whose DNS name
 *      was rebound to 127.0.0.1 is refused.
 *   2. The target parses (request.c: bounded, strictly decoded).
 *   3. The access token, on every request, loopback too: the printed URL
 *      carries it (?token=, accepted on the page "/" only); the page's reply
 *      keeps it as an HttpOnly SameSite=Strict cookie, named after the port
 *      (cookies are not separated by port); programs send X-Embview-Token.
 *   4. Fetch metadata: the API answers only the viewer's own origin
 *      (Sec-Fetch-Site same-origin, or none for a typed URL); a state change
 *      (POST) also needs Origin, when sent, to be this server's.  Cookies of
 *      127.0.0.1 also go to other ports' pages (same site), hence both.
 * Resources: idle connections close after CONNECTION_TIMEOUT; the connection
 * limit follows the open-file limit (epoll has no FD_SETSIZE); event streams
 * are capped and end after cfg->stream_seconds (the browser reconnects). */
#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "server/api.h"
#include "server/error_body.h"

#define MAX_BODY 4096          /* the API takes its parameters in the query string */
#define POOL_THREADS 4u
#define CONNECTION_TIMEOUT 15u /* seconds without traffic (a parked event stream is exempt) */
#define MAX_STREAMS 64
#define MAX_CONNECTIONS 4096u

struct sv_server {
  struct MHD_Daemon *daemon;
  sv_api api;
  char host[256];
  int port;
  int loopback;
  char token[128];
  char cookie_name[40];
  int n_streams;               /* open event streams (atomic) */
  double stream_seconds;
  pthread_t housekeeper;       /* ends expired event streams */
  int housekeeper_started;
  pthread_mutex_t hk_mu;
  pthread_cond_t hk_stop;
  int stopping;
};

/* ---- responses ---- */

static void add_common_headers(struct MHD_Response *r, const char *mime) {
  MHD_add_response_header(r, "Content-Type", mime);
  MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
  MHD_add_response_header(r, "Cache-Control", "no-store");
  MHD_add_response_header(r, "Referrer-Policy", "no-referrer"); /* the page's URL may carry the token */
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

static enum MHD_Result send_error(struct MHD_Connection *c, unsigned status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static enum MHD_Result send_error(struct MHD_Connection *c, unsigned status, const char *fmt, ...) {
  ev_json b = {0};
  va_list ap;
  va_start(ap, fmt);
  sv_error_body(&b, fmt, ap);
  va_end(ap);
  enum MHD_Result ret = b.failed ? MHD_NO : send_bytes(c, status, "application/json", b.p, b.len, 1, NULL);
  ev_json_clear(&b);
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
  ev_json out;
  size_t off;
} stream;

static void stream_suspend(void *user) { MHD_suspend_connection(((stream *)user)->conn); }
static void stream_wake(void *user) { MHD_resume_connection(((stream *)user)->conn); }

static ssize_t stream_read(void *cls, uint64_t pos, char *out, size_t max) {
  stream *st = cls;
  (void)pos;
  if (st->off == st->out.len) {
    ev_json status = {0};
    int first = st->tick == 0;
    int rc = sv_jobs_next_event(st->s->api.jobs, st->job, &st->tick, &st->last, &status, &st->waiter);
    if (rc != SV_EVENT_READY || status.failed) {
      ev_json_clear(&status);
      return rc == SV_EVENT_NONE ? 0 : MHD_CONTENT_READER_END_OF_STREAM; /* 0: parked until the next change */
    }
    st->out.len = st->off = 0;
    if (first) ev_json_put(&st->out, "retry: 2000\n", 12); /* an ended (expired) stream reconnects in 2 s */
    ev_json_printf(&st->out, "id: %u\ndata: ", st->tick);
    ev_json_put(&st->out, status.p, status.len);
    ev_json_put(&st->out, "\n\n", 2);
    ev_json_clear(&status);
    if (st->out.failed) return MHD_CONTENT_READER_END_WITH_ERROR;
  }
  size_t n = st->out.len - st->off < max ? st->out.len - st->off : max;
  memcpy(out, st->out.p + st->off, n);
  st->off += n;
  return (ssize_t)n;
}

static void stream_free(void *cls) {
  stream *st = cls;
  __atomic_fetch_sub(&st->s->n_streams, 1, __ATOMIC_RELAXED);
  ev_json_clear(&st->out);
  free(st);
}

static enum MHD_Result send_stream(sv_server *s, struct MHD_Connection *c, int job) {
  if (__atomic_add_fetch(&s->n_streams, 1, __ATOMIC_RELAXED) > MAX_STREAMS) {
    __atomic_fetch_sub(&s->n_streams, 1, __ATOMIC_RELAXED);
    return send_error(c, 503, "too many open event streams (%d); close other viewer tabs", MAX_STREAMS);
  }
  stream *st = calloc(1, sizeof *st);
  if (!st) {
    __atomic_fetch_sub(&s->n_streams, 1, __ATOMIC_RELAXED);
    return MHD_NO;
  }
  *st = (stream){.s = s, .conn = c, .job = job, .waiter = {stream_suspend, stream_wake, NULL, 0, 0, NULL}};
  st->waiter.user = st;
  st->waiter.deadline = sv_now() + s->stream_seconds;
  struct MHD_Response *r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 4096, stream_read, st, stream_free);
  if (!r) {
    stream_free(st);
    return MHD_NO;
  }
  add_common_headers(r, "text/event-stream");
  enum MHD_Result ret = MHD_queue_response(c, 200, r);
  MHD_destroy_response(r);
  return ret;
}

static void *housekeeper(void *arg) {
  sv_server *s = arg;
  pthread_mutex_lock(&s->hk_mu);
  while (!s->stopping) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_sec += 1;
    pthread_cond_timedwait(&s->hk_stop, &s->hk_mu, &ts);
    if (!s->stopping) sv_jobs_expire_streams(s->api.jobs, sv_now());
  }
  pthread_mutex_unlock(&s->hk_mu);
  return NULL;
}

static enum MHD_Result send_reply(sv_server *s, struct MHD_Connection *c, sv_reply *rep) {
  if (rep->stream_job > 0) return send_stream(s, c, rep->stream_job - 1);
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
  enum MHD_Result ret = send_bytes(c, (unsigned)rep->status, rep->mime, rep->body ? rep->body : "", rep->len, 1, headers);
  free(rep->body);
  return ret;
}

/* ---- security ---- */

/* The Host header must name this server: a page from another site that
 * rebinds its DNS name to 127.0.0.1 sends its own name and is refused.  Off
 * loopback the server cannot know every name it is reached by (0.0.0.0);
 * there the token alone guards (a rebound page never holds it). */
static int host_ok(const sv_server *s, const char *host) {
  if (!s->loopback) return 1;
  if (!host) return 0;
  char want[300];
  const char *names[] = {s->host, "localhost", "127.0.0.1", "[::1]"};
  for (int i = 0; i < 4; i++) {
    if (i == 0 && strchr(names[i], ':')) snprintf(want, sizeof want, "[%s]:%d", names[i], s->port); /* IPv6 */
    else snprintf(want, sizeof want, "%s:%d", names[i], s->port);
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

/* 1 with the token from the cookie or header; 2 from the page's query. */
static int token_ok(const sv_server *s, struct MHD_Connection *c, const sv_target *t, int page) {
  if (same_secret(MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Embview-Token"), s->token) ||
      same_secret(MHD_lookup_connection_value(c, MHD_COOKIE_KIND, s->cookie_name), s->token))
    return 1;
  return page && same_secret(sv_target_arg(t, "token"), s->token) ? 2 : 0;
}

/* Fetch metadata and Origin: who is asking, as the browser tells it.  Clients
 * that send neither (curl, Python) pass: they hold the token. */
static const char *cross_origin(struct MHD_Connection *c, int state_change) {
  const char *site = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Sec-Fetch-Site");
  if (site && strcmp(site, "same-origin") && (state_change || strcmp(site, "none"))) return site;
  if (!state_change) return NULL;
  const char *origin = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Origin");
  const char *host = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Host");
  if (!origin) return NULL;
  if (!host || strncmp(origin, "http://", 7) || strcasecmp(origin + 7, host)) return origin;
  return NULL;
}

static const char needs_token_page[] =
    "<!doctype html><meta charset=utf-8><title>embview</title>"
    "<p>This embview viewer needs its access token. Open the address that <code>embview serve</code> printed "
    "when it started (it ends with <code>?token=...</code>).</p>\n";

/* ---- the request handler ---- */

typedef struct request {
  int headers_seen;
  size_t body_len;
  size_t target_len;   /* > SV_TARGET_MAX: too long (not kept) */
  char target[SV_TARGET_MAX + 1];
} request;

/* MHD calls this first, with the raw target (path and query, undecoded). */
static void *on_uri(void *cls, const char *uri, struct MHD_Connection *c) {
  (void)cls;
  (void)c;
  request *rq = calloc(1, sizeof *rq);
  if (!rq) return NULL;
  size_t n = strlen(uri);
  rq->target_len = n;
  if (n <= SV_TARGET_MAX) memcpy(rq->target, uri, n + 1);
  return rq;
}

static void client_address(struct MHD_Connection *c, char *out, size_t len) {
  const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
  snprintf(out, len, "?");
  if (!ci || !ci->client_addr) return;
  const struct sockaddr *sa = ci->client_addr;
  if (sa->sa_family == AF_INET) inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, out, (socklen_t)len);
  else if (sa->sa_family == AF_INET6)
    inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, out, (socklen_t)len);
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                              const char *version, const char *upload, size_t *upload_len, void **con_cls) {
  (void)version;
  (void)upload;
  (void)url; /* MHD's decoded path: we decode the raw target ourselves */
  sv_server *s = cls;
  request *rq = *con_cls;
  if (!rq) return MHD_NO; /* on_uri could not allocate */
  if (!rq->headers_seen) { /* first call: headers only */
    rq->headers_seen = 1;
    return MHD_YES;
  }
  if (*upload_len) { /* bodies are not used; bounded and dropped */
    rq->body_len += *upload_len;
    *upload_len = 0;
    return MHD_YES;
  }
  if (rq->body_len > MAX_BODY) return send_error(c, 413, "request body over %d bytes", MAX_BODY);
  const char *host = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Host");
  if (!host_ok(s, host)) return send_error(c, 403, "Host '%.200s' is not this server", host ? host : "");
  sv_target t;
  ev_error err;
  if (rq->target_len > SV_TARGET_MAX)
    return send_error(c, 414, "request target over %d bytes", SV_TARGET_MAX);
  if (sv_target_parse(rq->target, rq->target_len, &t, &err)) return send_error(c, 400, "%s", err.msg);
  int get = !strcmp(method, "GET") || !strcmp(method, "HEAD"), post = !strcmp(method, "POST");
  if (!get && !post) return send_error(c, 405, "method %.20s not allowed", method);
  int page = get && !strcmp(t.path, "/");
  int tok = token_ok(s, c, &t, page);
  if (!tok) {
    if (page) return send_bytes(c, 401, "text/html; charset=utf-8", needs_token_page, sizeof needs_token_page - 1, 0, NULL);
    return send_error(c, 401, "this server needs its access token: open the address `embview serve` printed "
                              "(it ends with ?token=...), or send the X-Embview-Token header");
  }
  int api = !strncmp(t.path, "/api/", 5);
  const char *who = api || post ? cross_origin(c, post) : NULL;
  if (who) return send_error(c, 403, "cross-origin request refused (%.80s): only the viewer's own pages may use the API", who);
  if (api) {
    char client[64];
    client_address(c, client, sizeof client);
    sv_request q = {.target = &t, .url = t.path, .post = post, .client = client};
    sv_reply rep = {0};
    sv_api_handle(&s->api, &q, &rep);
    return send_reply(s, c, &rep);
  }
  if (!get) return send_error(c, 405, "method %s not allowed on %.200s", method, t.path);
  const sv_asset *a = sv_asset_find(t.path);
  if (!a) return send_error(c, 404, "no such page: %.200s", t.path);
  if (tok == 2) { /* the printed URL: remember the token so that the page's own requests carry it */
    char cookie[256];
    snprintf(cookie, sizeof cookie, "%s=%s; HttpOnly; SameSite=Strict; Path=/", s->cookie_name, s->token);
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

/* As many connections as the open-file limit leaves room for: idle sockets
 * must not starve the viewer (they also time out). */
static unsigned connection_limit(void) {
  struct rlimit rl;
  if (getrlimit(RLIMIT_NOFILE, &rl) || rl.rlim_cur == RLIM_INFINITY) return MAX_CONNECTIONS;
  if (rl.rlim_cur < 192) return 64;
  rlim_t room = rl.rlim_cur - 128; /* the inputs, BLAS, stdio */
  return room < MAX_CONNECTIONS ? (unsigned)room : MAX_CONNECTIONS;
}

int sv_start(const sv_config *cfg, sv_dataset *const *datasets, int n_datasets, sv_server **out, int *port_out,
             ev_error *err) {
  *out = NULL;
  if (!cfg->token || strlen(cfg->token) < 16 || strlen(cfg->token) >= 128)
    return sv_err(err, EV_EINVAL, "the access token must have 16 to 127 characters");
  sv_server *s = calloc(1, sizeof *s);
  if (!s) return sv_err(err, EV_ENOMEM, "out of memory");
  snprintf(s->host, sizeof s->host, "%s", cfg->host ? cfg->host : "127.0.0.1");
  snprintf(s->token, sizeof s->token, "%s", cfg->token);
  s->loopback = !strcmp(s->host, "127.0.0.1") || !strcmp(s->host, "localhost") || !strcmp(s->host, "::1");
  s->stream_seconds = cfg->stream_seconds > 0 ? cfg->stream_seconds : 300;
  struct sockaddr_in a4 = {0};
  struct sockaddr_in6 a6 = {0};
  struct sockaddr *addr;
  unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG | MHD_ALLOW_SUSPEND_RESUME;
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
    int rc = sv_err(err, EV_EINVAL, "--host %s: expected an IP address (127.0.0.1, ::1, 0.0.0.0, ...)", s->host);
    free(s);
    return rc;
  }
  sv_jobs_config jc = {.n_threads = cfg->n_threads};
  if (sv_api_init(&s->api, datasets, n_datasets, &jc)) {
    free(s);
    return sv_err(err, EV_ENOMEM, "out of memory");
  }
  /* off loopback, one address cannot take every connection */
  unsigned per_ip = s->loopback ? 0 : 256;
  s->daemon = MHD_start_daemon(flags, (uint16_t)cfg->port, NULL, NULL, handle, s, MHD_OPTION_EXTERNAL_LOGGER, mhd_log,
                               NULL, MHD_OPTION_SOCK_ADDR, addr, MHD_OPTION_THREAD_POOL_SIZE, POOL_THREADS,
                               MHD_OPTION_CONNECTION_LIMIT, connection_limit(), MHD_OPTION_PER_IP_CONNECTION_LIMIT,
                               per_ip, MHD_OPTION_CONNECTION_TIMEOUT, CONNECTION_TIMEOUT,
                               MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)64 * 1024, MHD_OPTION_URI_LOG_CALLBACK,
                               on_uri, s, MHD_OPTION_NOTIFY_COMPLETED, completed, s, MHD_OPTION_END);
  if (!s->daemon) {
    sv_api_free(&s->api);
    int rc = sv_err(err, EV_EIO, "cannot listen on %s port %d (in use, or not an address of this machine)", s->host,
                    cfg->port);
    free(s);
    return rc;
  }
  const union MHD_DaemonInfo *info = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
  s->port = info ? info->port : cfg->port;
  snprintf(s->cookie_name, sizeof s->cookie_name, "embview_token_%d", s->port);
  pthread_mutex_init(&s->hk_mu, NULL);
  pthread_cond_init(&s->hk_stop, NULL);
  s->housekeeper_started = !pthread_create(&s->housekeeper, NULL, housekeeper, s);
  *port_out = s->port;
  *out = s;
  return 0;
}

void sv_stop(sv_server *s) {
  if (!s) return;
  pthread_mutex_lock(&s->hk_mu);
  s->stopping = 1;
  pthread_cond_signal(&s->hk_stop);
  pthread_mutex_unlock(&s->hk_mu);
  if (s->housekeeper_started) pthread_join(s->housekeeper, NULL);
  /* MHD may not stop with suspended connections: end the event streams first */
  sv_jobs_close_streams(s->api.jobs);
  MHD_stop_daemon(s->daemon);
  sv_api_free(&s->api);
  pthread_cond_destroy(&s->hk_stop);
  pthread_mutex_destroy(&s->hk_mu);
  free(s);
}
