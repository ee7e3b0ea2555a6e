/*
 * c-epoll-hub: the baseline for datastar-bench's hub and feed scenarios.
 *
 * A minimal single-threaded HTTP/1.1 server on epoll, libc only:
 *
 *   GET /feed?hz=H 200 with the head of GET /sub plus Vary: Accept-Encoding (as the Swift servers
 *                  send it); then, every 1/H s, one
 *                  datastar-patch-signals event {"t":<µs since the epoch>,"n":<1, 2, …>} as one
 *                  HTTP chunk (H: 1…1000, default 1). The streams of one rate share ONE timer
 *                  (a timerfd), spread like the Swift reactor's: over min(8, interval / 10 ms)
 *                  slots, the timer fires once per slot and writes each stream of that slot its
 *                  event (non-blocking; a stream that cannot take the whole chunk is dropped).
 *                  A firing that comes late visits the slots it missed, so the rate holds.
 *   GET /sub       200 with the same head the Swift servers send (text/event-stream, chunked);
 *                  the socket joins the subscriber list and gets every published event.
 *   POST /publish  reads and ignores its body (Content-Length), builds ONE
 *                  datastar-patch-signals event {"t":<µs since the epoch, CLOCK_REALTIME>} as
 *                  one HTTP chunk, writes it to every subscriber (non-blocking; a subscriber
 *                  that cannot take the whole chunk at once, or errors, is dropped) and answers
 *                  204. Keep-alive, pipelining allowed.
 *   anything else  404 (connection closed).
 *
 * Usage: c-epoll-hub [--port N] [--backlog N]   (port 0 picks a free one)
 * Prints "c-epoll-hub listening on http://127.0.0.1:PORT" once listening.
 *
 * Built by datastar-bench with `cc -O2`; nothing else needed.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

enum { MAX_HEAD = 8192, READ_CHUNK = 65536, MAX_EVENTS = 1024 };
enum { MAX_HZ = 1000, MAX_SLOTS = 8, SLOT_NS = 10000000 };

enum kind { K_FREE = 0, K_REQUEST, K_SUBSCRIBER, K_FEED, K_TIMER };

struct conn {
    unsigned char kind;
    int sub_index;      /* position in subs[] while a subscriber; in its slot while a feed stream */
    int hz;             /* a feed stream's rate, or a timer's */
    int slot;           /* a feed stream's slot */
    long long n;        /* a feed stream's event counter */
    long long body_left; /* body bytes of the current request still to skip */
    char *pending;      /* an incomplete request head, kept between reads */
    size_t pending_len;
};

static struct conn *conns; /* indexed by fd */
static int conn_capacity;
static int *subs; /* subscriber fds */
static int sub_count;
static int epfd;
static char scratch[READ_CHUNK + MAX_HEAD];

/* The feed streams of one rate: one timer, and the streams spread over its slots. */
struct slot {
    int *fds;
    int count, capacity;
};
struct feed_timer {
    int fd;          /* the timerfd, once slot_count is set (the first stream of this rate) */
    int slot_count;  /* min(MAX_SLOTS, interval / 10 ms), at least 1 */
    int next_slot;   /* the slot the next firing visits */
    int streams;     /* streams in all slots; the timer is disarmed at 0 */
    struct slot slots[MAX_SLOTS];
};
static struct feed_timer feeds[MAX_HZ + 1]; /* indexed by rate */

static void die(const char *what) {
    perror(what);
    exit(1);
}

static void arm(struct feed_timer *f, long long interval_ns) {
    long long step = interval_ns / f->slot_count;
    struct itimerspec spec = {
        .it_interval = {.tv_sec = step / 1000000000LL, .tv_nsec = step % 1000000000LL},
        .it_value = {.tv_sec = step / 1000000000LL, .tv_nsec = step % 1000000000LL},
    };
    if (interval_ns == 0) memset(&spec, 0, sizeof spec); /* disarms */
    if (timerfd_settime(f->fd, 0, &spec, NULL) < 0) die("timerfd_settime");
}

