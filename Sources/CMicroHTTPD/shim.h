#ifndef CHARGEPOINT_MHD_SHIM_H
#define CHARGEPOINT_MHD_SHIM_H
#include <stdarg.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <microhttpd.h>

/* Swift does not import C variadic functions: these static inline wrappers are
 * compiled by the Clang importer, so no separate C target is needed. */
static inline struct MHD_Daemon *
cp_mhd_start(unsigned int flags, uint16_t port,
             MHD_AccessHandlerCallback handler, void *handler_cls,
             const struct MHD_OptionItem *options) {
    return MHD_start_daemon(flags, port, NULL, NULL, handler, handler_cls,
                            MHD_OPTION_ARRAY, options, MHD_OPTION_END);
}

static inline const union MHD_ConnectionInfo *
cp_mhd_connection_info(struct MHD_Connection *connection, enum MHD_ConnectionInfoType type) {
    return MHD_get_connection_info(connection, type);
}

static inline const union MHD_DaemonInfo *
cp_mhd_daemon_info(struct MHD_Daemon *daemon, enum MHD_DaemonInfoType type) {
    return MHD_get_daemon_info(daemon, type);
}

/* 0 exempts a connection (an event stream) from the daemon's idle timeout. */
static inline enum MHD_Result
cp_mhd_set_connection_timeout(struct MHD_Connection *connection, unsigned int seconds) {
    return MHD_set_connection_option(connection, MHD_CONNECTION_OPTION_TIMEOUT, seconds);
}

/* Whether this libmicrohttpd was built with GnuTLS (MHD_USE_TLS works). */
static inline int
cp_mhd_supports_tls(void) {
    return MHD_is_feature_supported(MHD_FEATURE_TLS) == MHD_YES;
}
#endif
