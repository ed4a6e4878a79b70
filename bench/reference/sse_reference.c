/* sse_reference: the "practical limit" peer of the SSE benchmark (bench/compare.sh,
 * docs/BENCHMARKS.md). A benchmark peer, not a product: no auth, no topics, no timers.
 *
 * A minimal single-threaded epoll server that frames each event once and, once per event-loop
 * pass, flushes everything pending for a subscriber in one write. ssehub's performance targets
 * are stated relative to what this server reaches on the same machine with ssehub_loadgen.
 *
 *   sse_reference PORT    serves 127.0.0.1:PORT until SIGTERM or SIGINT, then exits 0
 *
 *   GET /sub...   200 and a text/event-stream body that ends when the connection closes (no
 *                 chunked coding: the cheapest framing); it starts at the next event, or with
 *                 Last-Event-ID: N after event N (at most the last 10 000 events are replayed)
 *   POST /pub...  the body (Content-Length, up to 64 KiB) becomes the event
 *                 "id: N\ndata: <line>\n...\n\n", answered 202 at once
 *   otherwise     404
 * HTTP/1.1 keep-alive and pipelining; request heads up to 8 KiB (else 431). Linux, libc only.
 *
 * Memory: events live in one byte log, which keeps at least the last `history` events for
 * replay; a subscriber is a 16-byte slot (indexed by its fd)
 * holding its position in that log, plus 4 bytes in the list of subscribers. Connections that
 * are not subscribers keep an unfinished request in a small heap buffer between reads; complete
 * requests are parsed in one shared scratch buffer.
 *
 * epoll: request connections are level-triggered (one read per readiness; what is left makes the
 * fd ready again), subscribers edge-triggered (EPOLLOUT only after a write came up short, and no
 * epoll_ctl per block and unblock). Each pass handles every ready fd, then writes once to every
 * subscriber if the log grew, else only to those EPOLLOUT unblocked.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <unistd.h>

enum { max_head = 8 * 1024, max_body = 64 * 1024, max_ready = 1024, history = 10000 };
static const uint64_t max_lag = 64u << 20; /* a subscriber further behind is disconnected */

enum conn_kind { conn_free, conn_request, conn_subscriber };

/* One per descriptor, indexed by fd. Small, because idle subscribers are most of them. */
struct conn {
    union {
        uint64_t pos; /* subscriber: absolute log position written up to */
        char *held;   /* request: an unfinished request kept between reads, or NULL */
    };
    uint32_t n;       /* subscriber: its index in subs; request: bytes in held */
    uint8_t kind;
    uint8_t blocked;  /* subscriber: its last write came up short; waits for EPOLLOUT */
};

/* Every event framed once, in order. Positions are absolute (bytes ever appended), so dropping
 * the consumed prefix moves no subscriber. */
struct event_log {
    char *buf;
    size_t len, cap;
    uint64_t base; /* absolute position of buf[0] */
    uint64_t last_id;
    uint64_t starts[history]; /* event id's absolute position, at starts[id % history] */
};

static struct conn *conns;
static size_t conns_cap;
static int *subs;
static size_t subs_len, subs_cap;
static struct event_log events;
static int epoll_fd, spare_fd = -1;
static int woken[max_ready]; /* subscribers unblocked this pass: at most one per ready event */
static size_t woken_len;
static char scratch[2 * (max_head + max_body)]; /* a whole request always fits with room to read */
static char replies[4096];
static size_t replies_len;

static const char stream_head[] = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
                                  "Cache-Control: no-cache\r\nConnection: close\r\n\r\n";

static uint64_t log_end(void) { return events.base + events.len; }

/* Array p of *cap items of `size` bytes, doubled until it holds `need`; NULL (p kept) if out of
 * memory. Doubling makes the copies of a growing array cost O(1) per item. */
static void *grow(void *p, size_t *cap, size_t need, size_t size)
{
    size_t n = *cap ? *cap : 1024;
    while (n < need)
        n *= 2;
    void *q = n == *cap ? p : realloc(p, n * size);
    if (q)
        *cap = n;
    return q;
}

static struct conn *conn_slot(int fd)
{
    size_t old = conns_cap;
    struct conn *t = grow(conns, &conns_cap, (size_t)fd + 1, sizeof *t);
    if (!t)
        return NULL;
    memset(t + old, 0, (conns_cap - old) * sizeof *t);
    conns = t;
    return &conns[fd];
}

