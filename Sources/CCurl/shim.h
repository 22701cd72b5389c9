#ifndef CHARGEPOINT_CURL_SHIM_H
#define CHARGEPOINT_CURL_SHIM_H

/* No GCC type-check macros around curl_easy_setopt/getinfo: the typed wrappers below are the
 * type check. */
#define CURL_DISABLE_TYPECHECK 1
#include <curl/curl.h>

/*
 * curl_easy_setopt and curl_easy_getinfo are C variadic functions, which Swift does not import.
 * These static inline wrappers are compiled by Swift's Clang importer (no C target needed).
 *
 * One wrapper per argument type, because the variadic call reads the argument as exactly the type
 * the option expects: `long` for CURLOPTTYPE_LONG options, `curl_off_t` for the *_LARGE ones
 * (64-bit even where `long` is 32-bit, e.g. 32-bit ARM), a data pointer or a function pointer
 * otherwise. Passing the wrong type is undefined behaviour in C, so each wrapper refuses options of
 * another type class (the class is encoded in the option number) with CURLE_BAD_FUNCTION_ARGUMENT.
 */

static inline CURLcode cp_curl_setopt_long(CURL *handle, CURLoption option, long value) {
    if (option < CURLOPTTYPE_LONG || option >= CURLOPTTYPE_OBJECTPOINT) return CURLE_BAD_FUNCTION_ARGUMENT;
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode cp_curl_setopt_off_t(CURL *handle, CURLoption option, curl_off_t value) {
    if (option < CURLOPTTYPE_OFF_T || option >= CURLOPTTYPE_BLOB) return CURLE_BAD_FUNCTION_ARGUMENT;
    return curl_easy_setopt(handle, option, value);
}

/* String options: libcurl copies the string (except CURLOPT_POSTFIELDS, not used here). */
static inline CURLcode cp_curl_setopt_string(CURL *handle, CURLoption option, const char *value) {
    if (option < CURLOPTTYPE_OBJECTPOINT || option >= CURLOPTTYPE_FUNCTIONPOINT) return CURLE_BAD_FUNCTION_ARGUMENT;
    return curl_easy_setopt(handle, option, value);
}

/* Data pointers (CURLOPT_WRITEDATA, CURLOPT_READDATA, CURLOPT_SEEKDATA, CURLOPT_XFERINFODATA,
 * CURLOPT_ERRORBUFFER, ...): libcurl keeps the pointer, so it must outlive the transfer. */
static inline CURLcode cp_curl_setopt_pointer(CURL *handle, CURLoption option, void *value) {
    if (option < CURLOPTTYPE_OBJECTPOINT || option >= CURLOPTTYPE_FUNCTIONPOINT) return CURLE_BAD_FUNCTION_ARGUMENT;
    return curl_easy_setopt(handle, option, value);
}

static inline CURLcode cp_curl_setopt_write_function(CURL *handle, curl_write_callback function) {
    return curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, function);
}

static inline CURLcode cp_curl_setopt_read_function(CURL *handle, curl_read_callback function) {
    return curl_easy_setopt(handle, CURLOPT_READFUNCTION, function);
}

static inline CURLcode cp_curl_setopt_seek_function(CURL *handle, curl_seek_callback function) {
    return curl_easy_setopt(handle, CURLOPT_SEEKFUNCTION, function);
}

static inline CURLcode cp_curl_setopt_xferinfo_function(CURL *handle, curl_xferinfo_callback function) {
    return curl_easy_setopt(handle, CURLOPT_XFERINFOFUNCTION, function);
}

static inline CURLcode cp_curl_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    if ((info & CURLINFO_TYPEMASK) != CURLINFO_LONG) return CURLE_BAD_FUNCTION_ARGUMENT;
    return curl_easy_getinfo(handle, info, value);
}

static inline CURLcode cp_curl_getinfo_off_t(CURL *handle, CURLINFO info, curl_off_t *value) {
    if ((info & CURLINFO_TYPEMASK) != CURLINFO_OFF_T) return CURLE_BAD_FUNCTION_ARGUMENT;
    return curl_easy_getinfo(handle, info, value);
}

/* The string belongs to the handle and is valid until curl_easy_cleanup. */
static inline CURLcode cp_curl_getinfo_string(CURL *handle, CURLINFO info, const char **value) {
    if ((info & CURLINFO_TYPEMASK) != CURLINFO_STRING) return CURLE_BAD_FUNCTION_ARGUMENT;
    return curl_easy_getinfo(handle, info, (char **)value);
}

/* CURL_GLOBAL_DEFAULT and the callback return markers are macros; expose them as plain values. */
static inline long cp_curl_global_default(void) { return CURL_GLOBAL_DEFAULT; }
static inline size_t cp_curl_readfunc_abort(void) { return CURL_READFUNC_ABORT; }
static inline size_t cp_curl_writefunc_error(void) { return CURL_WRITEFUNC_ERROR; }
static inline int cp_curl_error_size(void) { return CURL_ERROR_SIZE; }

#endif
