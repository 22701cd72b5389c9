#ifndef CHARGEPOINT_CURL_SHIM_H
#define CHARGEPOINT_CURL_SHIM_H

/* No GCC type-check macros around curl_easy_setopt/getinfo: the typed wrappers below are the
 * type check. */
#define CURL_DISABLE_TYPECHECK 1
#include <curl/curl.h>

/*
 * libcurl is loaded at the first file transfer, not at process start: it and the two dozen libraries
 * it pulls in (TLS, Kerberos, LDAP, HTTP/2, IDN...) cost megabytes of resident memory and milliseconds
 * of start-up in a station that may never upload a log. So this module does not link libcurl: each
 * `cp_curl_*` function below is libcurl's function of the same name, called through a pointer resolved
 * by dlopen("libcurl.so.4") on first use (loader.c). Calling libcurl's own names directly fails at link
 * time, which keeps every call going through here.
 *
 * When libcurl cannot be loaded, functions returning a code return CURLE_FAILED_INIT (CURLM_INTERNAL_ERROR
 * for the multi interface), those returning a pointer return NULL, and cp_curl_easy_strerror and
 * cp_curl_multi_strerror return the loader's reason.
 */

CURLcode cp_curl_global_init(long flags);
CURL *cp_curl_easy_init(void);
void cp_curl_easy_cleanup(CURL *handle);
const char *cp_curl_easy_strerror(CURLcode code);
CURLM *cp_curl_multi_init(void);
CURLMcode cp_curl_multi_add_handle(CURLM *multi, CURL *handle);
CURLMcode cp_curl_multi_remove_handle(CURLM *multi, CURL *handle);
CURLMcode cp_curl_multi_cleanup(CURLM *multi);
CURLMcode cp_curl_multi_perform(CURLM *multi, int *running);
CURLMcode cp_curl_multi_poll(CURLM *multi, struct curl_waitfd extra[], unsigned int extraCount, int timeoutMs, int *ready);
CURLMsg *cp_curl_multi_info_read(CURLM *multi, int *queued);
const char *cp_curl_multi_strerror(CURLMcode code);
struct curl_slist *cp_curl_slist_append(struct curl_slist *list, const char *string);
void cp_curl_slist_free_all(struct curl_slist *list);

/*
 * curl_easy_setopt and curl_easy_getinfo are C variadic functions, which Swift does not import.
 *
 * One wrapper per argument type, because the variadic call reads the argument as exactly the type
 * the option expects: `long` for CURLOPTTYPE_LONG options, `curl_off_t` for the *_LARGE ones
 * (64-bit even where `long` is 32-bit, e.g. 32-bit ARM), a data pointer or a function pointer
 * otherwise. Passing the wrong type is undefined behaviour in C, so each wrapper refuses options of
 * another type class (the class is encoded in the option number) with CURLE_BAD_FUNCTION_ARGUMENT.
 */

CURLcode cp_curl_setopt_long(CURL *handle, CURLoption option, long value);
CURLcode cp_curl_setopt_off_t(CURL *handle, CURLoption option, curl_off_t value);
/* String options: libcurl copies the string (except CURLOPT_POSTFIELDS, not used here). */
CURLcode cp_curl_setopt_string(CURL *handle, CURLoption option, const char *value);
/* Data pointers (CURLOPT_WRITEDATA, CURLOPT_READDATA, CURLOPT_SEEKDATA, CURLOPT_XFERINFODATA,
 * CURLOPT_ERRORBUFFER, ...): libcurl keeps the pointer, so it must outlive the transfer. */
CURLcode cp_curl_setopt_pointer(CURL *handle, CURLoption option, void *value);
CURLcode cp_curl_setopt_write_function(CURL *handle, curl_write_callback function);
CURLcode cp_curl_setopt_read_function(CURL *handle, curl_read_callback function);
CURLcode cp_curl_setopt_seek_function(CURL *handle, curl_seek_callback function);

CURLcode cp_curl_getinfo_long(CURL *handle, CURLINFO info, long *value);

/* The string belongs to the handle and is valid until cp_curl_easy_cleanup. */
CURLcode cp_curl_getinfo_string(CURL *handle, CURLINFO info, const char **value);

/* CURL_GLOBAL_DEFAULT and the callback return markers are macros; expose them as plain values. */
static inline long cp_curl_global_default(void) { return CURL_GLOBAL_DEFAULT; }
static inline size_t cp_curl_readfunc_abort(void) { return CURL_READFUNC_ABORT; }
static inline size_t cp_curl_writefunc_error(void) { return CURL_WRITEFUNC_ERROR; }
static inline int cp_curl_error_size(void) { return CURL_ERROR_SIZE; }

#endif
