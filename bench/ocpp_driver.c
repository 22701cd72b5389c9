/* ocpp_driver: the measuring instrument. A minimal but valid OCPP 1.6-J or 2.0.1 central system on
 * libwebsockets (server, subprotocols ocpp1.6 and ocpp2.0.1, the one the charge point asks for; 127.0.0.1
 * only) that
 *   - answers whatever the charge point sends (BootNotification, StatusNotification, Heartbeat, Authorize,
 *     Start/StopTransaction, MeterValues, TransactionEvent, DataTransfer, ...);
 *   - once the link has been quiet for --quiet-ms, sends --calls CALLs back to back, one outstanding,
 *     alternating GetConfiguration (2.0.1: GetVariables of the same two settings) and DataTransfer, and
 *     times each CALL -> CALLRESULT with CLOCK_MONOTONIC;
 *   - optionally sends --resets soft Resets, one after the other, to sample the boot reaction;
 *   - times reactions: BootNotification.conf written -> first StatusNotification received, Authorize.conf
 *     written -> StartTransaction received;
 *   - counts transaction messages (StartTransaction, StopTransaction, MeterValues) for the offline drain;
 *   - with --go-file, pauses after the warm-up CALLs until that file exists (to switch a profiler on).
 * It prints JSON lines on stdout: events as they happen ({"ev":...}) and a summary at exit (SIGTERM/SIGINT,
 * or when the work is done with --exit-when-done). Times are microseconds unless named otherwise.
 *
 * The same instrument measures the Swift charge point, the Python `ocpp` charge point and the raw lws echo
 * client, so the three are comparable. */
#include <libwebsockets.h>
#include <signal.h>
#include <stdarg.h>
#include <sys/time.h>
#include <unistd.h>
#include "bench_common.h"

enum phase { WAIT_QUIET, CALLS, WAIT_QUIET_RESET, RESETTING, DONE };
enum kind { K_PLAIN, K_CALL, K_BOOT_CONF, K_AUTH_CONF, K_RESET };

typedef struct msg { struct msg *next; enum kind kind; size_t len; unsigned char buf[]; } msg_t;
typedef struct pss { msg_t *head, *tail; char *rx; size_t rxlen, rxcap; } pss_t;

static struct {
    int port, calls, warmup, quiet_ms, resets, heartbeat, cp_pid, exit_when_done, data_bytes, expect_tx;
    const char *cp_pid_file;   /* read when first needed: the peer may start after us */
    const char *go_file;       /* after the warm-up, wait for this file before the measured CALLs */
    int paused, go;
    struct lws_context *ctx;
    struct lws *wsi;            /* the current charge point connection */
    int v201;                   /* it speaks OCPP 2.0.1 */
    volatile sig_atomic_t stop;
    enum phase phase;
    double last_rx, connected_at;
    lws_sorted_usec_list_t sul;
    /* calls */
    int sent, answered, errors;
    char out_id[32];
    double t_call;
    const char *out_action;
    samples_t rtt, rtt_getconf, rtt_data;
    size_t req_bytes[2], resp_bytes[2];
    long long cpu_ns0, cpu_ns1, ticks0, ticks1, sw0, sw1;
    double calls_t0, calls_t1;
    /* reactions */
    double t_boot_conf, t_auth_conf;
    int boot_next_seen, auth_next_seen;
    samples_t boot_status, boot_next, auth_start, auth_next;
    int resets_done, boots, heartbeats, tx_id;
    /* drain */
    int tx_count;
    double tx_first, tx_last;
    long long tx_cpu0;
} g = { .calls = 0, .warmup = 500, .quiet_ms = 300, .heartbeat = 300, .data_bytes = 64, .tx_id = 1000 };

static void emit(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    putchar('\n');
    fflush(stdout);
}

