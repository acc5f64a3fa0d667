/*
 * demo-app: the small HTTP service the lab deploys, rolls out and breaks.
 *
 * It behaves like the Node.js demo from the write-up the lab follows:
 *
 *   GET /          200 {"api":"happy response","version":"<v>","id":"<id>"}
 *   GET /health    200 {"status":"ok"}, or 503 {"status":"shutdown"} once
 *                  /shutdown was called
 *   GET /shutdown  200 {"shutdown":true}, and /health fails from then on
 *   GET /env/NAME  200 {"name":"NAME","set":true,"length":N,"fnv1a64":"<16 hex>"}
 *                  (or "set":false): what the container was given, for tests
 *                  that check a changed variable arrived without the test
 *                  printing it (they compute the same FNV-1a 64 themselves)
 *   GET /data      200 {"starts":"v1 v2"}: the versions started so far with
 *                  this DATA_DIR (each start appends its version to
 *                  $DATA_DIR/starts), 404 without DATA_DIR: a volume that
 *                  outlives a container shows the versions before it
 *
 * The "bad" build (-DAPP_BAD=1) starts and serves / but its /health always
 * answers 503 {"status":"starting"}: a release that never becomes healthy,
 * which a rollout must notice and stop.
 *
 * The "flaky" build (-DAPP_FLAKY=1) is healthy (/health answers 200) but
 * answers GET / with 500 {"error":"flaky"}: a release that passes its health
 * check and fails its users, which only a canary watching the balancer's
 * error counters notices.
 *
 * The id is random per process, so repeated GET / through a load balancer
 * shows which instance answered.
 *
 * Two modes, chosen when the process starts by the environment variable
 * APP_MODE (the same binary and image serve both):
 *
 *   unset, empty or "web"  the HTTP service above (PORT, default 80)
 *   "worker"               a background worker: no socket at all, only a
 *                          heartbeat file
 *   anything else          "invalid APP_MODE" on stderr, exit 2
 *
 * With arguments it is a one-off command instead (a deploy hook, run from
 * the app's image as a migration would be), whatever APP_MODE says:
 *
 *   demo-app hook NAME EXIT [SLEEP_MS [VARIABLE]]
 *
 * says "demo-app: hook NAME version=V started" on stdout, appends
 * "NAME V" to $DATA_DIR/hooks when DATA_DIR is set (so a test counts the
 * runs), sleeps SLEEP_MS (0..600000, default 0), prints VARIABLE=value of
 * that environment variable when one is named (to see that fleet redacts a
 * secret in a hook's output), then says it is exiting and exits EXIT
 * (0..255; the line goes to stderr when EXIT is not 0). NAME is 1 to 32 of
 * [A-Za-z0-9_-]. Anything else on the command line: usage on stderr, exit 2.
 *
 * Worker mode takes:
 *
 *   HEARTBEAT_FILE  required (missing or empty: message on stderr, exit 2).
 *                   Opened with O_APPEND|O_CREAT, mode 0644; if it cannot be
 *                   opened at start (say its directory does not exist), the
 *                   worker says so on stderr and exits 1.
 *   HEARTBEAT_MS    the interval, 10..10000, default 100 (outside: exit 2).
 *   DATA_DIR        as in web mode: each start appends its version to
 *                   $DATA_DIR/starts.
 *
 * Every HEARTBEAT_MS (the first at once) it appends one line
 *
 *   <unix epoch milliseconds> <version> <id>\n     e.g. 1767225600123 v1 3f9a0c12
 *
 * with a single write(), so two workers sharing the file (the old and the
 * new container during a swap, on one volume) never interleave inside a
 * line. To keep the file bounded, a line that would take it past 1 MiB goes
 * to a fresh file instead: the full one is renamed to HEARTBEAT_FILE.1
 * (replacing an older .1). So at most about 2 MiB lie on disk, and a reader
 * wanting everything reads HEARTBEAT_FILE.1 (if present) and then
 * HEARTBEAT_FILE. One instance's lines appear in order in that
 * concatenation; around a rotation, lines of two concurrent writers may be
 * out of timestamp order by a line or two. The rename is done under an
 * flock() on the full file, and every writer checks before each line that
 * its descriptor is still the file named HEARTBEAT_FILE (reopening if not),
 * so two writers that both find it full rotate it once, not twice.
 * A write that fails is reported on stderr once (and its recovery once);
 * the worker keeps going and reopens the file for the next line.
 *
 * It logs "demo-app: worker <version> <id> started, heartbeat every N ms to
 * FILE" on stdout at start, and on SIGTERM/SIGINT "demo-app: worker stopping
 * ..." and exits 0 at once (every wait is a poll() on the stop pipe).
 *
 * The bad build in worker mode writes heartbeats for about 1 s (11 lines at
 * the default interval), then says "demo-app: bad worker: crashing ..." on
 * stderr and exits 1: a release that crashes, so that Docker's restart policy
 * restarts it again and again, which a rollout judging a worker by its
 * staying up (without restarts) for a minimum time must notice. A stop
 * signal within that second still stops it cleanly (exit 0).
 *
 * Why C and why this shape: the image is FROM scratch (no base image exists
 * on the lab machine), so the app is one static binary with no runtime
 * dependencies. The server is deliberately plain:
 *
 *   - The main thread polls the listening socket and the stop pipe, accepts,
 *     and starts one detached thread per connection (capped). Blocking code
 *     in a thread is far easier to follow than an event loop, and a few
 *     hundred connections are nothing for the kernel.
 *   - Every wait in the program is a poll() that also watches the stop pipe
 *     (or has a short deadline), so a SIGTERM can never be stuck behind a
 *     blocking call.
 *   - It runs as PID 1 in its container. The kernel gives PID 1 no default
 *     signal actions: without our own handler, SIGTERM would be ignored and
 *     "docker stop" would wait for its timeout and then SIGKILL us.
 *
 * Build: see build-binary next to this file.
 */
#define _GNU_SOURCE /* accept4, pipe2, pthread_attr_setsigmask_np, ... */

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#ifndef APP_BAD
#define APP_BAD 0
#endif

#ifndef APP_FLAKY
#define APP_FLAKY 0
#endif

#ifndef APP_VERSION
#if APP_BAD
#define APP_VERSION "bad"
#elif APP_FLAKY
#define APP_VERSION "flaky"
#else
#define APP_VERSION "dev"
#endif
#endif

