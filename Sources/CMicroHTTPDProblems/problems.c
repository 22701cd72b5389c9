/* libmicrohttpd 0.9.75 answers some requests itself before the application sees them: a request line
 * or header block too big for the connection's memory (414, 431), a malformed or negative
 * Content-Length or chunk (400, 413), an unsupported HTTP version (505). Its bodies are HTML fixed at
 * compile time (connection.c, transmit_error_response_len), with no option to change them. They are
 * queued through the library's exported MHD_queue_response, which a definition in the executable
 * interposes (the dynamic linker resolves the library's call to it): here the body is replaced by an
 * RFC 9457 problem document with the same status. The server's own responses bypass this through
 * cp_mhd_queue_response. Tests/HTTPServerTests checks that the interposition is in force. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>
#include "CMicroHTTPDProblems.h"

typedef enum MHD_Result (*queue_function)(struct MHD_Connection *, unsigned int, struct MHD_Response *);

static queue_function library_queue(void) {
    static queue_function function;
    if (function == NULL) {
        function = (queue_function)dlsym(RTLD_NEXT, "MHD_queue_response");
    }
    return function;
}

enum MHD_Result cp_mhd_queue_response(struct MHD_Connection *connection, unsigned int status,
                                      struct MHD_Response *response) {
    return library_queue()(connection, status, response);
}

static void describe(unsigned int status, const char **slug, const char **title, const char **detail) {
    switch (status) {
    case 413:
        *slug = "body-too-large"; *title = "Payload Too Large";
        *detail = "The announced request body is larger than the server can take.";
        break;
    case 414:
        *slug = "uri-too-long"; *title = "URI Too Long";
        *detail = "The request line is too long; keep the path and query under 8 KiB.";
        break;
    case 431:
        *slug = "headers-too-large"; *title = "Request Header Fields Too Large";
        *detail = "The request's header fields are too large; send less than 8 KiB of headers.";
        break;
    case 505:
        *slug = "http-version-not-supported"; *title = "HTTP Version Not Supported";
        *detail = "Use HTTP/1.1 (or HTTP/1.0).";
        break;
    default:
        *slug = "malformed-request"; *title = status == 400 ? "Bad Request" : "Error";
        *detail = "The request is not valid HTTP/1.1 (request line, header fields, Content-Length or chunked framing).";
        break;
    }
}

enum MHD_Result MHD_queue_response(struct MHD_Connection *connection, unsigned int status,
                                   struct MHD_Response *response) {
    (void)response;  /* the library's HTML; it destroys it after this call */
    const char *slug, *title, *detail;
    describe(status, &slug, &title, &detail);
    char body[512];
    int length = snprintf(body, sizeof body,
                          "{\"type\":\"urn:chargepoint:problem:%s\",\"title\":\"%s\",\"status\":%u,\"detail\":\"%s\"}",
                          slug, title, status, detail);
    struct MHD_Response *problem =
        MHD_create_response_from_buffer((size_t)length, body, MHD_RESPMEM_MUST_COPY);
    if (problem == NULL) {
        return library_queue()(connection, status, response);
    }
    MHD_add_response_header(problem, MHD_HTTP_HEADER_CONTENT_TYPE, "application/problem+json");
    MHD_add_response_header(problem, MHD_HTTP_HEADER_CONNECTION, "close");
    enum MHD_Result result = library_queue()(connection, status, problem);
    MHD_destroy_response(problem);
    return result;
}
