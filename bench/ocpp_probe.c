/* ocpp_probe: the bare OCPP round trip to a central system, seen from a raw libwebsockets client. It
 * connects as a charge point (ws://127.0.0.1:PORT/ID, subprotocol ocpp1.6), sends a BootNotification,
 * then N Authorize CALLs one after the other and times each CALL -> CALLRESULT. This is what the control
 * latency subtracts: POST /api/v1/authorize costs one such round trip plus the charge point's own work.
 *
 *     ocpp_probe --port 9000 [--id PROBE] [--n 2000] [--warmup 100] [--id-tag TAG1]
 * Prints {"latency":{n,p50,p90,p99,mean,min,max},"errors":N}. */
#include <libwebsockets.h>
#include <signal.h>
#include "bench_common.h"

static struct lws_context *ctx;
static int n = 2000, warmup = 100, sent, errors, done, failed;
static const char *id_tag = "TAG1";
static unsigned char out[LWS_PRE + 1024];
static size_t out_len;
static char rx[65536];
static size_t rx_len;
static double t_sent;
static samples_t lat;

static void next(struct lws *wsi) {
    char *o = (char *)out + LWS_PRE;
    if (sent == 0)
        out_len = snprintf(o, 512, "[2,\"b\",\"BootNotification\",{\"chargePointVendor\":\"bench\",\"chargePointModel\":\"probe\"}]");
    else
        out_len = snprintf(o, 512, "[2,\"a%d\",\"Authorize\",{\"idTag\":\"%s\"}]", sent, id_tag);
    sent++;
    lws_callback_on_writable(wsi);
}

static int callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in, size_t len) {
    (void)user;
    switch (reason) {
    case LWS_CALLBACK_CLIENT_ESTABLISHED:
        next(wsi);
        break;
    case LWS_CALLBACK_CLIENT_RECEIVE:
        if (rx_len + len < sizeof rx) { memcpy(rx + rx_len, in, len); rx_len += len; }
        if (lws_is_final_fragment(wsi) && !lws_remaining_packet_payload(wsi)) {
            double t = now_us();
            rx[rx_len] = 0;
            rx_len = 0;
            if (rx[1] == '2') break;                 /* a CALL from the CSMS: not expected here, ignored */
            if (rx[1] != '3') errors++;
            if (sent > 1 && sent - 2 >= warmup) samples_add(&lat, t - t_sent);
            if (sent > n + warmup) { done = 1; lws_cancel_service(ctx); break; }
            next(wsi);
        }
        break;
    case LWS_CALLBACK_CLIENT_WRITEABLE:
        if (out_len) {
            t_sent = now_us();
            if (lws_write(wsi, out + LWS_PRE, out_len, LWS_WRITE_TEXT) < (int)out_len) return -1;
            out_len = 0;
        }
        break;
    case LWS_CALLBACK_CLIENT_CONNECTION_ERROR:
    case LWS_CALLBACK_CLIENT_CLOSED:
        failed = !done;
        done = 1;
        break;
    default:
        break;
    }
    return 0;
}

int main(int argc, char **argv) {
    int port = 0;
    const char *id = "/PROBE";
    char path[128];
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--port")) port = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--n")) n = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--warmup")) warmup = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--id-tag")) id_tag = argv[i + 1];
        else if (!strcmp(argv[i], "--id")) { snprintf(path, sizeof path, "/%s", argv[i + 1]); id = path; }
    }
    if (!port) { fprintf(stderr, "usage: ocpp_probe --port N [--id ID] [--n N] [--warmup N] [--id-tag TAG]\n"); return 2; }
    signal(SIGPIPE, SIG_IGN);
    lws_set_log_level(LLL_ERR, NULL);
    ctx = connect_as_charge_point(port, id, "ocpp1.6", callback);
    if (!ctx) { fprintf(stderr, "ocpp_probe: cannot connect\n"); return 1; }
    while (!done && lws_service(ctx, 0) >= 0) {}
    printf("{\"latency\":");
    samples_json(stdout, &lat);
    printf(",\"errors\":%d,\"failed\":%d}\n", errors, failed);
    lws_context_destroy(ctx);
    return failed;
}
