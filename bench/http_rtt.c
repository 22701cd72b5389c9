/* http_rtt: sequential HTTP/1.1 requests on one keep-alive connection to 127.0.0.1, each timed from before
 * the write to the last byte of the answer (CLOCK_MONOTONIC). A C client, so that the client's own cost
 * stays in the microseconds. Prints {"status":..,"latency":{n,p50,p90,p99,mean,min,max},"body":"<first answer>"}.
 *
 *     http_rtt --port N --method POST --path /api/v1/authorize --body '{"idTag":"TAG1"}' --n 2000 --warmup 100 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>
#include "bench_common.h"

int main(int argc, char **argv) {
    int port = 0, n = 1000, warmup = 100;
    const char *method = "GET", *path = "/", *body = "";
    for (int i = 1; i + 1 < argc; i += 2) {
        const char *a = argv[i], *v = argv[i + 1];
        if (!strcmp(a, "--port")) port = atoi(v);
        else if (!strcmp(a, "--method")) method = v;
        else if (!strcmp(a, "--path")) path = v;
        else if (!strcmp(a, "--body")) body = v;
        else if (!strcmp(a, "--n")) n = atoi(v);
        else if (!strcmp(a, "--warmup")) warmup = atoi(v);
    }
    if (!port) { fprintf(stderr, "usage: http_rtt --port N [--method M] [--path P] [--body B] [--n N] [--warmup N]\n"); return 2; }
    int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
    sa.sin_addr.s_addr = inet_addr("127.0.0.1");
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa)) { perror("connect"); return 1; }
    char req[4096], buf[65536], first[1024] = "";
    int req_len = snprintf(req, sizeof req,
                           "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n\r\n%s",
                           method, path, strlen(body), body);
    samples_t lat = {0};
    int status = 0, bad = 0;
    for (int i = 0; i < warmup + n; i++) {
        double t0 = now_us();
        if (write(fd, req, req_len) != req_len) { perror("write"); return 1; }
        size_t got = 0;
        long need = -1;
        for (;;) {
            ssize_t r = read(fd, buf + got, sizeof buf - 1 - got);
            if (r <= 0) { fprintf(stderr, "http_rtt: connection closed after %d requests\n", i); return 1; }
            got += r;
            buf[got] = 0;
            char *end = strstr(buf, "\r\n\r\n");
            if (end && need < 0) {
                char *cl = strcasestr(buf, "\r\nContent-Length:");
                need = (end - buf) + 4 + (cl && cl < end ? atol(cl + 17) : 0);
            }
            if (need >= 0 && got >= (size_t)need) break;
        }
        double t1 = now_us();
        int code = atoi(buf + 9);
        if (i == 0) { status = code; char *b = strstr(buf, "\r\n\r\n"); snprintf(first, sizeof first, "%s", b ? b + 4 : ""); }
        if (code != status) bad++;
        if (i >= warmup) samples_add(&lat, t1 - t0);
    }
    printf("{\"status\":%d,\"other_status\":%d,\"latency\":", status, bad);
    samples_json(stdout, &lat);
    printf(",\"body\":\"");
    for (char *c = first; *c; c++) { if (*c == '"' || *c == '\\') putchar('\\'); if (*c >= 32) putchar(*c); }
    printf("\"}\n");
    close(fd);
    return 0;
}