static void close_conn(int fd)
{
    struct conn *c = &conns[fd];
    if (c->kind == conn_subscriber) {
        int last = subs[--subs_len]; /* swap-remove: order among subscribers does not matter */
        subs[c->n] = last;
        conns[last].n = c->n;
    } else {
        free(c->held);
    }
    memset(c, 0, sizeof *c);
    close(fd);
}

/* Frames body once at the end of the log: one data line per body line, where CR, LF or CRLF
 * end a line as in the SSE grammar (so a client gets the body back with LF line ends). */
static int append_event(const char *body, size_t len)
{
    char *p = grow(events.buf, &events.cap, events.len + 64 + 8 * len, 1); /* 8: all line breaks */
    if (!p)
        return -1;
    events.buf = p;
    p += events.len;
    ++events.last_id;
    events.starts[events.last_id % history] = log_end();
    p += sprintf(p, "id: %" PRIu64 "\n", events.last_id);
    for (size_t i = 0;;) {
        size_t j = i;
        while (j < len && body[j] != '\n' && body[j] != '\r')
            ++j;
        memcpy(p, "data: ", 6);
        memcpy(p + 6, body + i, j - i);
        p += 6 + (j - i);
        *p++ = '\n';
        if (j == len)
            break;
        i = j + (body[j] == '\r' && j + 1 < len && body[j + 1] == '\n' ? 2 : 1);
    }
    *p++ = '\n';
    events.len = (size_t)(p - events.buf);
    return 0;
}

static int ieq(const char *s, size_t n, const char *lower)
{
    if (strlen(lower) != n)
        return 0;
    for (size_t i = 0; i < n; ++i)
        if ((s[i] >= 'A' && s[i] <= 'Z' ? s[i] + 32 : s[i]) != lower[i])
            return 0;
    return 1;
}

/* Length of the head through its blank line, or 0 if it has not ended within max_head bytes. */
static size_t head_length(const char *buf, size_t len)
{
    size_t limit = len < max_head ? len : max_head;
    const char *p = buf;
    while ((p = memchr(p, '\n', limit - (size_t)(p - buf))) != NULL) {
        size_t rest = limit - (size_t)(++p - buf);
        if (rest >= 1 && p[0] == '\n')
            return (size_t)(p + 1 - buf);
        if (rest >= 2 && p[0] == '\r' && p[1] == '\n')
            return (size_t)(p + 2 - buf);
    }
    return 0;
}

struct request {
    const char *method, *path;
    size_t method_len, path_len, head_len, body_len;
    int keep_alive;
    uint64_t last_event_id; /* 0: none (ids start at 1) */
};

enum { request_complete = 0, request_partial = 1 }; /* else an HTTP error status */

/* Parses the request at the front of buf: request line, then headers up to the blank line,
 * of which only Content-Length, Transfer-Encoding and Connection matter here. */
static int parse_request(const char *buf, size_t len, struct request *r)
{
    size_t head = head_length(buf, len);
    if (head == 0)
        return len >= max_head ? 431 : request_partial;
    const char *end = buf + head, *eol = memchr(buf, '\n', head);
    size_t line = (size_t)(eol - buf) - (eol > buf && eol[-1] == '\r');
    const char *sp1 = memchr(buf, ' ', line);
    const char *sp2 = sp1 ? memchr(sp1 + 1, ' ', line - (size_t)(sp1 + 1 - buf)) : NULL;
    if (!sp2 || buf + line - (sp2 + 1) != 8 || memcmp(sp2 + 1, "HTTP/1.", 7) || (sp2[8] != '0' && sp2[8] != '1'))
        return 400;
    *r = (struct request){buf, sp1 + 1, (size_t)(sp1 - buf), (size_t)(sp2 - sp1 - 1), head, 0, sp2[8] == '1', 0};
    int has_length = 0;
    for (const char *l = eol + 1; l < end; l = eol + 1) {
        eol = memchr(l, '\n', (size_t)(end - l));
        size_t n = (size_t)(eol - l) - (eol > l && eol[-1] == '\r');
        if (n == 0)
            break;
        const char *colon = memchr(l, ':', n), *v, *v_end = l + n;
        if (!colon)
            return 400;
        for (v = colon + 1; v < v_end && (*v == ' ' || *v == '\t'); ++v) {}
        while (v_end > v && (v_end[-1] == ' ' || v_end[-1] == '\t'))
            --v_end;
        size_t name = (size_t)(colon - l), vn = (size_t)(v_end - v);
        if (ieq(l, name, "content-length")) {
            if (has_length++ || vn == 0)
                return 400;
            for (; v < v_end; ++v) {
                if (*v < '0' || *v > '9')
                    return 400;
                if (r->body_len <= max_body) /* saturate: any larger value is a 413 */
                    r->body_len = r->body_len * 10 + (size_t)(*v - '0');
            }
        } else if (ieq(l, name, "transfer-encoding")) {
            return 501; /* a chunked request body is not worth supporting here */
        } else if (ieq(l, name, "connection")) {
            r->keep_alive = ieq(v, vn, "close") ? 0 : ieq(v, vn, "keep-alive") ? 1 : r->keep_alive;
        } else if (ieq(l, name, "last-event-id")) {
            uint64_t id = 0; /* anything but a number is no id: the stream starts at the next event */
            for (; v < v_end && *v >= '0' && *v <= '9' && id < UINT64_MAX / 10; ++v)
                id = id * 10 + (uint64_t)(*v - '0');
            r->last_event_id = v == v_end ? id : 0;
        }
    }
    if (r->body_len > max_body)
        return 413;
    return len - head < r->body_len ? request_partial : request_complete;
}