static void leave_feed(int fd) {
    struct conn *c = &conns[fd];
    struct feed_timer *f = &feeds[c->hz];
    struct slot *s = &f->slots[c->slot];
    int last = s->fds[--s->count];
    s->fds[c->sub_index] = last;
    conns[last].sub_index = c->sub_index;
    if (--f->streams == 0) arm(f, 0);
}

static void close_conn(int fd) {
    struct conn *c = &conns[fd];
    if (c->kind == K_SUBSCRIBER) {
        int last = subs[--sub_count];
        subs[c->sub_index] = last;
        conns[last].sub_index = c->sub_index;
    } else if (c->kind == K_FEED) {
        leave_feed(fd);
    }
    free(c->pending);
    memset(c, 0, sizeof *c);
    close(fd); /* also removes it from the epoll set */
}

/* Writes all of buf or fails; for small replies on request connections. */
static int send_all(int fd, const char *buf, size_t len) {
    while (len > 0) {
        ssize_t n = send(fd, buf, len, MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        buf += n;
        len -= (size_t)n;
    }
    return 0;
}

/* Sends a chunk without blocking; whether the socket took all of it (a stream that cannot is
   dropped by the caller). */
static int send_whole(int fd, const char *chunk, int len) {
    ssize_t n;
    do {
        n = send(fd, chunk, (size_t)len, MSG_NOSIGNAL | MSG_DONTWAIT);
    } while (n < 0 && errno == EINTR);
    return n == len;
}

static void publish(void) {
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    long long t = (long long)now.tv_sec * 1000000LL + now.tv_nsec / 1000;
    char event[160];
    int event_len = snprintf(event, sizeof event, "event: datastar-patch-signals\ndata: signals {\"t\":%lld}\n\n", t);
    char chunk[200];
    int chunk_len = snprintf(chunk, sizeof chunk, "%x\r\n%s\r\n", event_len, event);
    for (int i = 0; i < sub_count;) {
        int fd = subs[i];
        if (send_whole(fd, chunk, chunk_len)) {
            i++;
        } else {
            close_conn(fd); /* moves the last subscriber into slot i */
        }
    }
}

/* One firing of a rate's timer: each stream of the next slot gets its event. */
static void on_tick(int timer_fd) {
    struct feed_timer *f = &feeds[conns[timer_fd].hz];
    uint64_t expirations = 0;
    ssize_t got = read(timer_fd, &expirations, sizeof expirations);
    if (got != (ssize_t)sizeof expirations || expirations == 0) return;
    /* Late: visit every slot whose firing was missed (each at most once), so the rate holds. */
    int visits = expirations < (uint64_t)f->slot_count ? (int)expirations : f->slot_count;
    for (int v = 0; v < visits && f->streams > 0; v++) {
        struct slot *s = &f->slots[f->next_slot];
        f->next_slot = (f->next_slot + 1) % f->slot_count;
        for (int i = 0; i < s->count;) {
            int fd = s->fds[i];
            struct conn *c = &conns[fd];
            struct timespec now;
            clock_gettime(CLOCK_REALTIME, &now);
            long long t = (long long)now.tv_sec * 1000000LL + now.tv_nsec / 1000;
            char chunk[200];
            /* The event is 57 + the digits of t and n bytes (16 + 1…19): two hex digits of size. */
            int event_len = snprintf(chunk + 4, sizeof chunk - 4,
                                     "event: datastar-patch-signals\ndata: signals {\"t\":%lld,\"n\":%lld}\n\n", t,
                                     ++c->n);
            chunk[0] = "0123456789abcdef"[(event_len >> 4) & 15];
            chunk[1] = "0123456789abcdef"[event_len & 15];
            chunk[2] = '\r';
            chunk[3] = '\n';
            int chunk_len = 4 + event_len;
            chunk[chunk_len++] = '\r';
            chunk[chunk_len++] = '\n';
            if (send_whole(fd, chunk, chunk_len)) {
                i++;
            } else {
                close_conn(fd); /* moves the slot's last stream into index i */
            }
        }
    }
}

static const char sub_head_format[] = "HTTP/1.1 200 OK\r\n"
                                      "Content-Type: text/event-stream\r\n"
                                      "Cache-Control: no-cache\r\n"
                                      "Connection: keep-alive\r\n"
                                      "X-Accel-Buffering: no\r\n"
                                      "Date: %s\r\n"
                                      "Transfer-Encoding: chunked\r\n\r\n";
/* The head of GET /feed: the Swift servers' feed head, which adds Vary (a feed may be compressed). */
static const char feed_head_format[] = "HTTP/1.1 200 OK\r\n"
                                       "Content-Type: text/event-stream\r\n"
                                       "Cache-Control: no-cache\r\n"
                                       "Connection: keep-alive\r\n"
                                       "X-Accel-Buffering: no\r\n"
                                       "Vary: Accept-Encoding\r\n"
                                       "Date: %s\r\n"
                                       "Transfer-Encoding: chunked\r\n\r\n";
static const char no_content[] = "HTTP/1.1 204 No Content\r\n\r\n";
static const char not_found[] = "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
static const char bad_request[] = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";

static int send_head(int fd, const char *format) {
    char date[64], head[512];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    int len = snprintf(head, sizeof head, format, date);
    return send_all(fd, head, (size_t)len);
}

static int subscribe(int fd) {
    if (send_head(fd, sub_head_format) < 0) return -1;
    struct conn *c = &conns[fd];
    c->kind = K_SUBSCRIBER;
    c->sub_index = sub_count;
    subs[sub_count++] = fd;
    return 0;
}

/* The rate of a GET /feed request line (start…end): hz=H in the query, 1 if absent or not a
 * number, at most MAX_HZ; 0 if out of range. */
static int feed_rate(const char *start, const char *end) {
    const char *target_end = memchr(start + 4, ' ', (size_t)(end - start - 4));
    if (!target_end) return 0;
    const char *query = memchr(start + 4, '?', (size_t)(target_end - start - 4));
    long hz = 1;
    for (const char *p = query; p && p + 3 <= target_end; p++) {
        if ((*p == '?' || *p == '&') && p + 4 <= target_end && memcmp(p + 1, "hz=", 3) == 0) {
            char *stop;
            long value = strtol(p + 4, &stop, 10);
            if (stop != p + 4 && (stop == target_end || *stop == '&')) hz = value;
        }
    }
    return hz >= 1 && hz <= MAX_HZ ? (int)hz : 0;
}

static int join_feed(int fd, int hz) {
    struct feed_timer *f = &feeds[hz];
    long long interval_ns = 1000000000LL / hz;
    if (f->slot_count == 0) {
        f->fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
        if (f->fd < 0 || f->fd >= conn_capacity) die("timerfd_create");
        int slots = (int)(interval_ns / SLOT_NS);
        f->slot_count = slots < 1 ? 1 : slots > MAX_SLOTS ? MAX_SLOTS : slots;
        conns[f->fd].kind = K_TIMER;
        conns[f->fd].hz = hz;
        struct epoll_event ev = {.events = EPOLLIN, .data.fd = f->fd};
        if (epoll_ctl(epfd, EPOLL_CTL_ADD, f->fd, &ev) < 0) die("epoll_ctl");
    }
    if (send_head(fd, feed_head_format) < 0) return -1;
    int emptiest = 0;
    for (int i = 1; i < f->slot_count; i++) {
        if (f->slots[i].count < f->slots[emptiest].count) emptiest = i;
    }
    struct slot *s = &f->slots[emptiest];
    if (s->count == s->capacity) {
        int capacity = s->capacity ? s->capacity * 2 : 64;
        int *grown = realloc(s->fds, (size_t)capacity * sizeof *grown);
        if (!grown) die("realloc");
        s->fds = grown;
        s->capacity = capacity;
    }
    struct conn *c = &conns[fd];
    c->kind = K_FEED;
    c->hz = hz;
    c->slot = emptiest;
    c->sub_index = s->count;
    c->n = 0;
    s->fds[s->count++] = fd;
    if (f->streams++ == 0) arm(f, interval_ns);
    return 0;
}

/* Content-Length of a head (lines after the first), or -1 if malformed. */
static long long content_length(const char *head, size_t len) {
    const char *p = memchr(head, '\n', len);
    const char *end = head + len;
    while (p && p + 1 < end) {
        const char *line = p + 1;
        const char *eol = memchr(line, '\n', (size_t)(end - line));
        if (!eol) break;
        size_t line_len = (size_t)(eol - line);
        if (line_len > 15 && strncasecmp(line, "content-length:", 15) == 0) {
            char *stop;
            long long value = strtoll(line + 15, &stop, 10);
            return value >= 0 ? value : -1;
        }
        p = eol;
    }
    return 0;
}

/*
 * Handles the requests in data[0..len); returns how many bytes it used (the rest is an
 * incomplete head), or -1 if the connection is to be closed.
 */
static long handle(int fd, char *data, size_t len) {
    struct conn *c = &conns[fd];
    size_t used = 0;
    while (used < len) {
        if (c->kind == K_SUBSCRIBER || c->kind == K_FEED) return (long)len; /* ignore what a stream sends */
        if (c->body_left > 0) {
            size_t take = (size_t)c->body_left < len - used ? (size_t)c->body_left : len - used;
            c->body_left -= (long long)take;
            used += take;
            continue;
        }
        char *start = data + used;
        size_t left = len - used;
        char *end = memmem(start, left, "\r\n\r\n", 4);
        if (!end) {
            if (left > MAX_HEAD) return -1;
            return (long)used;
        }
        size_t head_len = (size_t)(end - start) + 4;
        used += head_len;
        if (left >= 9 && memcmp(start, "GET /sub ", 9) == 0) {
            if (subscribe(fd) < 0) return -1;
        } else if (left >= 9 && memcmp(start, "GET /sub?", 9) == 0) {
            if (subscribe(fd) < 0) return -1;
        } else if (left >= 10 && (memcmp(start, "GET /feed?", 10) == 0 || memcmp(start, "GET /feed ", 10) == 0)) {
            int hz = feed_rate(start, end);
            if (hz == 0) {
                send_all(fd, bad_request, sizeof bad_request - 1);
                return -1;
            }
            if (join_feed(fd, hz) < 0) return -1;
        } else if (left >= 14 && memcmp(start, "POST /publish ", 14) == 0) {
            long long body = content_length(start, head_len);
            if (body < 0) {
                send_all(fd, bad_request, sizeof bad_request - 1);
                return -1;
            }
            c->body_left = body;
            publish();
            if (send_all(fd, no_content, sizeof no_content - 1) < 0) return -1;
        } else {
            send_all(fd, not_found, sizeof not_found - 1);
            return -1;
        }
    }
    return (long)used;
}

static void on_readable(int fd) {
    struct conn *c = &conns[fd];
    for (;;) {
        size_t have = c->pending_len;
        if (have) memcpy(scratch, c->pending, have);
        ssize_t n = recv(fd, scratch + have, READ_CHUNK, 0);
        if (n == 0) {
            close_conn(fd);
            return;
        }
        if (n < 0) {
            if (errno == EINTR) continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK) return;
            close_conn(fd);
            return;
        }
        size_t total = have + (size_t)n;
        long used = handle(fd, scratch, total);
        if (used < 0) {
            close_conn(fd);
            return;
        }
        size_t rest = total - (size_t)used;
        if (rest == 0) {
            free(c->pending);
            c->pending = NULL;
            c->pending_len = 0;
        } else {
            char *kept = realloc(c->pending, rest);
            if (!kept) die("realloc");
            memcpy(kept, scratch + used, rest);
            c->pending = kept;
            c->pending_len = rest;
        }
        if ((size_t)n < READ_CHUNK) return; /* drained (level-triggered: epoll says if more) */
    }
}

