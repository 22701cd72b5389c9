#ifndef CHARGEPOINT_LWS_SHIM_H
#define CHARGEPOINT_LWS_SHIM_H
#include <libwebsockets.h>

/* LWS_PRE is a macro expression Swift does not import. */
static inline size_t cp_lws_pre(void) { return LWS_PRE; }

/* A multi-line OR of options Swift does not import. */
static inline unsigned long long cp_lws_option_require_valid_client_certificate(void) {
    return (unsigned long long)LWS_SERVER_OPTION_REQUIRE_VALID_OPENSSL_CLIENT_CERT;
}

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
/* OCPP security profiles 2 and 3 on a client SSL_CTX, from PEM text held in memory (lws's own
 * *_mem fields take a single certificate only): TLS 1.2 at least, the trust anchors (a bundle), and
 * the client certificate chain with its key. Called from LWS_CALLBACK_OPENSSL_LOAD_EXTRA_CLIENT_VERIFY_CERTS.
 * Returns 0, or -1 with a reason in `error`; the thread's OpenSSL error queue is left empty either way. */
#include <openssl/ssl.h>
#include <openssl/pem.h>
#include <openssl/err.h>
#include <stdio.h>

static inline int cp_tls_fail(char *error, size_t length, const char *what) {
    unsigned long code = ERR_peek_last_error();
    char detail[200] = "";
    if (code) ERR_error_string_n(code, detail, sizeof detail);
    snprintf(error, length, "%s%s%s", what, code ? ": " : "", detail);
    ERR_clear_error();
    return -1;
}

static inline int cp_tls_configure_client(SSL_CTX *ctx, const char *trusted_pem, const char *chain_pem,
                                          const char *key_pem, char *error, size_t length) {
    ERR_clear_error();
    if (SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) != 1)
        return cp_tls_fail(error, length, "cannot require TLS 1.2");
    if (trusted_pem) {
        X509_STORE *store = SSL_CTX_get_cert_store(ctx);
        BIO *bio = BIO_new_mem_buf(trusted_pem, -1);
        if (!bio) return cp_tls_fail(error, length, "out of memory");
        int added = 0;
        X509 *certificate;
        while ((certificate = PEM_read_bio_X509(bio, NULL, NULL, NULL)) != NULL) {
            if (X509_STORE_add_cert(store, certificate) == 1) added++;
            X509_free(certificate);
        }
        BIO_free(bio);
        ERR_clear_error(); /* the read loop ends with "no start line" */
        if (added == 0) return cp_tls_fail(error, length, "no usable certificate among the trusted CAs");
    }
    if (chain_pem && key_pem) {
        BIO *bio = BIO_new_mem_buf(chain_pem, -1);
        if (!bio) return cp_tls_fail(error, length, "out of memory");
        X509 *leaf = PEM_read_bio_X509(bio, NULL, NULL, NULL);
        if (!leaf || SSL_CTX_use_certificate(ctx, leaf) != 1) {
            X509_free(leaf);
            BIO_free(bio);
            return cp_tls_fail(error, length, "the client certificate cannot be used");
        }
        X509_free(leaf);
        X509 *intermediate;
        while ((intermediate = PEM_read_bio_X509(bio, NULL, NULL, NULL)) != NULL) {
            if (SSL_CTX_add0_chain_cert(ctx, intermediate) != 1) { /* add0 owns it only on success */
                X509_free(intermediate);
                BIO_free(bio);
                return cp_tls_fail(error, length, "a client certificate chain member cannot be used");
            }
        }
        BIO_free(bio);
        ERR_clear_error();
        BIO *key_bio = BIO_new_mem_buf(key_pem, -1);
        if (!key_bio) return cp_tls_fail(error, length, "out of memory");
        EVP_PKEY *key = PEM_read_bio_PrivateKey(key_bio, NULL, NULL, NULL);
        BIO_free(key_bio);
        if (!key || SSL_CTX_use_PrivateKey(ctx, key) != 1) {
            EVP_PKEY_free(key);
            return cp_tls_fail(error, length, "the client key cannot be used");
        }
        EVP_PKEY_free(key);
        if (SSL_CTX_check_private_key(ctx) != 1)
            return cp_tls_fail(error, length, "the client key does not belong to the client certificate");
    }
    return 0;
}
#endif