static void iso_now(char *out, size_t n) {
    struct timeval tv;
    gettimeofday(&tv, NULL);
    struct tm tm;
    gmtime_r(&tv.tv_sec, &tm);
    size_t k = strftime(out, n, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(out + k, n - k, ".%03dZ", (int)(tv.tv_usec / 1000));
}

static void enqueue(struct lws *wsi, enum kind kind, const char *fmt, ...) {
    pss_t *p = lws_wsi_user(wsi);
    char tmp[4096];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    msg_t *m = malloc(sizeof *m + LWS_PRE + n);
    m->next = NULL; m->kind = kind; m->len = n;
    memcpy(m->buf + LWS_PRE, tmp, n);
    if (p->tail) p->tail->next = m; else p->head = m;
    p->tail = m;
    lws_callback_on_writable(wsi);
}

/* Parses `[type,"id"` and, for a CALL, `,"Action",` then the payload start; tolerant of whitespace. */
static const char *skip_ws(const char *s) { while (*s == ' ' || *s == '\n' || *s == '\r' || *s == '\t') s++; return s; }
static const char *quoted(const char *s, char *out, size_t n) {
    s = skip_ws(s);
    if (*s != '"') return NULL;
    s++;
    size_t k = 0;
    while (*s && *s != '"') { if (k + 1 < n) out[k++] = *s; s++; }
    out[k] = 0;
    return *s ? s + 1 : NULL;
}

static void start_next_call(void);
static void maybe_start_reset(void);

/* The measured peer's pid, for CPU accounting; 0 when unknown. */
static int peer_pid(void) {
    if (!g.cp_pid && g.cp_pid_file) {
        FILE *f = fopen(g.cp_pid_file, "r");
        if (f) { if (fscanf(f, "%d", &g.cp_pid) != 1) g.cp_pid = 0; fclose(f); }
    }
    return g.cp_pid;
}

static void finish_calls(void) {
    g.calls_t1 = now_us();
    if (g.cp_pid) { g.cpu_ns1 = proc_cpu_ns(g.cp_pid); g.ticks1 = proc_cpu_ticks(g.cp_pid); g.sw1 = proc_switches(g.cp_pid); }
    emit("{\"ev\":\"calls_done\",\"answered\":%d,\"errors\":%d}", g.answered, g.errors);
    g.phase = g.resets ? WAIT_QUIET_RESET : DONE;
    if (g.phase == DONE && g.exit_when_done && !g.expect_tx) g.stop = 1;
}

static void start_next_call(void) {
    if (!g.wsi) return;
    if (g.sent == g.warmup && g.go_file && !g.go) {
        g.paused = 1;   /* tick() resumes once the go file exists (e.g. after a profiler switched on) */
        emit("{\"ev\":\"warmed\"}");
        return;
    }
    if (g.sent == g.warmup) {
        g.calls_t0 = now_us();
        if (peer_pid()) { g.sw0 = proc_switches(g.cp_pid); g.cpu_ns0 = proc_cpu_ns(g.cp_pid); g.ticks0 = proc_cpu_ticks(g.cp_pid); }
    }
    int i = g.sent++;
    snprintf(g.out_id, sizeof g.out_id, "d%d", i);
    if (i % 2 == 0 && g.v201) {
        g.out_action = "GetVariables";
        enqueue(g.wsi, K_CALL, "[2,\"%s\",\"GetVariables\",{\"getVariableData\":["
                "{\"component\":{\"name\":\"OCPPCommCtrlr\"},\"variable\":{\"name\":\"HeartbeatInterval\"}},"
                "{\"component\":{\"name\":\"OCPPCommCtrlr\"},\"variable\":{\"name\":\"WebSocketPingInterval\"}}]}]",
                g.out_id);
    } else if (i % 2 == 0) {
        g.out_action = "GetConfiguration";
        enqueue(g.wsi, K_CALL, "[2,\"%s\",\"GetConfiguration\",{\"key\":[\"HeartbeatInterval\",\"WebSocketPingInterval\"]}]", g.out_id);
    } else {
        char data[1024];
        int n = g.data_bytes < (int)sizeof data - 1 ? g.data_bytes : (int)sizeof data - 1;
        for (int k = 0; k < n; k++) data[k] = 'a' + (i + k) % 26;
        data[n] = 0;
        g.out_action = "DataTransfer";
        enqueue(g.wsi, K_CALL, "[2,\"%s\",\"DataTransfer\",{\"vendorId\":\"bench\",\"messageId\":\"rtt\",\"data\":\"%s\"}]", g.out_id, data);
    }
}

static void call_answered(int type, size_t len) {
    double rtt = now_us() - g.t_call;
    int which = g.out_action[0] == 'G' ? 0 : 1;
    g.out_id[0] = 0;
    if (type == 4) g.errors++;
    if (g.phase == CALLS) {
        int index = g.sent - 1;
        if (index >= g.warmup) {
            g.answered++;
            samples_add(&g.rtt, rtt);
            samples_add(which ? &g.rtt_data : &g.rtt_getconf, rtt);
            g.resp_bytes[which] = len;
        }
        if (g.sent < g.warmup + g.calls) start_next_call(); else finish_calls();
    }
}

static void handle_call(struct lws *wsi, const char *id, const char *action, double t) {
    char ts[40];
    int transaction = 0;
    if (!strcmp(action, "BootNotification")) {
        g.boots++;
        emit("{\"ev\":\"boot\",\"t\":%.1f}", t);
        iso_now(ts, sizeof ts);
        enqueue(wsi, K_BOOT_CONF, "[3,\"%s\",{\"status\":\"Accepted\",\"currentTime\":\"%s\",\"interval\":%d}]", id, ts, g.heartbeat);
    } else if (!strcmp(action, "Heartbeat")) {
        g.heartbeats++;
        iso_now(ts, sizeof ts);
        enqueue(wsi, K_PLAIN, "[3,\"%s\",{\"currentTime\":\"%s\"}]", id, ts);
    } else if (!strcmp(action, "Authorize")) {
        enqueue(wsi, K_AUTH_CONF, g.v201 ? "[3,\"%s\",{\"idTokenInfo\":{\"status\":\"Accepted\"}}]"
                                         : "[3,\"%s\",{\"idTagInfo\":{\"status\":\"Accepted\"}}]", id);
    } else if (!strcmp(action, "StartTransaction")) {
        transaction = 1;
        enqueue(wsi, K_PLAIN, "[3,\"%s\",{\"idTagInfo\":{\"status\":\"Accepted\"},\"transactionId\":%d}]", id, ++g.tx_id);
    } else if (!strcmp(action, "StopTransaction")) {
        transaction = 1;
        enqueue(wsi, K_PLAIN, "[3,\"%s\",{\"idTagInfo\":{\"status\":\"Accepted\"}}]", id);
    } else if (!strcmp(action, "DataTransfer")) {
        enqueue(wsi, K_PLAIN, "[3,\"%s\",{\"status\":\"Accepted\"}]", id);
    } else {
        if (!strcmp(action, "MeterValues") || !strcmp(action, "TransactionEvent")) transaction = 1;
        enqueue(wsi, K_PLAIN, "[3,\"%s\",{}]", id);
    }
    if (transaction) {
        if (g.tx_count++ == 0) { g.tx_first = t; if (peer_pid()) g.tx_cpu0 = proc_cpu_ns(g.cp_pid); }
        g.tx_last = t;
        if (g.expect_tx && g.tx_count == g.expect_tx) {
            double secs = (g.tx_last - g.tx_first) / 1e6;
            long long cpu = g.cp_pid ? proc_cpu_ns(g.cp_pid) - g.tx_cpu0 : -1;
            emit("{\"ev\":\"drain_done\",\"n\":%d,\"secs\":%.6f,\"rate\":%.1f,\"cpu_ns\":%lld}", g.tx_count, secs,
                 secs > 0 ? (g.tx_count - 1) / secs : 0, cpu);
            if (g.exit_when_done) g.stop = 1;
        }
    }
}

static void on_message(struct lws *wsi, const char *text, size_t len) {
    double t = now_us();
    g.last_rx = t;
    const char *s = skip_ws(text);
    if (*s != '[') return;
    s = skip_ws(s + 1);
    int type = *s - '0';
    s = skip_ws(s + 1);
    if (*s != ',') return;
    char id[64], action[64] = "";
    s = quoted(s + 1, id, sizeof id);
    if (!s) return;
    if (type == 2) {
        s = skip_ws(s);
        if (*s != ',' || !quoted(s + 1, action, sizeof action)) return;
    }
    /* reactions: the next message, and the expected one, after a conf we wrote */
    if (g.t_boot_conf > 0) {
        if (!g.boot_next_seen) { samples_add(&g.boot_next, t - g.t_boot_conf); g.boot_next_seen = 1; }
        if (!strcmp(action, "StatusNotification")) {
            samples_add(&g.boot_status, t - g.t_boot_conf);
            g.t_boot_conf = 0;
            if (g.phase == RESETTING) { g.resets_done++; g.phase = WAIT_QUIET_RESET; }
        }
    }
    if (g.t_auth_conf > 0) {
        if (!g.auth_next_seen) { samples_add(&g.auth_next, t - g.t_auth_conf); g.auth_next_seen = 1; }
        if (!strcmp(action, g.v201 ? "TransactionEvent" : "StartTransaction")) {
            samples_add(&g.auth_start, t - g.t_auth_conf);
            g.t_auth_conf = 0;
        }
    }
    if (type == 2) handle_call(wsi, id, action, t);
    else if ((type == 3 || type == 4) && g.out_id[0] && !strcmp(id, g.out_id)) call_answered(type, len);
}

/* Every 20 ms: start the calls or the next reset once the link has been quiet long enough. */
static void tick(lws_sorted_usec_list_t *sul) {
    (void)sul;
    double t = now_us(), quiet = g.quiet_ms * 1000.0;
    if (g.wsi && t - g.last_rx >= quiet && t - g.connected_at >= quiet) {
        if (g.phase == WAIT_QUIET) {
            if (g.calls > 0) { g.phase = CALLS; emit("{\"ev\":\"calls_start\"}"); start_next_call(); }
            else if (g.resets > 0) g.phase = WAIT_QUIET_RESET;
            else { g.phase = DONE; emit("{\"ev\":\"quiet\"}"); }
        }
        if (g.phase == WAIT_QUIET_RESET) maybe_start_reset();
    }
    if (g.paused && access(g.go_file, F_OK) == 0) { g.paused = 0; g.go = 1; start_next_call(); }
    if (g.stop) lws_cancel_service(g.ctx);
    lws_sul_schedule(g.ctx, 0, &g.sul, tick, 20 * 1000);
}

static void maybe_start_reset(void) {
    if (g.resets_done >= g.resets) {
        g.phase = DONE;
        emit("{\"ev\":\"resets_done\",\"n\":%d}", g.resets_done);
        if (g.exit_when_done && !g.expect_tx) g.stop = 1;
        return;
    }
    g.phase = RESETTING;
    enqueue(g.wsi, K_RESET, g.v201 ? "[2,\"r%d\",\"Reset\",{\"type\":\"Immediate\"}]"
                                   : "[2,\"r%d\",\"Reset\",{\"type\":\"Soft\"}]", g.resets_done);
}

static int callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in, size_t len) {
    pss_t *p = user;
    switch (reason) {
    case LWS_CALLBACK_ESTABLISHED:
        memset(p, 0, sizeof *p);
        g.wsi = wsi;
        g.v201 = !strcmp(lws_get_protocol(wsi)->name, "ocpp2.0.1");
        g.connected_at = g.last_rx = now_us();
        emit("{\"ev\":\"connected\",\"t\":%.1f}", g.connected_at);
        break;
    case LWS_CALLBACK_RECEIVE:
        if (p->rxlen + len + 1 > p->rxcap) { p->rxcap = (p->rxlen + len + 1) * 2; p->rx = realloc(p->rx, p->rxcap); }
        memcpy(p->rx + p->rxlen, in, len);
        p->rxlen += len;
        if (lws_is_final_fragment(wsi) && !lws_remaining_packet_payload(wsi)) {
            p->rx[p->rxlen] = 0;
            on_message(wsi, p->rx, p->rxlen);
            p->rxlen = 0;
        }
        break;
    case LWS_CALLBACK_SERVER_WRITEABLE: {
        msg_t *m = p->head;
        if (!m) break;
        /* Stamp before writing: the write may wake the peer, which can preempt us before we read the clock. */
        double t = now_us();
        if (lws_write(wsi, m->buf + LWS_PRE, m->len, LWS_WRITE_TEXT) < (int)m->len) return -1;
        if (m->kind == K_CALL) { g.t_call = t; g.req_bytes[g.out_action[0] == 'G' ? 0 : 1] = m->len; }
        else if (m->kind == K_BOOT_CONF) { g.t_boot_conf = t; g.boot_next_seen = 0; }
        else if (m->kind == K_AUTH_CONF) { g.t_auth_conf = t; g.auth_next_seen = 0; }
        p->head = m->next;
        if (!p->head) p->tail = NULL;
        free(m);
        if (p->head) lws_callback_on_writable(wsi);
        break;
    }
    case LWS_CALLBACK_CLOSED:
        while (p->head) { msg_t *m = p->head; p->head = m->next; free(m); }
        free(p->rx);
        if (g.wsi == wsi) {
            g.wsi = NULL;
            g.out_id[0] = 0;   /* a CALL in flight is lost with the link */
            if (g.phase == CALLS) { g.phase = DONE; emit("{\"ev\":\"calls_aborted\",\"sent\":%d}", g.sent); }
        }
        emit("{\"ev\":\"closed\",\"t\":%.1f}", now_us());
        break;
    default:
        break;
    }
    return 0;
}

