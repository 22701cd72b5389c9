/* stack_floor: the least a charge point on this product's libraries can cost. It does at start what the
 * service does before its first frame, and nothing else: opens a SQLite database in WAL mode and commits one
 * row with a synced commit, starts a libmicrohttpd daemon that answers every request 404, connects to the
 * central system with libwebsockets (ws://127.0.0.1:PORT/ID, subprotocol ocpp1.6) and sends a
 * BootNotification. Then it idles, answering nothing (libwebsockets answers pings), until SIGTERM.
 *
 * Its start -> BootNotification and its idle RSS are the floor under the footprint goals: what the libraries
 * the product brief fixes (Debian's libwebsockets, libmicrohttpd with GnuTLS behind it, SQLite) cost before
 * any code of ours runs. The Swift runtime, linked statically, comes on top.
 *
 *     stack_floor --port 9000 --http 8080 --db PATH [--id FLOOR]                                        */
#include <libwebsockets.h>
#include <microhttpd.h>
#include <sqlite3.h>
#include <signal.h>
#include "bench_common.h"

static struct lws_context *ctx;
static volatile sig_atomic_t stopping;
static unsigned char boot[LWS_PRE + 256];
static size_t boot_len;

static int callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in, size_t len) {
    (void)user; (void)in; (void)len;
    switch (reason) {
    case LWS_CALLBACK_CLIENT_ESTABLISHED:
        boot_len = snprintf((char *)boot + LWS_PRE, 200,
                            "[2,\"b\",\"BootNotification\",{\"chargePointVendor\":\"bench\",\"chargePointModel\":\"floor\"}]");
        lws_callback_on_writable(wsi);
        break;
    case LWS_CALLBACK_CLIENT_WRITEABLE:
        if (boot_len) {
            if (lws_write(wsi, boot + LWS_PRE, boot_len, LWS_WRITE_TEXT) < (int)boot_len) return -1;
            boot_len = 0;
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

static enum MHD_Result not_found(void *cls, struct MHD_Connection *connection, const char *url, const char *method,
                                 const char *version, const char *body, size_t *body_size, void **state) {
    (void)cls; (void)url; (void)method; (void)version; (void)body; (void)body_size; (void)state;
    struct MHD_Response *response = MHD_create_response_from_buffer(0, "", MHD_RESPMEM_PERSISTENT);
    enum MHD_Result result = MHD_queue_response(connection, 404, response);
    MHD_destroy_response(response);
    return result;
}

static void on_term(int signal) {
    (void)signal;
    stopping = 1;
    if (ctx) lws_cancel_service(ctx);
}

static int commit_one_row(const char *path) {
    sqlite3 *db;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) return -1;
    int rc = sqlite3_exec(db,
                          "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
                          "CREATE TABLE IF NOT EXISTS boots(n INTEGER);"
                          "BEGIN; INSERT INTO boots VALUES(1); COMMIT;", NULL, NULL, NULL);
    /* Kept open, as the service keeps its database open. */
    return rc == SQLITE_OK ? 0 : -1;
}

int main(int argc, char **argv) {
    int port = 0, http = 0;
    const char *db = NULL, *id = "/FLOOR";
    char path[128];
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--port")) port = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--http")) http = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--db")) db = argv[i + 1];
        else if (!strcmp(argv[i], "--id")) { snprintf(path, sizeof path, "/%s", argv[i + 1]); id = path; }
    }
    if (!port || !http || !db) { fprintf(stderr, "usage: stack_floor --port N --http N --db PATH [--id ID]\n"); return 2; }
    signal(SIGPIPE, SIG_IGN);
    signal(SIGTERM, on_term);
    signal(SIGINT, on_term);
    if (commit_one_row(db)) { fprintf(stderr, "stack_floor: cannot commit to %s\n", db); return 1; }
    struct MHD_Daemon *daemon = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL, (uint16_t)http,
                                                 NULL, NULL, not_found, NULL, MHD_OPTION_END);
    if (!daemon) { fprintf(stderr, "stack_floor: cannot listen on %d\n", http); return 1; }
    lws_set_log_level(LLL_ERR, NULL);
    ctx = connect_as_charge_point(port, id, "ocpp1.6", callback);
    if (!ctx) { fprintf(stderr, "stack_floor: cannot connect\n"); return 1; }
    while (!stopping && lws_service(ctx, 0) >= 0) {}
    lws_context_destroy(ctx);
    MHD_stop_daemon(daemon);
    return 0;
}
