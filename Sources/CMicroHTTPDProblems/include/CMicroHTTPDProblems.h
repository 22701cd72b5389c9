#ifndef CHARGEPOINT_MHD_PROBLEMS_H
#define CHARGEPOINT_MHD_PROBLEMS_H
#include <microhttpd.h>

/* Queues one of the server's own responses. Every other MHD_queue_response call in the process is
 * libmicrohttpd answering a request it could not parse itself (see problems.c). */
enum MHD_Result cp_mhd_queue_response(struct MHD_Connection *connection, unsigned int status,
                                      struct MHD_Response *response);
#endif