static void on_signal(int sig) { (void)sig; g.stop = 1; if (g.ctx) lws_cancel_service(g.ctx); }

static void summary(void) {
    printf("{\"ev\":\"summary\",\"calls\":");
    samples_json(stdout, &g.rtt);
    printf(",\"GetConfiguration\":");
    samples_json(stdout, &g.rtt_getconf);
    printf(",\"DataTransfer\":");
    samples_json(stdout, &g.rtt_data);
    double secs = (g.calls_t1 - g.calls_t0) / 1e6;
    printf(",\"answered\":%d,\"errors\":%d,\"calls_secs\":%.6f", g.answered, g.errors, g.calls_t1 > 0 ? secs : 0);
    printf(",\"req_bytes\":{\"GetConfiguration\":%zu,\"DataTransfer\":%zu}", g.req_bytes[0], g.req_bytes[1]);
    printf(",\"resp_bytes\":{\"GetConfiguration\":%zu,\"DataTransfer\":%zu}", g.resp_bytes[0], g.resp_bytes[1]);
    if (g.cp_pid && g.calls_t1 > 0)
        printf(",\"cpu_ns\":%lld,\"cpu_ticks\":%lld,\"switches\":%lld", g.cpu_ns1 - g.cpu_ns0, g.ticks1 - g.ticks0,
               g.sw1 - g.sw0);
    printf(",\"boot_status\":");
    samples_json(stdout, &g.boot_status);
    printf(",\"boot_next\":");
    samples_json(stdout, &g.boot_next);
    printf(",\"auth_start\":");
    samples_json(stdout, &g.auth_start);
    printf(",\"auth_next\":");
    samples_json(stdout, &g.auth_next);
    printf(",\"boots\":%d,\"heartbeats\":%d,\"resets\":%d,\"tx\":%d", g.boots, g.heartbeats, g.resets_done, g.tx_count);
    if (g.tx_count > 1) printf(",\"tx_rate\":%.1f", (g.tx_count - 1) / ((g.tx_last - g.tx_first) / 1e6));
    printf("}\n");
    fflush(stdout);
}