/* APP_VERSION is pasted into JSON as is; build-binary only lets through
 * characters that need no escaping. Keep it short so every response
 * fits in MAX_RESPONSE. */
_Static_assert(sizeof(APP_VERSION) <= 64, "APP_VERSION is too long");

enum {
    DEFAULT_PORT = 80,
    /* Beyond this many open connections, new ones are closed at once:
     * a flood should cost us a close(), not a thread. */
    MAX_CONNECTIONS = 512,
    /* Request line plus headers. Anything bigger is not a client we serve. */
    HEADER_LIMIT = 8192,
    /* Pipelined requests are answered into this buffer and sent in one go. */
    OUT_CAP = 16384,
    /* Upper bound on one formatted response (headers and body). */
    MAX_RESPONSE = 512,
    /* How long a keep-alive connection may sit without a full request. */
    IDLE_TIMEOUT_MS = 30000,
    /* A client that stops reading must not hold a thread forever. */
    SEND_TIMEOUT_S = 10,
    /* After a stop signal: time a half-received request gets to finish. */
    STOP_GRACE_MS = 1000,
    /* After a stop signal: when main exits even if connections remain.
     * Keeps us well inside the 2 s the deploy tooling allows. */
    STOP_DEADLINE_MS = 1500,
    /* How long to wait for the client's EOF after our last response. */
    LINGER_MS = 1000,
    STOP_LINGER_MS = 250,
    /* Per-connection threads need little stack: buffers live on the heap. */
    THREAD_STACK = 128 * 1024,
};

/* Bodies are discarded, not stored, but discarding gigabytes is still work
 * done for nobody. */
#define MAX_BODY ((uint64_t)1 << 20)

/* ---------------------------------------------------------------------- */
/* Process-wide state                                                     */

/* Set by the signal handler. A lock-free atomic is safe to store to from
 * a handler, and unlike a plain sig_atomic_t it is also visible to the
 * other threads. */
static atomic_bool stopping;
static volatile sig_atomic_t stop_signal;

/* The self-pipe: the handler writes one byte and nobody ever reads it, so
 * the read end stays readable and every poll() that watches it (main and
 * all connection threads) wakes up, now or later. */
static int stop_pipe[2] = {-1, -1};

/* Flipped by GET /shutdown; /health reports it. */
static atomic_bool dying;

static char instance_id[9];
static char root_body[160];
static size_t root_body_len;

/* Open connections, so that main can wait for them on the way out. */
static pthread_mutex_t conn_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t conn_gone = PTHREAD_COND_INITIALIZER;
static int open_conns;

/* ---------------------------------------------------------------------- */
/* Small helpers                                                          */

static int64_t now_ms(void)
{
    /* Monotonic: deadlines must not jump when the wall clock is set. */
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int ms_until(int64_t deadline)
{
    int64_t left = deadline - now_ms();
    if (left < 0)
        return 0;
    return left > INT_MAX ? INT_MAX : (int)left;
}

static void fail(const char *what)
{
    fprintf(stderr, "demo-app: %s: %s\n", what, strerror(errno));
    exit(1);
}

static const char *signal_name(int sig)
{
    switch (sig) {
    case SIGTERM: return "SIGTERM";
    case SIGINT: return "SIGINT";
    default: return "none";
    }
}

enum wait_result { WAIT_READY, WAIT_TIMEOUT, WAIT_STOP };

/*
 * Wait until fd has input (or EOF/error: the following recv() reports those),
 * the deadline passes, or, if watch_stop, a stop signal arrives.
 * Input wins over the stop signal so that a request which already arrived is
 * still answered.
 */
static enum wait_result wait_readable(int fd, int64_t deadline, bool watch_stop)
{
    struct pollfd p[2] = {
        {.fd = fd, .events = POLLIN},
        {.fd = stop_pipe[0], .events = POLLIN},
    };
    for (;;) {
        int n = poll(p, watch_stop ? 2 : 1, ms_until(deadline));
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return WAIT_READY; /* let the caller's recv() see the error */
        }
        if (n == 0)
            return WAIT_TIMEOUT;
        if (p[0].revents)
            return WAIT_READY;
        return WAIT_STOP;
    }
}

/* ---------------------------------------------------------------------- */
/* HTTP request parsing                                                   */

struct span {
    const char *p;
    size_t n;
};

enum method { METHOD_GET, METHOD_HEAD, METHOD_OTHER };

struct request {
    enum method method;
    struct span path; /* without query string */
    int minor_version; /* HTTP/1.<minor> */
    bool conn_close;
    bool conn_keep_alive;
    bool expect_continue;
    bool has_length;
    uint64_t content_length;
};

static bool span_is(struct span s, const char *lit)
{
    return s.n == strlen(lit) && memcmp(s.p, lit, s.n) == 0;
}

static bool span_is_nocase(struct span s, const char *lit)
{
    return s.n == strlen(lit) && strncasecmp(s.p, lit, s.n) == 0;
}

static struct span trim_ows(struct span s)
{
    while (s.n > 0 && (s.p[0] == ' ' || s.p[0] == '\t'))
        s.p++, s.n--;
    while (s.n > 0 && (s.p[s.n - 1] == ' ' || s.p[s.n - 1] == '\t'))
        s.n--;
    return s;
}

/* RFC 9110 "tchar": what a method or header name may consist of. */
static bool is_token(struct span s)
{
    if (s.n == 0)
        return false;
    for (size_t i = 0; i < s.n; i++) {
        unsigned char ch = (unsigned char)s.p[i];
        if (ch <= 0x20 || ch >= 0x7f || strchr("\"(),/:;<=>?@[\\]{}", ch))
            return false;
    }
    return true;
}

/* Control characters (bare CR, NUL, ...) inside a line are how request
 * smuggling and header injection start; refuse them instead of guessing. */
static bool has_ctl(struct span s, bool tab_ok)
{
    for (size_t i = 0; i < s.n; i++) {
        unsigned char ch = (unsigned char)s.p[i];
        if ((ch < 0x20 && !(tab_ok && ch == '\t')) || ch == 0x7f)
            return true;
    }
    return false;
}

/*
 * Length of the request head (request line + headers + the empty line), or 0
 * if it has not fully arrived. Bare LF line ends are accepted, as RFC 9112
 * allows, so lines end in "\n" with an optional "\r" before it.
 */
