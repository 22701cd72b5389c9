/* echo_client: the raw libwebsockets limit for the OCPP round trip. It connects to ocpp_driver like a
 * charge point (ws://127.0.0.1:PORT/ECHO, subprotocol ocpp1.6, or the one --protocol names: with ocpp2.0.1
 * the driver sends its 2.0.1 CALLs, larger) and answers every CALL at once with a CALLRESULT
 * `[3,"<id>",{"pad":"..."}]` of a fixed size: by default the size of the CALL, or the sizes of the real
 * charge point's answers given with --reply-bytes GetConfiguration=N,DataTransfer=M (GetConfiguration
 * stands for 2.0.1's GetVariables too). No JSON parsing beyond finding the id and action: this is the cost
 * of lws alone, both ends. */
#include <libwebsockets.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include "bench_common.h"

static struct lws_context *ctx;
static volatile sig_atomic_t stopping;
static int reply_getconf, reply_data;
static unsigned char out[LWS_PRE + 65536];
static size_t out_len;
static char rx[65536];
static size_t rx_len;

/* Copies the quoted string at s (after optional spaces) into dst; returns the position after it. */
static const char *quoted(const char *s, char *dst, size_t n) {
    while (*s == ' ') s++;
    if (*s++ != '"') return NULL;
    size_t k = 0;
    while (*s && *s != '"') { if (k + 1 < n) dst[k++] = *s; s++; }
    dst[k] = 0;
    return *s ? s + 1 : NULL;
}

static void answer(const char *msg, size_t len) {
    char id[64], action[64];
    const char *s = strchr(msg, ',');
    if (!s || msg[1] != '2' || !(s = quoted(s + 1, id, sizeof id))) return;
    if (!(s = strchr(s, ',')) || !quoted(s + 1, action, sizeof action)) return;
    size_t want = !strncmp(action, "Get", 3) && reply_getconf ? (size_t)reply_getconf
                : !strcmp(action, "DataTransfer") && reply_data ? (size_t)reply_data : len;
    char *o = (char *)out + LWS_PRE;
    int head = snprintf(o, 128, "[3,\"%s\",{\"pad\":\"", id);
    size_t pad = want > (size_t)head + 3 ? want - head - 3 : 0;   /* 3 = the closing `"}]` */
    if (pad > sizeof out - LWS_PRE - head - 8) pad = sizeof out - LWS_PRE - head - 8;
    memset(o + head, 'x', pad);
    memcpy(o + head + pad, "\"}]", 3);
    out_len = head + pad + 3;
}

static int callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in, size_t len) {
    (void)user;
    switch (reason) {
    case LWS_CALLBACK_CLIENT_RECEIVE:
        if (rx_len + len < sizeof rx) { memcpy(rx + rx_len, in, len); rx_len += len; }
        if (lws_is_final_fragment(wsi) && !lws_remaining_packet_payload(wsi)) {
            rx[rx_len] = 0;
            answer(rx, rx_len);
            rx_len = 0;
            if (out_len) lws_callback_on_writable(wsi);
        }
        break;
    case LWS_CALLBACK_CLIENT_WRITEABLE:
        if (out_len) {
            if (lws_write(wsi, out + LWS_PRE, out_len, LWS_WRITE_TEXT) < (int)out_len) return -1;
            out_len = 0;
        }
        break;
    case LWS_CALLBACK_CLIENT_CONNECTION_ERROR:
    case LWS_CALLBACK_CLIENT_CLOSED:
        stopping = 1;
        break;
    default:
        break;
    }
    return 0;
}

static void on_signal(int sig) { (void)sig; stopping = 1; if (ctx) lws_cancel_service(ctx); }

int main(int argc, char **argv) {
    int port = 0;
    const char *protocol = "ocpp1.6";
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--port")) port = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--protocol")) protocol = argv[i + 1];
        else if (!strcmp(argv[i], "--reply-bytes")) sscanf(argv[i + 1], "GetConfiguration=%d,DataTransfer=%d", &reply_getconf, &reply_data);
    }
    if (!port) { fprintf(stderr, "usage: echo_client --port N [--protocol ocpp2.0.1] [--reply-bytes GetConfiguration=N,DataTransfer=M]\n"); return 2; }
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    lws_set_log_level(LLL_ERR, NULL);
    ctx = connect_as_charge_point(port, "/ECHO", protocol, callback);
    if (!ctx) { fprintf(stderr, "echo_client: cannot connect\n"); return 1; }
    while (!stopping && lws_service(ctx, 0) >= 0) {}
    lws_context_destroy(ctx);
    return 0;
}
