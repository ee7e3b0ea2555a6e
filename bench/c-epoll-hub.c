/*
 * c-epoll-hub: the baseline for datastar-bench's hub scenario.
 *
 * A minimal single-threaded HTTP/1.1 server on epoll, libc only:
 *
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
#include <time.h>
#include <unistd.h>

enum { MAX_HEAD = 8192, READ_CHUNK = 65536, MAX_EVENTS = 1024 };

enum kind { K_FREE = 0, K_REQUEST, K_SUBSCRIBER };

struct conn {
    unsigned char kind;
    int sub_index;      /* position in subs[] while a subscriber */
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

static void die(const char *what) {
    perror(what);
    exit(1);
}

static void close_conn(int fd) {
    struct conn *c = &conns[fd];
    if (c->kind == K_SUBSCRIBER) {
        int last = subs[--sub_count];
        subs[c->sub_index] = last;
        conns[last].sub_index = c->sub_index;
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
        ssize_t n;
        do {
            n = send(fd, chunk, (size_t)chunk_len, MSG_NOSIGNAL | MSG_DONTWAIT);
        } while (n < 0 && errno == EINTR);
        if (n == chunk_len) {
            i++;
        } else {
            close_conn(fd); /* moves the last subscriber into slot i */
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
static const char no_content[] = "HTTP/1.1 204 No Content\r\n\r\n";
static const char not_found[] = "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
static const char bad_request[] = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";

static int subscribe(int fd) {
    char date[64], head[512];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    int len = snprintf(head, sizeof head, sub_head_format, date);
    if (send_all(fd, head, (size_t)len) < 0) return -1;
    struct conn *c = &conns[fd];
    c->kind = K_SUBSCRIBER;
    c->sub_index = sub_count;
    subs[sub_count++] = fd;
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
        if (c->kind == K_SUBSCRIBER) return (long)len; /* ignore anything a subscriber sends */
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
            } else if (conns[fd].kind != K_FREE) {
                /* Errors and hang-ups show as a failed or empty read. (A subscriber dropped by a
                 * publish earlier in this batch is K_FREE, or a new connection on the same fd,
                 * for which the read finds nothing yet.) */
                on_readable(fd);
            }
        }
    }
}