static size_t find_head_end(const char *buf, size_t len)
{
    const char *p = buf, *end = buf + len;
    while ((p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
        if (p + 1 < end && p[1] == '\n')
            return (size_t)(p + 2 - buf);
        if (p + 2 < end && p[1] == '\r' && p[2] == '\n')
            return (size_t)(p + 3 - buf);
        p++;
    }
    return 0;
}

/* Next line of the head, without its line end. The head always ends in a
 * newline, so there is always one to find. */
static struct span next_line(const char **pos, const char *end)
{
    const char *start = *pos;
    const char *nl = memchr(start, '\n', (size_t)(end - start));
    const char *stop = nl ? nl : end;
    *pos = nl ? nl + 1 : end;
    if (stop > start && stop[-1] == '\r')
        stop--;
    return (struct span){start, (size_t)(stop - start)};
}

/* "Connection: keep-alive, Upgrade" is a comma-separated token list. */
static void parse_connection(struct span v, struct request *rq)
{
    while (v.n > 0) {
        const char *comma = memchr(v.p, ',', v.n);
        size_t n = comma ? (size_t)(comma - v.p) : v.n;
        struct span tok = trim_ows((struct span){v.p, n});
        if (span_is_nocase(tok, "close"))
            rq->conn_close = true;
        else if (span_is_nocase(tok, "keep-alive"))
            rq->conn_keep_alive = true;
        v.p += comma ? n + 1 : n;
        v.n -= comma ? n + 1 : n;
    }
}

/* Only plain digits. A list ("5, 5") or a sign is a framing ambiguity, and
 * ambiguous framing is exactly what request smuggling exploits. */
static bool parse_length(struct span v, uint64_t *out)
{
    if (v.n == 0 || v.n > 18) /* 18 digits cannot overflow uint64_t */
        return false;
    uint64_t n = 0;
    for (size_t i = 0; i < v.n; i++) {
        if (v.p[i] < '0' || v.p[i] > '9')
            return false;
        n = n * 10 + (uint64_t)(v.p[i] - '0');
    }
    *out = n;
    return true;
}

/* The path part of the request target, or false if it is not one we accept. */
static bool parse_target(struct span t, struct span *path)
{
    if (has_ctl(t, false))
        return false;
    /* Absolute form ("GET http://host/health HTTP/1.1") is what proxies
     * send; servers must accept it. Skip scheme and authority. */
    size_t skip = 0;
    if (t.n >= 7 && strncasecmp(t.p, "http://", 7) == 0)
        skip = 7;
    else if (t.n >= 8 && strncasecmp(t.p, "https://", 8) == 0)
        skip = 8;
    if (skip) {
        size_t i = skip;
        while (i < t.n && t.p[i] != '/' && t.p[i] != '?' && t.p[i] != '#')
            i++;
        if (i == t.n || t.p[i] != '/') {
            *path = (struct span){"/", 1}; /* "http://host" means "/" */
            return true;
        }
        t.p += i;
        t.n -= i;
    }
    if (t.n == 0 || t.p[0] != '/')
        return false;
    /* The query string is ignored: /health?x=1 is /health. */
    size_t n = 0;
    while (n < t.n && t.p[n] != '?' && t.p[n] != '#')
        n++;
    *path = (struct span){t.p, n};
    return true;
}

/*
 * Parse a complete request head. Returns 0, or the status code of the error
 * response to send (after which the connection is closed, since we can no
 * longer be sure where the next request starts).
 */
static int parse_request(const char *head, size_t head_len, struct request *rq)
{
    const char *pos = head, *end = head + head_len;
    memset(rq, 0, sizeof *rq);

    /* Request line: METHOD SP TARGET SP VERSION, single spaces only. */
    struct span line = next_line(&pos, end);
    const char *sp1 = memchr(line.p, ' ', line.n);
    if (!sp1)
        return 400;
    struct span method = {line.p, (size_t)(sp1 - line.p)};
    struct span rest = {sp1 + 1, line.n - method.n - 1};
    const char *sp2 = memchr(rest.p, ' ', rest.n);
    if (!sp2) /* HTTP/0.9 ("GET /") is not supported */
        return 400;
    struct span target = {rest.p, (size_t)(sp2 - rest.p)};
    struct span version = {sp2 + 1, rest.n - target.n - 1};

    if (!is_token(method) || !parse_target(target, &rq->path))
        return 400;
    if (span_is(method, "GET"))
        rq->method = METHOD_GET;
    else if (span_is(method, "HEAD"))
        rq->method = METHOD_HEAD;
    else
        rq->method = METHOD_OTHER;

    if (span_is(version, "HTTP/1.1"))
        rq->minor_version = 1;
    else if (span_is(version, "HTTP/1.0"))
        rq->minor_version = 0;
    else if (version.n == 8 && memcmp(version.p, "HTTP/", 5) == 0 &&
             version.p[5] >= '0' && version.p[5] <= '9' && version.p[6] == '.' &&
             version.p[7] >= '0' && version.p[7] <= '9')
        return 505;
    else
        return 400;

    /* Header fields, up to the empty line that ends the head. Note that Host
     * is not required, although RFC 9112 says a server must reject HTTP/1.1
     * requests without it: simple health checkers omit it, and this server
     * has only one site anyway. */
    bool chunked_or_other_te = false;
    for (;;) {
        line = next_line(&pos, end);
        if (line.n == 0)
            break;
        /* Obsolete line folding: refusing it is allowed and simplest. */
        if (line.p[0] == ' ' || line.p[0] == '\t')
            return 400;
        const char *colon = memchr(line.p, ':', line.n);
        if (!colon)
            return 400;
        struct span name = {line.p, (size_t)(colon - line.p)};
        struct span value = {colon + 1, line.n - name.n - 1};
        /* "Name : value" (space before the colon) is also rejected by
         * is_token: RFC 9112 requires it, again because of smuggling. */
        if (!is_token(name) || has_ctl(value, true))
            return 400;
        value = trim_ows(value);

        if (span_is_nocase(name, "content-length")) {
            uint64_t n;
            if (!parse_length(value, &n))
                return 400;
            if (rq->has_length && n != rq->content_length)
                return 400;
            rq->has_length = true;
            rq->content_length = n;
        } else if (span_is_nocase(name, "transfer-encoding")) {
            chunked_or_other_te = true;
        } else if (span_is_nocase(name, "connection")) {
            parse_connection(value, rq);
        } else if (span_is_nocase(name, "expect")) {
            if (span_is_nocase(value, "100-continue"))
                rq->expect_continue = true;
        }
    }

    /* Chunked bodies are not worth a decoder in a demo: nobody sends them
     * to GET endpoints. 501 tells the client it is us, not them. */
    if (chunked_or_other_te)
        return 501;
    if (rq->content_length > MAX_BODY)
        return 413;
    return 0;
}

/* ---------------------------------------------------------------------- */
/* Responses                                                              */

struct reply {
    int status;
    const char *body;
    size_t body_len;
};

#define REPLY(status, literal) ((struct reply){(status), (literal), sizeof(literal) - 1})

static const char *reason_phrase(int status)
{
    switch (status) {
    case 200: return "OK";
    case 400: return "Bad Request";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 413: return "Content Too Large";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 503: return "Service Unavailable";
    case 505: return "HTTP Version Not Supported";
    default: return "Unknown";
    }
}

static struct reply error_reply(int status)
{
    switch (status) {
    case 404: return REPLY(404, "{\"error\":\"not found\"}");
    case 405: return REPLY(405, "{\"error\":\"method not allowed\"}");
    case 413: return REPLY(413, "{\"error\":\"request body too large\"}");
    case 431: return REPLY(431, "{\"error\":\"request header too large\"}");
    case 501: return REPLY(501, "{\"error\":\"transfer-encoding not supported\"}");
    case 505: return REPLY(505, "{\"error\":\"http version not supported\"}");
    default: return REPLY(400, "{\"error\":\"bad request\"}");
    }
}

/* Room for an answer made per request: route()'s result is copied into the
 * connection's buffer before the thread makes another one. */
static _Thread_local char made_body[256];

static uint64_t fnv1a64(const char *s)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 0x100000001b3ULL;
    }
    return h;
}