static int flush_replies(int fd)
{
    ssize_t n = replies_len ? write(fd, replies, replies_len) : 0;
    int ok = n == (ssize_t)replies_len; /* a client that does not read its answers is dropped */
    replies_len = 0;
    return ok ? 0 : -1;
}

/* Queues an answer; pipelined requests read together are answered in one write. */
static int reply(int fd, int status, int keep_alive)
{
    if (sizeof replies - replies_len < 256 && flush_replies(fd) < 0)
        return -1;
    const char *reason = status == 202 ? "Accepted" : status == 404 ? "Not Found" : status == 413 ? "Content Too Large"
        : status == 431 ? "Request Header Fields Too Large" : status == 501 ? "Not Implemented"
        : status == 503 ? "Service Unavailable" : "Bad Request";
    const char *body = status == 404 ? "not found\n" : "";
    replies_len += (size_t)snprintf(replies + replies_len, sizeof replies - replies_len,
                                    "HTTP/1.1 %d %s\r\nContent-Length: %zu\r\n%s\r\n%s", status, reason, strlen(body),
                                    keep_alive ? "" : "Connection: close\r\n", body);
    return 0;
}

/* Where a subscriber that last saw event `last` starts: after it while it is in the history
 * (else at the oldest event kept), at the end of the log without one. */
static uint64_t replay_from(uint64_t last)
{
    if (last == 0 || last >= events.last_id)
        return log_end();
    uint64_t oldest = events.last_id > history ? events.last_id - history + 1 : 1;
    return events.starts[(last + 1 > oldest ? last + 1 : oldest) % history];
}

static int flush_subscriber(int fd);

/* The connection becomes a subscriber, edge-triggered from now on; what it is owed of the
 * history is written at once (the rest when EPOLLOUT says there is room). */
static int subscribe(int fd, uint64_t last_event_id)
{
    struct epoll_event ev = {.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET, .data.fd = fd};
    if (write(fd, stream_head, sizeof stream_head - 1) != (ssize_t)sizeof stream_head - 1
        || epoll_ctl(epoll_fd, EPOLL_CTL_MOD, fd, &ev) < 0)
        return -1;
    int *t = grow(subs, &subs_cap, subs_len + 1, sizeof *t);
    if (!t)
        return -1;
    subs = t;
    struct conn *c = &conns[fd];
    free(c->held);
    *c = (struct conn){.pos = replay_from(last_event_id), .n = (uint32_t)subs_len, .kind = conn_subscriber};
    subs[subs_len++] = fd;
    if (c->pos != log_end())
        flush_subscriber(fd); /* on an error it closes fd itself */
    return 0;
}

static int is(const struct request *r, const char *method, const char *prefix)
{
    size_t n = strlen(prefix);
    return r->method_len == strlen(method) && !memcmp(r->method, method, r->method_len) && r->path_len >= n
        && !memcmp(r->path, prefix, n);
}

/* Answers every whole request at the front of buf. Returns the bytes consumed, or -1 when the
 * connection was closed or became a subscriber (the rest of buf then means nothing). */
