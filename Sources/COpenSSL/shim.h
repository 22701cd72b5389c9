#ifndef CHARGEPOINT_OPENSSL_SHIM_H
#define CHARGEPOINT_OPENSSL_SHIM_H
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <openssl/pem.h>
#include <openssl/err.h>
#include <openssl/bio.h>
#include <openssl/ec.h>
#include <openssl/rsa.h>

/* Macros Swift does not import (casts, type-checked stack macros, file/line arguments),
   wrapped as functions. */

/* BIO_get_mem_data is a BIO_ctrl macro: the bytes written to a memory BIO so far (not copied). */
static inline long cp_bio_get_mem_data(BIO *bio, char **data) { return BIO_get_mem_data(bio, data); }

/* OPENSSL_free passes __FILE__/__LINE__ to CRYPTO_free. */
static inline void cp_openssl_free(void *pointer) { OPENSSL_free(pointer); }

/* STACK_OF(X509) helpers: the sk_X509_* names are type-checking macros over OPENSSL_sk_*. */
static inline STACK_OF(X509) *cp_sk_X509_new_null(void) { return sk_X509_new_null(); }
/* Returns the new number of elements, 0 on failure. On success the stack owns `certificate`. */
static inline int cp_sk_X509_push(STACK_OF(X509) *stack, X509 *certificate) { return sk_X509_push(stack, certificate); }
/* Frees the stack and every certificate in it. */
static inline void cp_sk_X509_free_all(STACK_OF(X509) *stack) { sk_X509_pop_free(stack, X509_free); }

#endif
