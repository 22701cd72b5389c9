/* Helpers shared by the C benchmark programs: monotonic time, sample statistics, /proc CPU readings, and
 * (for the programs that include libwebsockets.h first) a charge point's connection to ocpp_driver.
 * Header-only so each program is a single `cc` command. */
#ifndef BENCH_COMMON_H
#define BENCH_COMMON_H

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static inline double now_us(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

/* A growable array of samples in microseconds. */
typedef struct { double *v; size_t n, cap; } samples_t;

static inline void samples_add(samples_t *s, double x) {
    if (s->n == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 1024;
        s->v = realloc(s->v, s->cap * sizeof(double));
    }
    s->v[s->n++] = x;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static inline double pct(const double *sorted, size_t n, double p) {
    if (n == 0) return 0;
    size_t i = (size_t)(p / 100.0 * (double)(n - 1) + 0.5);
    return sorted[i < n ? i : n - 1];
}

/* Prints {"n":..,"p50":..,"p90":..,"p99":..,"mean":..,"min":..,"max":..} (µs) to f. */
static inline void samples_json(FILE *f, samples_t *s) {
    if (s->n == 0) { fprintf(f, "{\"n\":0}"); return; }
    double *c = malloc(s->n * sizeof(double)), sum = 0;
    memcpy(c, s->v, s->n * sizeof(double));
    qsort(c, s->n, sizeof(double), cmp_double);
    for (size_t i = 0; i < s->n; i++) sum += c[i];
    fprintf(f, "{\"n\":%zu,\"p50\":%.2f,\"p90\":%.2f,\"p99\":%.2f,\"mean\":%.2f,\"min\":%.2f,\"max\":%.2f}",
            s->n, pct(c, s->n, 50), pct(c, s->n, 90), pct(c, s->n, 99), sum / s->n, c[0], c[s->n - 1]);
    free(c);
}

/* CPU time of every thread of a process in nanoseconds (sum of /proc/PID/task/ * /schedstat, field 1),
 * or -1. Finer than utime+stime, which count 10 ms ticks. */
static inline long long proc_cpu_ns(int pid) {
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/task", pid);
    DIR *d = opendir(path);
    if (!d) return -1;
    long long total = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.') continue;
        char p[300];
        snprintf(p, sizeof p, "/proc/%d/task/%s/schedstat", pid, e->d_name);
        FILE *f = fopen(p, "r");
        if (!f) continue;
        long long ns = 0;
        if (fscanf(f, "%lld", &ns) == 1) total += ns;
        fclose(f);
    }
    closedir(d);
    return total;
}

/* Context switches (voluntary + involuntary) of every thread of a process: each is a thread going to sleep
 * or being preempted, so the voluntary part counts wake-ups. -1 if the process is gone. */
static inline long long proc_switches(int pid) {
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/task", pid);
    DIR *d = opendir(path);
    if (!d) return -1;
    long long total = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.') continue;
        char p[300], line[256];
        snprintf(p, sizeof p, "/proc/%d/task/%s/status", pid, e->d_name);
        FILE *f = fopen(p, "r");
        if (!f) continue;
        while (fgets(line, sizeof line, f)) {
            long long v;
            if (sscanf(line, "voluntary_ctxt_switches: %lld", &v) == 1 || sscanf(line, "nonvoluntary_ctxt_switches: %lld", &v) == 1)
                total += v;
        }
        fclose(f);
    }
    closedir(d);
    return total;
}

/* utime+stime of a process in clock ticks (/proc/PID/stat fields 14 and 15), or -1. */
static inline long long proc_cpu_ticks(int pid) {
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%d/stat", pid);
    FILE *f = fopen(path, "r");
    if (!f) return -1;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = 0;
    char *p = strrchr(buf, ')');
    if (!p) return -1;
    unsigned long long ut = 0, st = 0;
    /* after ") ": state(3) ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime(14) stime(15) */
    if (sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut, &st) != 2) return -1;
    return (long long)(ut + st);
}

#ifdef LWS_PRE
/* A client context and its connection to ocpp_driver as a charge point would make it: ws://127.0.0.1:PORT
 * then `path`, subprotocol `protocol`, every event to `callback`. NULL when either cannot be made. */
static inline struct lws_context *connect_as_charge_point(int port, const char *path, const char *protocol,
                                                          lws_callback_function *callback) {
    static struct lws_protocols protocols[2];   /* lws keeps a pointer to them for the context's life */
    protocols[0] = (struct lws_protocols){ .name = protocol, .callback = callback, .rx_buffer_size = 65536 };
    struct lws_context_creation_info info;
    memset(&info, 0, sizeof info);
    info.port = CONTEXT_PORT_NO_LISTEN;
    info.protocols = protocols;
    info.fd_limit_per_thread = 64;
    struct lws_context *context = lws_create_context(&info);
    if (!context) return NULL;
    struct lws_client_connect_info ci;
    memset(&ci, 0, sizeof ci);
    ci.context = context;
    ci.address = ci.host = ci.origin = "127.0.0.1";
    ci.port = port;
    ci.path = path;
    ci.protocol = ci.local_protocol_name = protocol;
    if (!lws_client_connect_via_info(&ci)) {
        lws_context_destroy(context);
        return NULL;
    }
    return context;
}
#endif

#endif
