/* libcurl through pointers resolved at first use: see CCurl.h for why. */

#include "CCurl.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>

/* The soname of libcurl's ABI 4, which every libcurl since 7.16 keeps. */
#define CP_CURL_LIBRARY "libcurl.so.4"

static struct {
    CURLcode (*global_init)(long);
    CURL *(*easy_init)(void);
    void (*easy_cleanup)(CURL *);
    const char *(*easy_strerror)(CURLcode);
    CURLcode (*easy_setopt)(CURL *, CURLoption, ...);
    CURLcode (*easy_getinfo)(CURL *, CURLINFO, ...);
    CURLM *(*multi_init)(void);
    CURLMcode (*multi_add_handle)(CURLM *, CURL *);
    CURLMcode (*multi_remove_handle)(CURLM *, CURL *);
    CURLMcode (*multi_cleanup)(CURLM *);
    CURLMcode (*multi_perform)(CURLM *, int *);
    CURLMcode (*multi_poll)(CURLM *, struct curl_waitfd[], unsigned int, int, int *);
    CURLMsg *(*multi_info_read)(CURLM *, int *);
    const char *(*multi_strerror)(CURLMcode);
    struct curl_slist *(*slist_append)(struct curl_slist *, const char *);
    void (*slist_free_all)(struct curl_slist *);
} api;

static pthread_once_t loadOnce = PTHREAD_ONCE_INIT;
static int loaded;
static char loadError[512];

static int resolve(void *library, void **slot, const char *name) {
    *slot = dlsym(library, name);
    if (*slot == NULL) snprintf(loadError, sizeof loadError, "%s has no %s", CP_CURL_LIBRARY, name);
    return *slot != NULL;
}

static void load(void) {
    void *library = dlopen(CP_CURL_LIBRARY, RTLD_NOW | RTLD_LOCAL);
    if (library == NULL) {
        const char *reason = dlerror();
        snprintf(loadError, sizeof loadError, "cannot load %s: %s", CP_CURL_LIBRARY, reason ? reason : "unknown error");
        return;
    }
#define RESOLVE(field, name) resolve(library, (void **)&api.field, name)
    loaded = RESOLVE(global_init, "curl_global_init") && RESOLVE(easy_init, "curl_easy_init")
        && RESOLVE(easy_cleanup, "curl_easy_cleanup") && RESOLVE(easy_strerror, "curl_easy_strerror")
        && RESOLVE(easy_setopt, "curl_easy_setopt") && RESOLVE(easy_getinfo, "curl_easy_getinfo")
        && RESOLVE(multi_init, "curl_multi_init") && RESOLVE(multi_add_handle, "curl_multi_add_handle")
        && RESOLVE(multi_remove_handle, "curl_multi_remove_handle") && RESOLVE(multi_cleanup, "curl_multi_cleanup")
        && RESOLVE(multi_perform, "curl_multi_perform") && RESOLVE(multi_poll, "curl_multi_poll")
        && RESOLVE(multi_info_read, "curl_multi_info_read") && RESOLVE(multi_strerror, "curl_multi_strerror")
        && RESOLVE(slist_append, "curl_slist_append") && RESOLVE(slist_free_all, "curl_slist_free_all");
#undef RESOLVE
    if (!loaded) dlclose(library);
}

static int available(void) {
    pthread_once(&loadOnce, load);
    return loaded;
}

CURLcode cp_curl_global_init(long flags) {
    return available() ? api.global_init(flags) : CURLE_FAILED_INIT;
}

CURL *cp_curl_easy_init(void) {
    return available() ? api.easy_init() : NULL;
}

void cp_curl_easy_cleanup(CURL *handle) {
    if (available()) api.easy_cleanup(handle);
}

const char *cp_curl_easy_strerror(CURLcode code) {
    return available() ? api.easy_strerror(code) : loadError;
}

CURLM *cp_curl_multi_init(void) {
    return available() ? api.multi_init() : NULL;
}

CURLMcode cp_curl_multi_add_handle(CURLM *multi, CURL *handle) {
    return available() ? api.multi_add_handle(multi, handle) : CURLM_INTERNAL_ERROR;
}