/* GET /env/NAME: whether the variable is set, its length and hash; never its value. */
static struct reply env_reply(struct span name)
{
    char key[65];
    if (name.n == 0 || name.n >= sizeof key)
        return error_reply(404);
    for (size_t i = 0; i < name.n; i++) {
        char c = name.p[i];
        bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
        if (!ok)
            return error_reply(404);
        key[i] = c;
    }
    key[name.n] = 0;
    const char *value = getenv(key);
    int n = value
        ? snprintf(made_body, sizeof made_body,
                   "{\"name\":\"%s\",\"set\":true,\"length\":%zu,\"fnv1a64\":\"%016llx\"}",
                   key, strlen(value), (unsigned long long)fnv1a64(value))
        : snprintf(made_body, sizeof made_body, "{\"name\":\"%s\",\"set\":false}", key);
    return (struct reply){200, made_body, (size_t)n};
}

/* $DATA_DIR/starts, the file each start appends its version to. */
static char starts_file[200];

/* GET /data: the versions started with this DATA_DIR, the last ones if many. */
static struct reply data_reply(void)
{
    if (!starts_file[0])
        return error_reply(404);
    char text[160];
    size_t len = 0;
    int fd = open(starts_file, O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        off_t size = lseek(fd, 0, SEEK_END);
        off_t from = size > (off_t)(sizeof text - 1) ? size - (off_t)(sizeof text - 1) : 0;
        ssize_t got = pread(fd, text, sizeof text - 1, from);
        len = got > 0 ? (size_t)got : 0;
        close(fd);
    }
    /* Versions are [A-Za-z0-9._-] (build-binary checks): nothing to escape; lines become spaces. */
    for (size_t i = 0; i < len; i++)
        if (text[i] == '\n')
            text[i] = ' ';
    while (len > 0 && text[len - 1] == ' ')
        len--;
    text[len] = 0;
    int n = snprintf(made_body, sizeof made_body, "{\"starts\":\"%s\"}", text);
    return (struct reply){200, made_body, (size_t)n};
}

/* With DATA_DIR set, appends this version to $DATA_DIR/starts; a failure is said, not fatal. */
static void record_start(void)
{
    const char *dir = getenv("DATA_DIR");
    if (!dir || !*dir)
        return;
    if ((size_t)snprintf(starts_file, sizeof starts_file, "%s/starts", dir) >= sizeof starts_file) {
        fprintf(stderr, "demo-app: DATA_DIR is too long\n");
        starts_file[0] = 0;
        return;
    }
    int fd = open(starts_file, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0 || write(fd, APP_VERSION "\n", sizeof APP_VERSION) != (ssize_t)sizeof APP_VERSION)
        fprintf(stderr, "demo-app: cannot append to %s: %s\n", starts_file, strerror(errno));
    if (fd >= 0)
        close(fd);
}

/* The whole application. */
static struct reply route(const struct request *rq)
{
    /* Only GET and HEAD exist here, on every path. */
    if (rq->method == METHOD_OTHER)
        return error_reply(405);

    if (span_is(rq->path, "/")) {
#if APP_FLAKY
        return REPLY(500, "{\"error\":\"flaky\"}");
#else
        return (struct reply){200, root_body, root_body_len};
#endif
    }

    if (span_is(rq->path, "/health")) {
#if APP_BAD
        return REPLY(503, "{\"status\":\"starting\"}");
#else
        if (atomic_load(&dying))
            return REPLY(503, "{\"status\":\"shutdown\"}");
        return REPLY(200, "{\"status\":\"ok\"}");
#endif
    }

    if (rq->path.n > 5 && memcmp(rq->path.p, "/env/", 5) == 0)
        return env_reply((struct span){rq->path.p + 5, rq->path.n - 5});

    if (span_is(rq->path, "/data"))
        return data_reply();

    /* HEAD /shutdown flips health too: HEAD must behave exactly like GET,
     * only without the body. */
    if (span_is(rq->path, "/shutdown")) {
        atomic_store(&dying, true);
        return REPLY(200, "{\"shutdown\":true}");
    }

    return error_reply(404);
}

/* One connection: its socket and its two buffers. */
struct conn {
    int fd;
    size_t in_len;
    size_t out_len;
    char in[HEADER_LIMIT];
    char out[OUT_CAP];
};

/* Append a response to c->out. The caller guarantees MAX_RESPONSE bytes
 * of room, which every response fits in. */
