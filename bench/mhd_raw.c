/* mhd_raw: the raw libmicrohttpd limit for REST throughput. It serves one fixed JSON body (read from a file:
 * the charge point's real GET /api/v1/connectors answer) with Content-Type application/json to every
 * request, in the same MHD mode as Sources/HTTPServer: MHD_USE_AUTO_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME
 * | MHD_USE_ERROR_LOG, bound to 127.0.0.1, and by default the service's HTTPServerConfiguration defaults:
 * a thread pool of 2, 64 KiB per-connection memory, 256 connections, 30 s timeout (bench/run.py reads them
 * from Sources/HTTPServer/HTTPServerConfiguration.swift and passes them). The response is built per request
 * with MHD_RESPMEM_MUST_COPY, as the service does.
 *
 *     mhd_raw PORT BODY_FILE [THREADS [MEMORY_LIMIT [CONNECTION_LIMIT [TIMEOUT_S]]]]   (until SIGINT/SIGTERM) */
#include <arpa/inet.h>
#include <microhttpd.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char body[65536];
static size_t body_len;

static enum MHD_Result handle(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                              const char *version, const char *upload, size_t *upload_size, void **state) {
    (void)cls; (void)url; (void)method; (void)version; (void)upload;
    /* The usual protocol: the first call only sees the headers; answering there makes MHD close the
     * connection (no keep-alive), so answer on the final call. */
    if (!*state) { *state = &body_len; return MHD_YES; }
    if (*upload_size) { *upload_size = 0; return MHD_YES; }
    struct MHD_Response *r = MHD_create_response_from_buffer(body_len, body, MHD_RESPMEM_MUST_COPY);
    MHD_add_response_header(r, "Content-Type", "application/json");
    enum MHD_Result ok = MHD_queue_response(c, MHD_HTTP_OK, r);
    MHD_destroy_response(r);
    return ok;
}

int main(int argc, char **argv) {
    if (argc < 3) { fprintf(stderr, "usage: mhd_raw PORT BODY_FILE [THREADS [MEMORY_LIMIT [CONNECTION_LIMIT [TIMEOUT_S]]]]\n"); return 2; }
    unsigned int threads = argc > 3 ? (unsigned)atoi(argv[3]) : 2, limit = argc > 5 ? (unsigned)atoi(argv[5]) : 256;
    unsigned int timeout = argc > 6 ? (unsigned)atoi(argv[6]) : 30;
    size_t memory = argc > 4 ? (size_t)atol(argv[4]) : 64 * 1024;
    FILE *f = fopen(argv[2], "rb");
    if (!f) { perror(argv[2]); return 1; }
    body_len = fread(body, 1, sizeof body, f);
    fclose(f);
    /* Blocked before MHD starts its threads, so that only sigwait below takes them. */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    struct sockaddr_in addr;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_port = htons((uint16_t)atoi(argv[1]));
    addr.sin_addr.s_addr = inet_addr("127.0.0.1");
    struct MHD_Daemon *d = MHD_start_daemon(
        MHD_USE_AUTO_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG, 0, NULL, NULL, handle, NULL,
        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
        MHD_OPTION_CONNECTION_LIMIT, limit,
        MHD_OPTION_CONNECTION_TIMEOUT, timeout,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, memory,
        /* The service adds THREAD_POOL_SIZE only when it is above 1. */
        threads > 1 ? MHD_OPTION_THREAD_POOL_SIZE : MHD_OPTION_END, threads,
        MHD_OPTION_END);
    if (!d) { fprintf(stderr, "mhd_raw: cannot listen on 127.0.0.1:%s\n", argv[1]); return 1; }
    printf("listening %s, %zu byte body, %u threads, %zu B per connection\n", argv[1], body_len, threads, memory);
    fflush(stdout);
    int sig;
    sigwait(&set, &sig);
    MHD_stop_daemon(d);
    return 0;
}