CURLMcode cp_curl_multi_remove_handle(CURLM *multi, CURL *handle) {
    return available() ? api.multi_remove_handle(multi, handle) : CURLM_INTERNAL_ERROR;
}

CURLMcode cp_curl_multi_cleanup(CURLM *multi) {
    return available() ? api.multi_cleanup(multi) : CURLM_INTERNAL_ERROR;
}

CURLMcode cp_curl_multi_perform(CURLM *multi, int *running) {
    return available() ? api.multi_perform(multi, running) : CURLM_INTERNAL_ERROR;
}

CURLMcode cp_curl_multi_poll(CURLM *multi, struct curl_waitfd extra[], unsigned int extraCount, int timeoutMs, int *ready) {
    return available() ? api.multi_poll(multi, extra, extraCount, timeoutMs, ready) : CURLM_INTERNAL_ERROR;
}

CURLMsg *cp_curl_multi_info_read(CURLM *multi, int *queued) {
    return available() ? api.multi_info_read(multi, queued) : NULL;
}

const char *cp_curl_multi_strerror(CURLMcode code) {
    return available() ? api.multi_strerror(code) : loadError;
}

struct curl_slist *cp_curl_slist_append(struct curl_slist *list, const char *string) {
    return available() ? api.slist_append(list, string) : NULL;
}

void cp_curl_slist_free_all(struct curl_slist *list) {
    if (available()) api.slist_free_all(list);
}

CURLcode cp_curl_setopt_long(CURL *handle, CURLoption option, long value) {
    if (option < CURLOPTTYPE_LONG || option >= CURLOPTTYPE_OBJECTPOINT) return CURLE_BAD_FUNCTION_ARGUMENT;
    return available() ? api.easy_setopt(handle, option, value) : CURLE_FAILED_INIT;
}

CURLcode cp_curl_setopt_off_t(CURL *handle, CURLoption option, curl_off_t value) {
    if (option < CURLOPTTYPE_OFF_T || option >= CURLOPTTYPE_BLOB) return CURLE_BAD_FUNCTION_ARGUMENT;
    return available() ? api.easy_setopt(handle, option, value) : CURLE_FAILED_INIT;
}

CURLcode cp_curl_setopt_string(CURL *handle, CURLoption option, const char *value) {
    if (option < CURLOPTTYPE_OBJECTPOINT || option >= CURLOPTTYPE_FUNCTIONPOINT) return CURLE_BAD_FUNCTION_ARGUMENT;
    return available() ? api.easy_setopt(handle, option, value) : CURLE_FAILED_INIT;
}

CURLcode cp_curl_setopt_pointer(CURL *handle, CURLoption option, void *value) {
    if (option < CURLOPTTYPE_OBJECTPOINT || option >= CURLOPTTYPE_FUNCTIONPOINT) return CURLE_BAD_FUNCTION_ARGUMENT;
    return available() ? api.easy_setopt(handle, option, value) : CURLE_FAILED_INIT;
}

CURLcode cp_curl_setopt_write_function(CURL *handle, curl_write_callback function) {
    return available() ? api.easy_setopt(handle, CURLOPT_WRITEFUNCTION, function) : CURLE_FAILED_INIT;
}

CURLcode cp_curl_setopt_read_function(CURL *handle, curl_read_callback function) {
    return available() ? api.easy_setopt(handle, CURLOPT_READFUNCTION, function) : CURLE_FAILED_INIT;
}

CURLcode cp_curl_setopt_seek_function(CURL *handle, curl_seek_callback function) {
    return available() ? api.easy_setopt(handle, CURLOPT_SEEKFUNCTION, function) : CURLE_FAILED_INIT;
}


CURLcode cp_curl_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    if ((info & CURLINFO_TYPEMASK) != CURLINFO_LONG) return CURLE_BAD_FUNCTION_ARGUMENT;
    return available() ? api.easy_getinfo(handle, info, value) : CURLE_FAILED_INIT;
}


CURLcode cp_curl_getinfo_string(CURL *handle, CURLINFO info, const char **value) {
    if ((info & CURLINFO_TYPEMASK) != CURLINFO_STRING) return CURLE_BAD_FUNCTION_ARGUMENT;
    return available() ? api.easy_getinfo(handle, info, (char **)value) : CURLE_FAILED_INIT;
}