static void append_reply(struct conn *c, struct reply r, bool with_body,
                         bool keep_alive, int minor_version)
{
    /* HTTP/1.1 connections are persistent unless told otherwise, HTTP/1.0
     * ones are not, so each needs the header only in the opposite case. */
    const char *connection = "";
    if (!keep_alive)
        connection = "Connection: close\r\n";
    else if (minor_version == 0)
        connection = "Connection: keep-alive\r\n";

    char *dst = c->out + c->out_len;
    size_t room = OUT_CAP - c->out_len;
    int n = snprintf(dst, room,
                     "HTTP/1.1 %d %s\r\n"
                     "Content-Type: application/json\r\n"
                     "Content-Length: %zu\r\n"
                     "%s%s"
                     "\r\n",
                     r.status, reason_phrase(r.status), r.body_len, connection,
                     r.status == 405 ? "Allow: GET, HEAD\r\n" : "");
    if (n < 0 || (size_t)n + r.body_len > room)
        return; /* cannot happen: every response is far below MAX_RESPONSE */
    /* A HEAD answer carries GET's Content-Length but no body. */
    if (with_body)
        memcpy(dst + n, r.body, r.body_len);
    c->out_len += (size_t)n + (with_body ? r.body_len : 0);
}

static bool flush_output(struct conn *c)
{
    size_t off = 0;
    while (off < c->out_len) {
        /* MSG_NOSIGNAL: a client that went away must give us EPIPE, not a
         * SIGPIPE that kills the process. */
        ssize_t n = send(c->fd, c->out + off, c->out_len - off, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return false; /* gone, or stopped reading for SEND_TIMEOUT_S */
        }
        off += (size_t)n;
    }
    c->out_len = 0;
    return true;
}

static void consume_input(struct conn *c, size_t n)
{
    memmove(c->in, c->in + n, c->in_len - n);
    c->in_len -= n;
}

/*
 * Answer the request whose head is the first head_len bytes of c->in.
 * Returns whether the connection stays open; *body_len tells the caller how
 * many body bytes follow the head and must be skipped.
 */
static bool answer_request(struct conn *c, size_t head_len, uint64_t *body_len)
{
    struct request rq;
    int err = parse_request(c->in, head_len, &rq);
    *body_len = 0;
    if (err) {
        /* After a malformed head we cannot know where the next request
         * begins, so always close. */
        append_reply(c, error_reply(err), true, false, 1);
        return false;
    }
    *body_len = rq.content_length;

    bool keep_alive = rq.minor_version == 1 ? !rq.conn_close
                                            : rq.conn_keep_alive && !rq.conn_close;
    /* A client sending "Expect: 100-continue" holds its body back until it
     * hears from us. Answering without reading the body is allowed, but
     * then nobody knows whether the body will still come: closing settles
     * it. */
    if (rq.expect_continue && rq.content_length > 0)
        keep_alive = false;
    /* Once stopping, tell the client this is the last answer. */
    if (atomic_load(&stopping))
        keep_alive = false;

    append_reply(c, route(&rq), rq.method != METHOD_HEAD, keep_alive,
                 rq.minor_version);
    return keep_alive;
}

enum close_how { CLOSE_NOW, CLOSE_GRACEFULLY };

/*
 * The request loop of one connection. Returns how to close it.
 *
 * Input arrives in arbitrary pieces: one recv() may hold half a request or
 * several pipelined ones, so the loop is "answer every complete request in
 * the buffer, send the answers, then read more".
 */
static enum close_how serve(struct conn *c)
{
    int64_t deadline = now_ms() + IDLE_TIMEOUT_MS;
    int64_t stop_seen = 0;
    uint64_t skip = 0; /* body bytes still to be discarded */

    for (;;) {
        while (skip == 0) {
            /* Stray line ends between requests are to be ignored
             * (some old clients send CRLF after a body). */
            size_t blank = 0;
            while (blank < c->in_len && (c->in[blank] == '\r' || c->in[blank] == '\n'))
                blank++;
            consume_input(c, blank);

            size_t head_len = find_head_end(c->in, c->in_len);
            if (head_len == 0)
                break;
            bool keep_alive = answer_request(c, head_len, &skip);
            consume_input(c, head_len);
            if (!keep_alive)
                return flush_output(c) ? CLOSE_GRACEFULLY : CLOSE_NOW;

            size_t buffered = skip < c->in_len ? (size_t)skip : c->in_len;
            consume_input(c, buffered);
            skip -= buffered;
            deadline = now_ms() + IDLE_TIMEOUT_MS;
            if (c->out_len > OUT_CAP - MAX_RESPONSE && !flush_output(c))
                return CLOSE_NOW;
        }
        if (!flush_output(c))
            return CLOSE_NOW;

        /* The buffer is full and still holds no complete head. */
        if (skip == 0 && c->in_len == HEADER_LIMIT) {
            append_reply(c, error_reply(431), true, false, 1);
            return flush_output(c) ? CLOSE_GRACEFULLY : CLOSE_NOW;
        }

        /* Wait for more input. Once stopping: an idle connection only gets
         * whatever already sits in the kernel (poll with timeout 0), a
         * half-received request gets STOP_GRACE_MS to complete. */
        int64_t wait_until = deadline;
        bool watch_stop = true;
        if (atomic_load(&stopping)) {
            if (stop_seen == 0)
                stop_seen = now_ms();
            watch_stop = false;
            if (skip > 0)
                return CLOSE_GRACEFULLY; /* the last answer is sent */
            if (c->in_len == 0)
                wait_until = 0;
            else if (stop_seen + STOP_GRACE_MS < wait_until)
                wait_until = stop_seen + STOP_GRACE_MS;
        }
        switch (wait_readable(c->fd, wait_until, watch_stop)) {
        case WAIT_STOP:
            continue; /* re-evaluate with stopping set */
        case WAIT_TIMEOUT:
            return CLOSE_NOW; /* idle, or a request that never completed */
        case WAIT_READY:
            break;
        }

        ssize_t n = recv(c->fd, c->in + c->in_len, HEADER_LIMIT - c->in_len, 0);
        if (n == 0)
            return CLOSE_NOW; /* client closed */
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return CLOSE_NOW;
        }
        c->in_len += (size_t)n;