static long serve_requests(int fd, const char *buf, size_t len)
{
    size_t off = 0;
    struct request r;
    for (;;) {
        while (off < len && (buf[off] == '\r' || buf[off] == '\n'))
            ++off; /* empty lines before a request line are allowed (RFC 9112, 2.2) */
        int status = off < len ? parse_request(buf + off, len - off, &r) : request_partial;
        if (status == request_partial)
            break;
        if (status != request_complete) {
            reply(fd, status, 0);
            r.keep_alive = 0;
        } else {
            off += r.head_len + r.body_len;
            if (is(&r, "GET", "/sub")) {
                if (flush_replies(fd) < 0 || subscribe(fd, r.last_event_id) < 0)
                    close_conn(fd);
                return -1;
            }
            int publish = is(&r, "POST", "/pub");
            status = !publish ? 404 : append_event(buf + off - r.body_len, r.body_len) < 0 ? 503 : 202;
            if (reply(fd, status, r.keep_alive) < 0)
                r.keep_alive = 0;
        }
        if (!r.keep_alive) {
            flush_replies(fd);
            close_conn(fd);
            return -1;
        }
    }
    if (flush_replies(fd) < 0) {
        close_conn(fd);
        return -1;
    }
    return (long)off;
}

/* Level-triggered, one read per readiness: a publish costs one read and one write. An unfinished
 * request waits in c->held. */
static void on_request_ready(int fd)
{
    struct conn *c = &conns[fd];
    size_t len = c->n;
    if (c->held) {
        memcpy(scratch, c->held, len);
        free(c->held);
        c->held = NULL;
        c->n = 0;
    }
    ssize_t n = read(fd, scratch + len, sizeof scratch - len);
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
        close_conn(fd);
        return;
    }
    len += n > 0 ? (size_t)n : 0;
    long used = serve_requests(fd, scratch, len);
    if (used < 0)
        return;
    len -= (size_t)used;
    if (len == 0)
        return;
    if (!(c->held = malloc(len))) {
        close_conn(fd);
        return;
    }
    memcpy(c->held, scratch + used, len);
    c->n = (uint32_t)len;
}

static void on_subscriber_ready(int fd, uint32_t ev)
{
    if (ev & (EPOLLERR | EPOLLHUP | EPOLLRDHUP)) {
        close_conn(fd);
        return;
    }
    while (ev & EPOLLIN) { /* edge-triggered: read to EAGAIN; what a subscriber sends is ignored */
        ssize_t n = read(fd, scratch, sizeof scratch);
        if (n < 0 && errno == EAGAIN)
            break;
        if (n == 0 || (n < 0 && errno != EINTR)) {
            close_conn(fd);
            return;
        }
    }
    if ((ev & EPOLLOUT) && conns[fd].blocked) {
        conns[fd].blocked = 0;
        woken[woken_len++] = fd;
    }
}

/* Out of descriptors: spend the spare one to accept the oldest waiting connection and close it
 * at once, so that the level-triggered listener does not spin on a backlog it cannot take. */
static int refuse_one(int listener)
{
    if (spare_fd < 0)
        return -1;
    close(spare_fd);
    int fd = accept4(listener, NULL, NULL, SOCK_CLOEXEC);
    if (fd >= 0)
        close(fd);
    spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    return fd >= 0 ? 0 : -1;
}

static void accept_all(int listener)
{
    for (;;) {
        int fd = accept4(listener, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == ECONNABORTED || errno == EINTR || ((errno == EMFILE || errno == ENFILE) && refuse_one(listener) == 0))
                continue;
            return; /* EAGAIN: the backlog is empty */
        }
        int one = 1; /* each pass already writes all it has: Nagle would only add delay */
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        struct conn *c = conn_slot(fd);
        struct epoll_event ev = {.events = EPOLLIN, .data.fd = fd};
        if (!c || epoll_ctl(epoll_fd, EPOLL_CTL_ADD, fd, &ev) < 0) {
            close(fd);
            continue;
        }
        *c = (struct conn){.kind = conn_request};
    }
}

/* One write of everything pending for a subscriber. Returns 1 when it was closed. */
static int flush_subscriber(int fd)
{
    struct conn *c = &conns[fd];
    uint64_t end = log_end();
    if (end - c->pos > max_lag) {
        close_conn(fd);
        return 1;
    }
    if (c->blocked || c->pos == end)
        return 0;
    ssize_t n = write(fd, events.buf + (c->pos - events.base), (size_t)(end - c->pos));
    if (n < 0 && errno != EAGAIN && errno != EINTR) {
        close_conn(fd);
        return 1;
    }
    c->pos += n > 0 ? (uint64_t)n : 0;
    c->blocked = c->pos != end;
    return 0;
}