int main(int argc, char **argv) {
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : "0";
        if (!strcmp(a, "--port")) g.port = atoi(v), i++;
        else if (!strcmp(a, "--calls")) g.calls = atoi(v), i++;
        else if (!strcmp(a, "--warmup")) g.warmup = atoi(v), i++;
        else if (!strcmp(a, "--quiet-ms")) g.quiet_ms = atoi(v), i++;
        else if (!strcmp(a, "--resets")) g.resets = atoi(v), i++;
        else if (!strcmp(a, "--heartbeat")) g.heartbeat = atoi(v), i++;
        else if (!strcmp(a, "--cp-pid")) g.cp_pid = atoi(v), i++;
        else if (!strcmp(a, "--cp-pid-file")) g.cp_pid_file = v, i++;
        else if (!strcmp(a, "--go-file")) g.go_file = v, i++;
        else if (!strcmp(a, "--data-bytes")) g.data_bytes = atoi(v), i++;
        else if (!strcmp(a, "--expect-tx")) g.expect_tx = atoi(v), i++;
        else if (!strcmp(a, "--exit-when-done")) g.exit_when_done = 1;
        else { fprintf(stderr, "unknown option %s\n", a); return 2; }
    }
    if (!g.port) { fprintf(stderr, "usage: ocpp_driver --port N [--calls N] [--warmup N] [--quiet-ms N] [--resets N] [--heartbeat S] [--cp-pid PID | --cp-pid-file PATH] [--go-file PATH] [--data-bytes N] [--expect-tx N] [--exit-when-done]\n"); return 2; }
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    signal(SIGPIPE, SIG_IGN);
    lws_set_log_level(LLL_ERR, NULL);

    static struct lws_protocols protocols[] = {
        { "ocpp1.6", callback, sizeof(pss_t), 65536, 0, NULL, 0 },
        { "ocpp2.0.1", callback, sizeof(pss_t), 65536, 0, NULL, 0 },
        { NULL, NULL, 0, 0, 0, NULL, 0 },
    };
    struct lws_context_creation_info info;
    memset(&info, 0, sizeof info);
    info.port = g.port;
    info.iface = "127.0.0.1";
    info.protocols = protocols;
    info.gid = -1;
    info.uid = -1;
    info.fd_limit_per_thread = 64;
    info.timeout_secs = 10;
    g.ctx = lws_create_context(&info);
    if (!g.ctx) { fprintf(stderr, "ocpp_driver: cannot listen on 127.0.0.1:%d\n", g.port); return 1; }
    emit("{\"ev\":\"listening\",\"port\":%d}", g.port);
    lws_sul_schedule(g.ctx, 0, &g.sul, tick, 20 * 1000);
    while (!g.stop && lws_service(g.ctx, 0) >= 0) {}
    summary();
    lws_context_destroy(g.ctx);
    return 0;
}