        /* While skipping a body, in_len was 0 before this recv(). */
        size_t body = skip < c->in_len ? (size_t)skip : c->in_len;
        consume_input(c, body);
        skip -= body;
    }
}

/*
 * Close after our final response. A close() with unread input makes the
 * kernel answer with RST, and an RST can destroy the response before the
 * client has read it (it may still be sending a body or pipelined requests).
 * So: stop sending, discard what still comes, close on the client's EOF or
 * after a short wait.
 */
static void close_gracefully(int fd)
{
    shutdown(fd, SHUT_WR);
    int64_t until = now_ms() + (atomic_load(&stopping) ? STOP_LINGER_MS : LINGER_MS);
    char sink[4096];
    while (wait_readable(fd, until, false) == WAIT_READY) {
        ssize_t n = recv(fd, sink, sizeof sink, 0);
        if (n == 0 || (n < 0 && errno != EINTR))
            break;
    }
    close(fd);
}

static void *connection_thread(void *arg)
{
    struct conn *c = arg;

    if (serve(c) == CLOSE_GRACEFULLY)
        close_gracefully(c->fd);
    else
        close(c->fd);
    free(c);

    pthread_mutex_lock(&conn_lock);
    if (--open_conns == 0)
        pthread_cond_signal(&conn_gone);
    pthread_mutex_unlock(&conn_lock);
    return NULL;
}

/* ---------------------------------------------------------------------- */
/* Startup, accept loop, shutdown                                         */

static void on_stop_signal(int sig)
{
    /* Only async-signal-safe work here: note it, and wake the pollers. */
    int saved_errno = errno;
    stop_signal = sig;
    atomic_store(&stopping, true);
    char byte = 1;
    ssize_t ignored = write(stop_pipe[1], &byte, 1);
    (void)ignored; /* the pipe is non-blocking; if full, it is readable anyway */
    errno = saved_errno;
}

static void install_signal_handlers(void)
{
    if (pipe2(stop_pipe, O_CLOEXEC | O_NONBLOCK) != 0)
        fail("pipe2");

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGTERM, &sa, NULL) != 0 || sigaction(SIGINT, &sa, NULL) != 0)
        fail("sigaction");

    /* Belt and braces: every send() already uses MSG_NOSIGNAL. */
    sa.sa_handler = SIG_IGN;
    if (sigaction(SIGPIPE, &sa, NULL) != 0)
        fail("sigaction");
}

static int port_from_env(void)
{
    const char *s = getenv("PORT");
    if (!s || !*s)
        return DEFAULT_PORT;
    char *end;
    errno = 0;
    long port = strtol(s, &end, 10);
    if (errno || *end || port < 1 || port > 65535) {
        fprintf(stderr, "demo-app: invalid PORT '%s'\n", s);
        exit(2);
    }
    return (int)port;
}

static void make_instance_id(void)
{
    uint32_t v;
    ssize_t n;
    do
        n = getrandom(&v, sizeof v, 0);
    while (n < 0 && errno == EINTR);
    if (n != (ssize_t)sizeof v)
        fail("getrandom");
    snprintf(instance_id, sizeof instance_id, "%08x", v);
}

static int open_listener(int port)
{
    /* Non-blocking, so that accept() after poll() cannot block when the
     * pending connection was reset in between. */
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        fail("socket");
    /* A restarted instance must not fail to bind because of the previous
     * one's connections in TIME_WAIT. */
    int one = 1;
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0)
        fail("setsockopt(SO_REUSEADDR)");

    struct sockaddr_in addr;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_ANY);
    addr.sin_port = htons((uint16_t)port);
    if (bind(fd, (struct sockaddr *)&addr, sizeof addr) != 0)
        fail("bind");
    if (listen(fd, SOMAXCONN) != 0)
        fail("listen");
    return fd;
}

static void start_connection(int fd, const pthread_attr_t *attr)
{
    pthread_mutex_lock(&conn_lock);
    bool full = open_conns >= MAX_CONNECTIONS;
    if (!full)
        open_conns++;
    pthread_mutex_unlock(&conn_lock);
    if (full) {
        close(fd);
        return;
    }

    /* Small answers go out in one send(); Nagle could only delay them. */
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    struct timeval send_timeout = {.tv_sec = SEND_TIMEOUT_S};
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &send_timeout, sizeof send_timeout);

    struct conn *c = malloc(sizeof *c);
    pthread_t tid;
    if (c) {
        c->fd = fd;
        c->in_len = c->out_len = 0;
        if (pthread_create(&tid, attr, connection_thread, c) == 0)
            return;
        free(c);
    }
    /* Out of memory or threads: drop this connection, keep serving. */
    close(fd);
    pthread_mutex_lock(&conn_lock);
    open_conns--;
    pthread_mutex_unlock(&conn_lock);
}

/* Accept until a stop signal arrives. */
static void accept_loop(int listen_fd)
{
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    pthread_attr_setstacksize(&attr, THREAD_STACK);
    /* Connection threads block the stop signals, so the handler always runs
     * on the main thread and their system calls never see EINTR. They learn
     * about the stop from the pipe instead. */
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGTERM);
    sigaddset(&stop_signals, SIGINT);
    pthread_attr_setsigmask_np(&attr, &stop_signals);

    struct pollfd p[2] = {
        {.fd = listen_fd, .events = POLLIN},
        {.fd = stop_pipe[0], .events = POLLIN},
    };
    while (!atomic_load(&stopping)) {
        if (poll(p, 2, -1) < 0 && errno != EINTR)
            fail("poll");
        if (atomic_load(&stopping) || !(p[0].revents & POLLIN))
            continue;

        for (;;) {
            int fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);
            if (fd >= 0) {
                start_connection(fd, &attr);
                continue;
            }
            if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
                /* The pending connection stays queued and poll() would
                 * report it again at once: back off instead of spinning. */
                poll(&p[1], 1, 100);
            }
            /* EAGAIN: queue empty. Others (ECONNABORTED, ...): that one
             * connection is gone. Either way, back to poll(). */
            break;
        }
    }
    pthread_attr_destroy(&attr);
}

/* Give open connections until the deadline to finish; returns how many are
 * still open. Connection threads notice the stop through the pipe. */
