#ifndef CHARGEPOINT_LWS_SHIM_H
#define CHARGEPOINT_LWS_SHIM_H
#include <libwebsockets.h>

/* LWS_PRE is a macro expression Swift does not import. */
static inline size_t cp_lws_pre(void) { return LWS_PRE; }

/* Scheduled-callback (sul) handlers only receive the sul pointer; C code uses
 * lws_container_of to find its owner. Keeping the sul first in a struct with an
 * owner pointer lets Swift get back to the object that scheduled it. */
typedef struct cp_sul {
    lws_sorted_usec_list_t sul;
    void *owner;
} cp_sul_t;

static inline void *cp_sul_owner(lws_sorted_usec_list_t *sul) {
    return ((cp_sul_t *)sul)->owner;
}

/* glibc declares pthread_setname_np only under _GNU_SOURCE, which the Swift importer
 * does not define; the redeclaration is compatible when it does. Names are <= 15 bytes. */
#include <pthread.h>
extern int pthread_setname_np(pthread_t thread, const char *name);
static inline int cp_set_current_thread_name(const char *name) {
    return pthread_setname_np(pthread_self(), name);
}
#endif
