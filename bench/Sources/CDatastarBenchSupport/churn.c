// The churn load of datastar-bench (see include/DatastarChurn.h). Linux only: epoll.
#define _GNU_SOURCE
#include "DatastarChurn.h"

#include <errno.h>
#include <string.h>
#include <stdlib.h>

#if defined(__linux__)
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#ifndef IP_BIND_ADDRESS_NO_PORT
#define IP_BIND_ADDRESS_NO_PORT 24
#endif

enum churn_state { CONNECTING, WAITING_HEAD, HOLDING, FIN_SENT };

typedef struct {
    int fd;
    enum churn_state state;
    double started;   /* connect start */
    double deadline;  /* when the current state times out */
    double fin_sent;
    char tail[4];     /* the last bytes of the head seen so far, to find CRLFCRLF across reads */
    int tail_length;
    int status_checked;
    long list_index;  /* where it sits in open_list */
} churn_conn;

typedef struct {
    double *values;
    size_t count, capacity;
} samples;

static void samples_add(samples *s, double value) {
    if (s->count == s->capacity) {
        size_t capacity = s->capacity ? s->capacity * 2 : 4096;
        double *grown = realloc(s->values, capacity * sizeof(double));
        if (!grown) return;
        s->values = grown;
        s->capacity = capacity;
    }
    s->values[s->count++] = value;
}