static int wait_for_connections(int64_t deadline)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    int64_t left = deadline - now_ms();
    ts.tv_sec += left / 1000;
    ts.tv_nsec += (left % 1000) * 1000000;
    if (ts.tv_nsec >= 1000000000) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000;
    }

    pthread_mutex_lock(&conn_lock);
    while (open_conns > 0 &&
           pthread_cond_clockwait(&conn_gone, &conn_lock, CLOCK_MONOTONIC, &ts) != ETIMEDOUT)
        ;
    int left_open = open_conns;
    pthread_mutex_unlock(&conn_lock);
    return left_open;
}

/* ---------------------------------------------------------------------- */
/* Worker mode (APP_MODE=worker): no socket, a heartbeat file             */

enum {
    DEFAULT_HEARTBEAT_MS = 100,
    MIN_HEARTBEAT_MS = 10,
    MAX_HEARTBEAT_MS = 10000,
    /* How long the bad worker lives before it crashes. */
    BAD_WORKER_LIFE_MS = 1000,
};

/* A line that would take the heartbeat file past this goes to a fresh file. */
#define HEARTBEAT_FILE_LIMIT ((off_t)1 << 20)

struct heartbeat {
    char path[PATH_MAX];
    char rotated[PATH_MAX]; /* path + ".1" */
    int fd;                 /* -1 while there is none */
    bool failing;           /* the last line failed: said once until one succeeds */
    bool rename_failed;     /* said once */
};

/* APP_MODE: whether this process is a worker; exits 2 on a value it does not know. */
static bool worker_mode_from_env(void)
{
    const char *s = getenv("APP_MODE");
    if (!s || !*s || strcmp(s, "web") == 0)
        return false;
    if (strcmp(s, "worker") == 0)
        return true;
    fprintf(stderr, "demo-app: invalid APP_MODE '%s' (web or worker)\n", s);
    exit(2);
}

static int heartbeat_ms_from_env(void)
{
    const char *s = getenv("HEARTBEAT_MS");
    if (!s || !*s)
        return DEFAULT_HEARTBEAT_MS;
    char *end;
    errno = 0;
    long ms = strtol(s, &end, 10);
    if (errno || *end || ms < MIN_HEARTBEAT_MS || ms > MAX_HEARTBEAT_MS) {
        fprintf(stderr, "demo-app: invalid HEARTBEAT_MS '%s' (%d..%d milliseconds)\n", s,
                MIN_HEARTBEAT_MS, MAX_HEARTBEAT_MS);
        exit(2);
    }
    return (int)ms;
}

static void heartbeat_file_from_env(struct heartbeat *hb)
{
    const char *s = getenv("HEARTBEAT_FILE");
    if (!s || !*s) {
        fprintf(stderr, "demo-app: APP_MODE=worker needs HEARTBEAT_FILE, the file its heartbeats "
                        "are appended to\n");
        exit(2);
    }
    if ((size_t)snprintf(hb->rotated, sizeof hb->rotated, "%s.1", s) >= sizeof hb->rotated) {
        fprintf(stderr, "demo-app: HEARTBEAT_FILE is too long\n");
        exit(2);
    }
    snprintf(hb->path, sizeof hb->path, "%s", s);
    hb->fd = -1;
    hb->failing = false;
    hb->rename_failed = false;
}

