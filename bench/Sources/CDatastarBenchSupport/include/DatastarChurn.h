#ifndef DATASTAR_BENCH_CHURN_H
#define DATASTAR_BENCH_CHURN_H
#include <stddef.h>

/* The churn load: connections opened at a fixed rate, each sends `GET path`, waits for the
 * response head, holds the stream for `hold_seconds`, then half-closes (shutdown(SHUT_WR),
 * a FIN) and waits for the server to close its side. Single-threaded, epoll, bounded in time:
 * it returns at most `duration + connect_timeout + head_timeout + hold + close_timeout`
 * seconds after it starts. */
typedef struct {
    int port;                 /* on 127.0.0.1 */
    const char *path;         /* e.g. "/sub" */
    const char *const *sources; /* source addresses, dotted quads; connections use them in turn */
    int source_count;
    double rate;              /* connections started per second */
    double duration;          /* seconds of starting connections */
    double connect_timeout;   /* seconds for the TCP handshake */
    double head_timeout;      /* seconds from the request to the end of the response head */
    double hold_seconds;      /* seconds between the response head and the client's FIN */
    double close_timeout;     /* seconds the server has to close after the client's FIN */
} datastar_churn_params;

typedef struct {
    long started;             /* connections started */
    long connect_failed;      /* refused or failed at once */
    long connect_timeouts;    /* no handshake within connect_timeout */
    long head_timeouts;       /* connected, no response head within head_timeout */
    long heads;               /* response heads received */
    long not_ok;              /* heads whose status was not 200 */
    long closed_early;        /* the server closed or reset before the client's FIN */
    long closed_by_server;    /* after the client's FIN, the server closed (read returned 0) */
    long reset_by_server;     /* after the client's FIN, the server reset the connection */
    long close_timeouts;      /* after the client's FIN, the server had not closed within close_timeout */
    long max_in_flight;       /* most connections open at once */
    double seconds;           /* from the first start to the end */
    double started_per_second;
    double head_p50_ms, head_p99_ms;   /* connect start to response head */
    double close_p50_ms, close_p99_ms, close_max_ms; /* client FIN to server close, of those closed */
} datastar_churn_result;

/* Runs the churn; returns 0, or -1 with errno set when it could not start (epoll). */
int datastar_churn_run(const datastar_churn_params *params, datastar_churn_result *result);

#endif