static int compare_doubles(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double quantile(samples *s, double q) {
    if (s->count == 0) return -1;
    size_t index = (size_t)(q * (double)(s->count - 1) + 0.5);
    return s->values[index];
}

static double now_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Open connections, by fd (fds are small integers; the table grows as needed). */
static churn_conn **table;
static int table_size;
static churn_conn **open_list; /* the same connections, for the timeout scan */
static long open_count;

static void track(churn_conn *c) {
    if (c->fd >= table_size) {
        int size = table_size ? table_size : 1024;
        while (size <= c->fd) size *= 2;
        table = realloc(table, (size_t)size * sizeof(*table));
        memset(table + table_size, 0, (size_t)(size - table_size) * sizeof(*table));
        open_list = realloc(open_list, (size_t)size * sizeof(*open_list));
        table_size = size;
    }
    table[c->fd] = c;
    c->list_index = open_count;
    open_list[open_count++] = c;
}

static void finish(churn_conn *c) {
    churn_conn *last = open_list[--open_count];
    open_list[c->list_index] = last;
    last->list_index = c->list_index;
    table[c->fd] = NULL;
    close(c->fd);
    free(c);
}

/* Scans the head for CRLFCRLF; returns 1 once the head is complete. */
static int head_complete(churn_conn *c, const char *data, ssize_t length) {
    char window[4 + 4096];
    int total = 0;
    memcpy(window, c->tail, (size_t)c->tail_length);
    total = c->tail_length;
    ssize_t take = length > 4096 ? 4096 : length;
    memcpy(window + total, data, (size_t)take);
    total += (int)take;
    for (int i = 0; i + 3 < total; i++) {
        if (window[i] == '\r' && window[i + 1] == '\n' && window[i + 2] == '\r' && window[i + 3] == '\n') return 1;
    }
    int keep = total < 3 ? total : 3;
    memcpy(c->tail, window + total - keep, (size_t)keep);
    c->tail_length = keep;
    return 0;
}

int datastar_churn_run(const datastar_churn_params *p, datastar_churn_result *r) {
    memset(r, 0, sizeof(*r));
    int ep = epoll_create1(EPOLL_CLOEXEC);
    if (ep < 0) return -1;
    char request[512];
    int request_length = snprintf(request, sizeof(request),
                                  "GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n", p->path);
    struct sockaddr_in target = {.sin_family = AF_INET, .sin_port = htons((uint16_t)p->port)};
    inet_pton(AF_INET, "127.0.0.1", &target.sin_addr);
    samples heads = {0}, closes = {0};
    double start = now_seconds();
    double stop_starting = start + p->duration;
    double last_scan = start;
    struct epoll_event events[256];
    char buffer[16384];

    for (;;) {
        double now = now_seconds();
        /* Start what is due by now. */
        if (now < stop_starting) {
            long due = (long)((now - start) * p->rate) + 1;
            while (r->started < due) {
                r->started++;
                int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
                if (fd < 0) {
                    r->connect_failed++;
                    continue;
                }
                int one = 1;
                setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
                if (p->source_count > 0) {
                    setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof(one));
                    struct sockaddr_in source = {.sin_family = AF_INET};
                    inet_pton(AF_INET, p->sources[r->started % p->source_count], &source.sin_addr);
                    if (bind(fd, (struct sockaddr *)&source, sizeof(source)) != 0) {
                        close(fd);
                        r->connect_failed++;
                        continue;
                    }
                }
                if (connect(fd, (struct sockaddr *)&target, sizeof(target)) != 0 && errno != EINPROGRESS) {
                    close(fd);
                    r->connect_failed++;
                    continue;
                }
                churn_conn *c = calloc(1, sizeof(*c));
                c->fd = fd;
                c->state = CONNECTING;
                c->started = now;
                c->deadline = now + p->connect_timeout;
                struct epoll_event ev = {.events = EPOLLOUT | EPOLLIN | EPOLLRDHUP, .data.fd = fd};
                epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
                track(c);
                if (open_count > r->max_in_flight) r->max_in_flight = open_count;
            }
        } else if (open_count == 0) {
            break;
        }

        int n = epoll_wait(ep, events, 256, 1);
        now = now_seconds();
        for (int i = 0; i < n; i++) {
            int fd = events[i].data.fd;
            churn_conn *c = fd < table_size ? table[fd] : NULL;
            if (!c) continue;
            if (c->state == CONNECTING) {
                int error = 0;
                socklen_t length = sizeof(error);
                getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length);
                if (error != 0) {
                    r->connect_failed++;
                    finish(c);
                    continue;
                }
                if (!(events[i].events & EPOLLOUT)) continue;
                if (send(fd, request, (size_t)request_length, MSG_NOSIGNAL) != request_length) {
                    r->connect_failed++;
                    finish(c);
                    continue;
                }
                c->state = WAITING_HEAD;
                c->deadline = now + p->head_timeout;
                struct epoll_event ev = {.events = EPOLLIN | EPOLLRDHUP, .data.fd = fd};
                epoll_ctl(ep, EPOLL_CTL_MOD, fd, &ev);
                continue;
            }
            /* Readable (or hung up): drain what there is. */
            for (;;) {
                ssize_t got = recv(fd, buffer, sizeof(buffer), 0);
                if (got > 0) {
                    if (c->state == WAITING_HEAD) {
                        if (!c->status_checked) {
                            c->status_checked = 1;
                            if (got < 12 || memcmp(buffer + 9, "200", 3) != 0) r->not_ok++;
                        }
                        if (head_complete(c, buffer, got)) {
                            r->heads++;
                            samples_add(&heads, (now - c->started) * 1000);
                            c->state = HOLDING;
                            c->deadline = now + p->hold_seconds;
                        }
                    }
                    continue;
                }
                if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
                if (got < 0 && errno == EINTR) continue;
                /* The server closed (0) or reset (< 0). */
                if (c->state == FIN_SENT) {
                    if (got == 0) {
                        r->closed_by_server++;
                        samples_add(&closes, (now - c->fin_sent) * 1000);
                    } else {
                        r->reset_by_server++;
                        samples_add(&closes, (now - c->fin_sent) * 1000);
                    }
                } else if (c->state == WAITING_HEAD) {
                    r->head_timeouts++; /* no head: counted with those that never got one */
                } else {
                    r->closed_early++;
                }
                finish(c);
                break;
            }
        }

        /* Timeouts and holds, every 5 ms. */
        if (now - last_scan >= 0.005) {
            last_scan = now;
            for (long i = open_count - 1; i >= 0; i--) {
                if (i >= open_count) continue;
                churn_conn *c = open_list[i];
                if (now < c->deadline) continue;
                switch (c->state) {
                case CONNECTING:
                    r->connect_timeouts++;
                    finish(c);
                    break;
                case WAITING_HEAD:
                    r->head_timeouts++;
                    finish(c);
                    break;
                case HOLDING:
                    shutdown(c->fd, SHUT_WR);
                    c->state = FIN_SENT;
                    c->fin_sent = now;
                    c->deadline = now + p->close_timeout;
                    break;
                case FIN_SENT:
                    r->close_timeouts++;
                    finish(c);
                    break;
                }
            }
        }
    }
    r->seconds = now_seconds() - start;
    r->started_per_second = p->duration > 0 ? (double)r->started / p->duration : 0;
    qsort(heads.values, heads.count, sizeof(double), compare_doubles);
    qsort(closes.values, closes.count, sizeof(double), compare_doubles);
    r->head_p50_ms = quantile(&heads, 0.50);
    r->head_p99_ms = quantile(&heads, 0.99);
    r->close_p50_ms = quantile(&closes, 0.50);
    r->close_p99_ms = quantile(&closes, 0.99);
    r->close_max_ms = closes.count ? closes.values[closes.count - 1] : -1;
    free(heads.values);
    free(closes.values);
    free(table);
    free(open_list);
    table = NULL;
    open_list = NULL;
    table_size = 0;
    open_count = 0;
    close(ep);
    return 0;
}

#else
int datastar_churn_run(const datastar_churn_params *params, datastar_churn_result *result) {
    (void)params;
    memset(result, 0, sizeof(*result));
    errno = ENOSYS;
    return -1;
}
#endif