static bool heartbeat_open(struct heartbeat *hb)
{
    hb->fd = open(hb->path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    return hb->fd >= 0;
}

static void heartbeat_close(struct heartbeat *hb)
{
    if (hb->fd >= 0)
        close(hb->fd);
    hb->fd = -1;
}

static bool same_file(const struct stat *a, const struct stat *b)
{
    return a->st_ino == b->st_ino && a->st_dev == b->st_dev;
}

/*
 * Makes hb->fd the file HEARTBEAT_FILE names now, with room for len more
 * bytes (rotating it when there is none). False, with errno set, when there
 * is no file to write to.
 */
static bool heartbeat_prepare(struct heartbeat *hb, size_t len)
{
    struct stat named, ours;

    /* Another writer may have rotated the file: our descriptor is then the
     * .1 (or a file since replaced), and lines belong in the new one. */
    if (hb->fd >= 0 && (stat(hb->path, &named) != 0 || fstat(hb->fd, &ours) != 0 ||
                        !same_file(&named, &ours)))
        heartbeat_close(hb);
    if (hb->fd < 0 && !heartbeat_open(hb))
        return false;
    if (fstat(hb->fd, &ours) != 0)
        return false;
    if (ours.st_size + (off_t)len <= HEARTBEAT_FILE_LIMIT)
        return true;

    /* Full. Rotate under an exclusive lock on it: of two writers who both
     * find it full, the second gets the lock only after the first renamed
     * it, then sees the name pointing to a new file and only reopens.
     * Without the lock (a file system without flock) the worst case is a
     * rotation too many, losing the older .1. */
    int locked = flock(hb->fd, LOCK_EX);
    if (stat(hb->path, &named) == 0 && same_file(&named, &ours) &&
        named.st_size + (off_t)len > HEARTBEAT_FILE_LIMIT &&
        rename(hb->path, hb->rotated) != 0 && !hb->rename_failed) {
        fprintf(stderr, "demo-app: cannot rename %s to %s: %s\n", hb->path, hb->rotated,
                strerror(errno));
        hb->rename_failed = true;
    }
    if (locked == 0)
        flock(hb->fd, LOCK_UN);
    heartbeat_close(hb);
    return heartbeat_open(hb);
}

/* Appends one heartbeat line; a failure is said (once), not fatal. */
static void heartbeat_beat(struct heartbeat *hb)
{
    struct timespec wall;
    clock_gettime(CLOCK_REALTIME, &wall);
    char line[128]; /* 20 digits, a version of at most 63, an id of 8 */
    int n = snprintf(line, sizeof line, "%lld %s %s\n",
                     (long long)wall.tv_sec * 1000 + wall.tv_nsec / 1000000, APP_VERSION,
                     instance_id);
    size_t len = (size_t)n;

    /* One write() of the whole line: with O_APPEND the kernel puts it at
     * the end in one piece, whoever else appends at the same time. */
    const char *why = NULL;
    if (!heartbeat_prepare(hb, len)) {
        why = strerror(errno);
    } else {
        ssize_t written = write(hb->fd, line, len);
        if (written < 0)
            why = strerror(errno);
        else if ((size_t)written != len)
            why = "short write";
    }
    if (why) {
        if (!hb->failing)
            fprintf(stderr, "demo-app: cannot write a heartbeat to %s: %s\n", hb->path, why);
        hb->failing = true;
        heartbeat_close(hb); /* reopened for the next line */
    } else if (hb->failing) {
        fprintf(stderr, "demo-app: heartbeats to %s work again\n", hb->path);
        hb->failing = false;
    }
}

/* The whole worker: heartbeats until a stop signal (or, bad, a crash). */
static int worker_main(void)
{
    static struct heartbeat hb; /* static: two PATH_MAX buffers */
    heartbeat_file_from_env(&hb);
    int interval_ms = heartbeat_ms_from_env();
    make_instance_id();
    record_start();

    /* Before anything lasting: a SIGTERM that comes early must already count. */
    install_signal_handlers();
    if (!heartbeat_open(&hb)) {
        fprintf(stderr, "demo-app: cannot open HEARTBEAT_FILE %s: %s\n", hb.path, strerror(errno));
        exit(1);
    }

    printf("demo-app: worker %s %s started, heartbeat every %d ms to %s\n", APP_VERSION,
           instance_id, interval_ms, hb.path);
    fflush(stdout);

    int64_t started = now_ms();
    int64_t next_beat = started;
    long beats = 0;
    while (!atomic_load(&stopping)) {
        int64_t now = now_ms();
        if (now >= next_beat) {
            heartbeat_beat(&hb);
            beats++;
            /* On a fixed grid, so the interval does not drift; after a stall
             * (a frozen container, a slow disk) no burst to catch up. */
            next_beat += interval_ms;
            if (next_beat <= now)
                next_beat = now + interval_ms;
        }
        int64_t wake = next_beat;
#if APP_BAD
        int64_t crash_at = started + BAD_WORKER_LIFE_MS;
        if (now >= crash_at) {
            fprintf(stderr, "demo-app: bad worker: crashing version=%s id=%s after_ms=%lld "
                            "heartbeats=%ld\n",
                    APP_VERSION, instance_id, (long long)(now - started), beats);
            exit(1);
        }
        if (crash_at < wake)
            wake = crash_at;
#endif
        /* Sleep until the next heartbeat, or until the stop pipe wakes us. */
        struct pollfd p = {.fd = stop_pipe[0], .events = POLLIN};
        if (poll(&p, 1, ms_until(wake)) < 0 && errno != EINTR)
            fail("poll");
    }

    heartbeat_close(&hb);
    printf("demo-app: worker stopping signal=%s version=%s id=%s heartbeats=%ld\n",
           signal_name(stop_signal), APP_VERSION, instance_id, beats);
    fflush(stdout);
    return 0;
}

/* A whole decimal number in [low, high], or -1. */
static long hook_number(const char *text, long low, long high)
{
    char *end;
    errno = 0;
    long value = strtol(text, &end, 10);
    if (errno || end == text || *end || value < low || value > high)
        return -1;
    return value;
}

/* demo-app hook NAME EXIT [SLEEP_MS [VARIABLE]]: see the top of this file. */
static int hook_main(int argc, char **argv)
{
    long code = argc >= 4 ? hook_number(argv[3], 0, 255) : -1;
    long sleep_ms = argc >= 5 ? hook_number(argv[4], 0, 600000) : 0;
    size_t name_len = argc >= 3 ? strlen(argv[2]) : 0;
    bool name_ok = name_len >= 1 && name_len <= 32 && strspn(argv[2],
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-") == name_len;
    if (argc < 4 || argc > 6 || strcmp(argv[1], "hook") != 0 || !name_ok || code < 0 || sleep_ms < 0) {
        fprintf(stderr, "usage: demo-app hook NAME EXIT [SLEEP_MS [VARIABLE]]\n");
        return 2;
    }
    printf("demo-app: hook %s version=%s started\n", argv[2], APP_VERSION);
    fflush(stdout);
    const char *dir = getenv("DATA_DIR");
    if (dir && *dir) {
        char path[PATH_MAX], line[64];
        int n = snprintf(line, sizeof line, "%s %s\n", argv[2], APP_VERSION);
        int fd = (size_t)snprintf(path, sizeof path, "%s/hooks", dir) < sizeof path
            ? open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644) : -1;
        if (fd < 0 || n <= 0 || write(fd, line, (size_t)n) != n)
            fprintf(stderr, "demo-app: cannot append to %s/hooks\n", dir);
        if (fd >= 0)
            close(fd);
    }
    if (sleep_ms > 0) {
        struct timespec wait = {sleep_ms / 1000, (sleep_ms % 1000) * 1000000L};
        while (nanosleep(&wait, &wait) != 0 && errno == EINTR) {
        }
    }
    if (argc == 6) {
        const char *value = getenv(argv[5]);
        printf("%s=%s\n", argv[5], value ? value : "");
        fflush(stdout);
    }
    fprintf(code == 0 ? stdout : stderr, "demo-app: hook %s exiting %ld\n", argv[2], code);
    fflush(stdout);
    return (int)code;
}

int main(int argc, char **argv)
{
    if (argc > 1)
        return hook_main(argc, argv);
    if (worker_mode_from_env())
        return worker_main();

    int port = port_from_env();
    make_instance_id();
    record_start();
    root_body_len = (size_t)snprintf(
        root_body, sizeof root_body,
        "{\"api\":\"happy response\",\"version\":\"%s\",\"id\":\"%s\"}",
        APP_VERSION, instance_id);

    /* Before listening: a SIGTERM that comes early must already count. */
    install_signal_handlers();
    int listen_fd = open_listener(port);

    /* Flushed by hand: stdout is a pipe under docker, so fully buffered. */
    printf("demo-app: listening port=%d version=%s id=%s\n", port, APP_VERSION,
           instance_id);
    fflush(stdout);

    accept_loop(listen_fd);

    /* Stop accepting at once: new connections are refused from here on,
     * so a load balancer moves them to another instance. */
    close(listen_fd);
    int64_t stop_started = now_ms();
    int unfinished = wait_for_connections(stop_started + STOP_DEADLINE_MS);

    /* Threads still open (stuck clients) die with the process. */
    printf("demo-app: stopped signal=%s version=%s id=%s after_ms=%lld "
           "unfinished_connections=%d\n",
           signal_name(stop_signal), APP_VERSION, instance_id,
           (long long)(now_ms() - stop_started), unfinished);
    fflush(stdout);
    return 0;
}