static void on_acceptable(int listener) {
    for (;;) {
        int fd = accept4(listener, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED) continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK) return;
            if (errno == EMFILE || errno == ENFILE) {
                fprintf(stderr, "c-epoll-hub: accept: %s\n", strerror(errno));
                return;
            }
            die("accept4");
        }
        if (fd >= conn_capacity) {
            close(fd);
            continue;
        }
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        conns[fd].kind = K_REQUEST;
        struct epoll_event ev = {.events = EPOLLIN | EPOLLRDHUP, .data.fd = fd};
        if (epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) < 0) die("epoll_ctl");
    }
}

int main(int argc, char **argv) {
    int port = 7400, backlog = 65535;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--port") == 0 && i + 1 < argc) {
            port = atoi(argv[++i]);
        } else if (strcmp(argv[i], "--backlog") == 0 && i + 1 < argc) {
            backlog = atoi(argv[++i]);
        } else {
            fprintf(stderr, "usage: %s [--port N] [--backlog N]\n", argv[0]);
            return 2;
        }
    }
    if (port < 0 || port > 65535) {
        fprintf(stderr, "c-epoll-hub: --port must be 0…65535\n");
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);

    struct rlimit limit;
    if (getrlimit(RLIMIT_NOFILE, &limit) == 0) {
        limit.rlim_cur = limit.rlim_max;
        setrlimit(RLIMIT_NOFILE, &limit);
        getrlimit(RLIMIT_NOFILE, &limit);
    }
    conn_capacity = limit.rlim_cur > 1048576 ? 1048576 : (int)limit.rlim_cur;
    conns = calloc((size_t)conn_capacity, sizeof *conns);
    subs = calloc((size_t)conn_capacity, sizeof *subs);
    if (!conns || !subs) die("calloc");

    int listener = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (listener < 0) die("socket");
    int one = 1;
    setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(listener, (struct sockaddr *)&address, sizeof address) < 0) die("bind");
    if (listen(listener, backlog) < 0) die("listen");
    socklen_t address_len = sizeof address;
    if (getsockname(listener, (struct sockaddr *)&address, &address_len) < 0) die("getsockname");

    epfd = epoll_create1(EPOLL_CLOEXEC);
    if (epfd < 0) die("epoll_create1");
    struct epoll_event ev = {.events = EPOLLIN, .data.fd = listener};
    if (epoll_ctl(epfd, EPOLL_CTL_ADD, listener, &ev) < 0) die("epoll_ctl");

    printf("c-epoll-hub listening on http://127.0.0.1:%d\n", ntohs(address.sin_port));
    fflush(stdout);

    struct epoll_event events[MAX_EVENTS];
    for (;;) {
        int count = epoll_wait(epfd, events, MAX_EVENTS, -1);
        if (count < 0) {
            if (errno == EINTR) continue;
            die("epoll_wait");
        }
        for (int i = 0; i < count; i++) {
            int fd = events[i].data.fd;
            if (fd == listener) {
                on_acceptable(listener);
            } else if (conns[fd].kind == K_TIMER) {
                on_tick(fd);
            } else if (conns[fd].kind != K_FREE) {
                /* Errors and hang-ups show as a failed or empty read. (A subscriber dropped by a
                 * publish earlier in this batch is K_FREE, or a new connection on the same fd,
                 * for which the read finds nothing yet.) */
                on_readable(fd);
            }
        }
    }
}