/* After the log grew: every subscriber once; then the prefix that all of them have written and
 * that is older than the history is dropped when it is half the log or more, so on average each
 * byte is moved at most once. */
static void flush_all(void)
{
    uint64_t oldest = events.last_id > history ? events.starts[(events.last_id - history + 1) % history] : events.base;
    for (size_t i = 0; i < subs_len;) {
        int fd = subs[i];
        if (flush_subscriber(fd))
            continue; /* swap-removed: subs[i] is now another, unvisited subscriber */
        if (conns[fd].pos < oldest)
            oldest = conns[fd].pos;
        ++i;
    }
    size_t dead = (size_t)(oldest - events.base);
    if (dead > 0 && dead * 2 >= events.len) {
        memmove(events.buf, events.buf + dead, events.len - dead);
        events.len -= dead;
        events.base = oldest;
    }
}

static int listen_on(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0), one = 1;
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port),
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0
        || bind(fd, (struct sockaddr *)&a, sizeof a) < 0 || listen(fd, 4096) < 0) {
        perror("sse_reference: listen on 127.0.0.1");
        return -1;
    }
    return fd;
}

int main(int argc, char **argv)
{
    char *end = NULL;
    long port = argc == 2 ? strtol(argv[1], &end, 10) : -1;
    if (argc != 2 || *end != '\0' || port < 1 || port > 65535) {
        fprintf(stderr, "usage: sse_reference PORT   (serves SSE on 127.0.0.1:PORT; a benchmark peer)\n");
        return 2;
    }
    struct rlimit files;
    if (getrlimit(RLIMIT_NOFILE, &files) == 0) {
        files.rlim_cur = files.rlim_max;
        setrlimit(RLIMIT_NOFILE, &files);
    }
    signal(SIGPIPE, SIG_IGN); /* a closed subscriber is an EPIPE from write, not a signal */
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGTERM);
    sigprocmask(SIG_BLOCK, &stop_signals, NULL); /* they arrive through the signal fd instead */
    int signal_fd = signalfd(-1, &stop_signals, SFD_NONBLOCK | SFD_CLOEXEC);
    int listener = listen_on((int)port);
    epoll_fd = epoll_create1(EPOLL_CLOEXEC);
    struct epoll_event ev = {.events = EPOLLIN, .data.fd = listener}, sig = {.events = EPOLLIN, .data.fd = signal_fd};
    if (listener < 0 || signal_fd < 0 || epoll_fd < 0 || epoll_ctl(epoll_fd, EPOLL_CTL_ADD, listener, &ev) < 0
        || epoll_ctl(epoll_fd, EPOLL_CTL_ADD, signal_fd, &sig) < 0)
        return 1;
    spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    printf("sse_reference listening on http://127.0.0.1:%ld\n", port);
    fflush(stdout);

    static struct epoll_event ready[max_ready];
    for (int stop = 0; !stop;) {
        int n = epoll_wait(epoll_fd, ready, max_ready, -1);
        if (n < 0 && errno != EINTR) {
            perror("sse_reference: epoll_wait");
            return 1;
        }
        uint64_t end_before = log_end();
        woken_len = 0;
        for (int i = 0; i < n; ++i) {
            int fd = ready[i].data.fd;
            if (fd == listener)
                accept_all(listener);
            else if (fd == signal_fd)
                stop = 1;
            else if (conns[fd].kind == conn_request)
                on_request_ready(fd);
            else if (conns[fd].kind == conn_subscriber)
                on_subscriber_ready(fd, ready[i].events);
        }
        /* The one flush of the pass: every subscriber if the log grew, else only the unblocked. */
        if (log_end() != end_before)
            flush_all();
        else
            for (size_t i = 0; i < woken_len; ++i)
                if (conns[woken[i]].kind == conn_subscriber)
                    flush_subscriber(woken[i]);
    }
    for (size_t fd = 0; fd < conns_cap; ++fd)
        if (conns[fd].kind != conn_free)
            close_conn((int)fd);
    free(conns);
    free(subs);
    free(events.buf);
    close(spare_fd);
    close(epoll_fd);
    close(listener);
    close(signal_fd);
    return 0;
}
