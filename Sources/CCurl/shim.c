#include <dlfcn.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include "ccurl.h"

#define CCURL_LIBRARY "libcurl.so.4"

/* ---- Loading libcurl ---- */

/* The libcurl functions Ronda calls, resolved with dlsym once. Written only inside
 * pthread_once, read after it: pthread_once orders the writes before every read. */
static struct {
    CURLcode (*global_init)(long flags);
    CURL *(*easy_init)(void);
    CURLcode (*easy_setopt)(CURL *handle, CURLoption option, ...);
    CURLcode (*easy_getinfo)(CURL *handle, CURLINFO info, ...);
    CURLcode (*easy_perform)(CURL *handle);
    void (*easy_cleanup)(CURL *handle);
    void (*easy_reset)(CURL *handle);
    const char *(*easy_strerror)(CURLcode code);
    struct curl_slist *(*slist_append)(struct curl_slist *list, const char *string);
    void (*slist_free_all)(struct curl_slist *list);
    CURLSH *(*share_init)(void);
    CURLSHcode (*share_setopt)(CURLSH *share, CURLSHoption option, ...);
    CURLSHcode (*share_cleanup)(CURLSH *share);
    /* The multi interface, driven by socket actions (events.c): optional, see
     * ccurl_multi_available. */
    CURLM *(*multi_init)(void);
    CURLMcode (*multi_cleanup)(CURLM *multi);
    CURLMcode (*multi_add_handle)(CURLM *multi, CURL *easy);
    CURLMcode (*multi_remove_handle)(CURLM *multi, CURL *easy);
    CURLMsg *(*multi_info_read)(CURLM *multi, int *queued);
    CURLMcode (*multi_setopt)(CURLM *multi, CURLMoption option, ...);
    CURLMcode (*multi_socket_action)(CURLM *multi, curl_socket_t fd, int ev_bitmask, int *running);
    CURLMcode (*multi_timeout)(CURLM *multi, long *milliseconds);
} api;

static int ccurl_multi_loaded = 0;

static pthread_once_t ccurl_once = PTHREAD_ONCE_INIT;
static CURLcode ccurl_global_result = CURLE_FAILED_INIT;
static int ccurl_loaded = 0;
static char ccurl_error[512];

#define CCURL_RESOLVE(field, symbol)                                                    \
    do {                                                                                \
        *(void **)(&api.field) = dlsym(library, symbol);                                \
        if (api.field == NULL) {                                                        \
            snprintf(ccurl_error, sizeof ccurl_error, "%s has no %s: it is not libcurl 7.x/8.x", \
                     ccurl_library_name(), symbol);                                            \
            return;                                                                     \
        }                                                                               \
    } while (0)

static void ccurl_do_global_init(void) {
    const char *name = ccurl_library_name();
    void *library = dlopen(name, RTLD_NOW | RTLD_LOCAL);
    if (library == NULL) {
        const char *why = dlerror();
        snprintf(ccurl_error, sizeof ccurl_error,
                 "cannot load libcurl (%s); install it (Debian: apt-get install libcurl4) "
                 "or point RONDA_LIBCURL at it",
                 why ? why : name);
        return;
    }
    CCURL_RESOLVE(global_init, "curl_global_init");
    CCURL_RESOLVE(easy_init, "curl_easy_init");
    CCURL_RESOLVE(easy_setopt, "curl_easy_setopt");
    CCURL_RESOLVE(easy_getinfo, "curl_easy_getinfo");
    CCURL_RESOLVE(easy_perform, "curl_easy_perform");
    CCURL_RESOLVE(easy_cleanup, "curl_easy_cleanup");
    CCURL_RESOLVE(easy_reset, "curl_easy_reset");
    CCURL_RESOLVE(easy_strerror, "curl_easy_strerror");
    CCURL_RESOLVE(slist_append, "curl_slist_append");
    CCURL_RESOLVE(slist_free_all, "curl_slist_free_all");
    CCURL_RESOLVE(share_init, "curl_share_init");
    CCURL_RESOLVE(share_setopt, "curl_share_setopt");
    CCURL_RESOLVE(share_cleanup, "curl_share_cleanup");
    *(void **)(&api.multi_init) = dlsym(library, "curl_multi_init");
    *(void **)(&api.multi_cleanup) = dlsym(library, "curl_multi_cleanup");
    *(void **)(&api.multi_add_handle) = dlsym(library, "curl_multi_add_handle");
    *(void **)(&api.multi_remove_handle) = dlsym(library, "curl_multi_remove_handle");
    *(void **)(&api.multi_info_read) = dlsym(library, "curl_multi_info_read");
    *(void **)(&api.multi_setopt) = dlsym(library, "curl_multi_setopt");
    *(void **)(&api.multi_socket_action) = dlsym(library, "curl_multi_socket_action");
    *(void **)(&api.multi_timeout) = dlsym(library, "curl_multi_timeout");
    ccurl_multi_loaded = api.multi_init && api.multi_cleanup && api.multi_add_handle && api.multi_remove_handle &&
                         api.multi_info_read &&
                         api.multi_setopt && api.multi_socket_action && api.multi_timeout;
    ccurl_global_result = api.global_init(CURL_GLOBAL_DEFAULT);
    if (ccurl_global_result != CURLE_OK) {
        snprintf(ccurl_error, sizeof ccurl_error, "curl_global_init failed: %s",
                 api.easy_strerror(ccurl_global_result));
        return;
    }
    ccurl_loaded = 1;
}

CURLcode ccurl_global_init_once(void) {
    pthread_once(&ccurl_once, ccurl_do_global_init);
    return ccurl_loaded ? CURLE_OK : CURLE_FAILED_INIT;
}

const char *ccurl_load_error(void) {
    pthread_once(&ccurl_once, ccurl_do_global_init);
    return ccurl_loaded ? NULL : ccurl_error;
}

const char *ccurl_library_name(void) {
    const char *chosen = getenv("RONDA_LIBCURL");
    return (chosen != NULL && chosen[0] != '\0') ? chosen : CCURL_LIBRARY;
}

/* ---- Plain calls (valid once ccurl_global_init_once returned CURLE_OK) ---- */

CURL *ccurl_easy_init(void) {
    return ccurl_global_init_once() == CURLE_OK ? api.easy_init() : NULL;
}

void ccurl_easy_reset(CURL *handle) {
    api.easy_reset(handle);
}

CURLcode ccurl_easy_perform(CURL *handle) {
    return api.easy_perform(handle);
}

void ccurl_easy_cleanup(CURL *handle) {
    api.easy_cleanup(handle);
}

const char *ccurl_easy_strerror(CURLcode code) {
    return ccurl_global_init_once() == CURLE_OK ? api.easy_strerror(code) : "libcurl is not loaded";
}

struct curl_slist *ccurl_slist_append(struct curl_slist *list, const char *string) {
    return ccurl_global_init_once() == CURLE_OK ? api.slist_append(list, string) : NULL;
}

void ccurl_slist_free_all(struct curl_slist *list) {
    if (list != NULL) api.slist_free_all(list);
}

/* ---- Variadic calls, once per argument type ---- */

CURLcode ccurl_setopt_long(CURL *handle, CURLoption option, long value) {
    return api.easy_setopt(handle, option, value);
}

CURLcode ccurl_setopt_pointer(CURL *handle, CURLoption option, const void *value) {
    return api.easy_setopt(handle, option, value);
}

CURLcode ccurl_setopt_off(CURL *handle, CURLoption option, curl_off_t value) {
    return api.easy_setopt(handle, option, value);
}

CURLcode ccurl_setopt_data_callback(CURL *handle, CURLoption option, ccurl_data_callback callback) {
    return api.easy_setopt(handle, option, callback);
}

CURLcode ccurl_setopt_xferinfo_callback(CURL *handle, CURLoption option, ccurl_xferinfo_callback callback) {
    return api.easy_setopt(handle, option, callback);
}

CURLcode ccurl_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *list) {
    return api.easy_setopt(handle, option, list);
}

CURLcode ccurl_setopt_mail_from(CURL *handle, const char *sender) {
    return api.easy_setopt(handle, CURLOPT_MAIL_FROM, sender);
}

CURLcode ccurl_setopt_mail_rcpt(CURL *handle, struct curl_slist *recipients) {
    return api.easy_setopt(handle, CURLOPT_MAIL_RCPT, recipients);
}

CURLcode ccurl_setopt_use_ssl(CURL *handle, curl_usessl level) {
    return api.easy_setopt(handle, CURLOPT_USE_SSL, (long)level);
}

CURLcode ccurl_setopt_upload_reader(CURL *handle, ccurl_read_callback callback, void *userdata) {
    CURLcode code = api.easy_setopt(handle, CURLOPT_UPLOAD, 1L);
    if (code != CURLE_OK) return code;
    code = api.easy_setopt(handle, CURLOPT_READFUNCTION, callback);
    if (code != CURLE_OK) return code;
    return api.easy_setopt(handle, CURLOPT_READDATA, userdata);
}

CURLcode ccurl_getinfo_long(CURL *handle, CURLINFO info, long *out) {
    return api.easy_getinfo(handle, info, out);
}

CURLcode ccurl_getinfo_off(CURL *handle, CURLINFO info, curl_off_t *out) {
    return api.easy_getinfo(handle, info, out);
}

CURLcode ccurl_getinfo_string(CURL *handle, CURLINFO info, const char **out) {
    return api.easy_getinfo(handle, info, out);
}

CURLcode ccurl_getinfo_slist(CURL *handle, CURLINFO info, struct curl_slist **out) {
    return api.easy_getinfo(handle, info, out);
}

CURLcode ccurl_getinfo_certinfo(CURL *handle, struct curl_certinfo **out) {
    return api.easy_getinfo(handle, CURLINFO_CERTINFO, out);
}

size_t ccurl_error_size(void) {
    return CURL_ERROR_SIZE;
}

/* ---- The connection share ---- */

static CURLSH *ccurl_share = NULL;
static pthread_mutex_t ccurl_share_locks[CURL_LOCK_DATA_LAST];
static pthread_once_t ccurl_share_once = PTHREAD_ONCE_INIT;

static void ccurl_share_lock(CURL *handle, curl_lock_data data, curl_lock_access access, void *userptr) {
    (void)handle; (void)access; (void)userptr;
    if (data >= 0 && data < CURL_LOCK_DATA_LAST) pthread_mutex_lock(&ccurl_share_locks[data]);
}

static void ccurl_share_unlock(CURL *handle, curl_lock_data data, void *userptr) {
    (void)handle; (void)userptr;
    if (data >= 0 && data < CURL_LOCK_DATA_LAST) pthread_mutex_unlock(&ccurl_share_locks[data]);
}

static void ccurl_share_init(void) {
    if (ccurl_global_init_once() != CURLE_OK) return;
    for (int i = 0; i < CURL_LOCK_DATA_LAST; i++) pthread_mutex_init(&ccurl_share_locks[i], NULL);
    CURLSH *share = api.share_init();
    if (share == NULL) return;
    if (api.share_setopt(share, CURLSHOPT_LOCKFUNC, ccurl_share_lock) != CURLSHE_OK ||
        api.share_setopt(share, CURLSHOPT_UNLOCKFUNC, ccurl_share_unlock) != CURLSHE_OK ||
        api.share_setopt(share, CURLSHOPT_SHARE, CURL_LOCK_DATA_CONNECT) != CURLSHE_OK ||
        api.share_setopt(share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS) != CURLSHE_OK ||
        api.share_setopt(share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION) != CURLSHE_OK) {
        api.share_cleanup(share);
        return;
    }
    ccurl_share = share;
}

CURLSH *ccurl_connection_share(void) {
    pthread_once(&ccurl_share_once, ccurl_share_init);
    return ccurl_share;
}

/* ---- A session's own connection cache ---- */

CURLSH *ccurl_private_share(void) {
    if (ccurl_global_init_once() != CURLE_OK) return NULL;
    CURLSH *share = api.share_init();
    if (share == NULL) return NULL;
    if (api.share_setopt(share, CURLSHOPT_SHARE, CURL_LOCK_DATA_CONNECT) != CURLSHE_OK) {
        api.share_cleanup(share);
        return NULL;
    }
    return share;
}

void ccurl_share_free(CURLSH *share) {
    if (share != NULL) api.share_cleanup(share);
}

/* ---- The multi interface ---- */

int ccurl_multi_available(void) {
    return ccurl_global_init_once() == CURLE_OK && ccurl_multi_loaded;
}

CURLM *ccurl_multi_init(void) {
    if (!ccurl_multi_available()) return NULL;
    CURLM *multi = api.multi_init();
    /* Pooled connections on the multi transport stay in the multi's own cache (one per loop
     * thread, so no lock); a session that keeps its own connections has a private share. A cache
     * this size never closes a connection a session is about to reuse. */
    if (multi != NULL) api.multi_setopt(multi, CURLMOPT_MAXCONNECTS, 256L);
    return multi;
}

void ccurl_multi_cleanup(CURLM *multi) {
    api.multi_cleanup(multi);
}

CURLMcode ccurl_multi_add_handle(CURLM *multi, CURL *easy) {
    return api.multi_add_handle(multi, easy);
}

CURLMcode ccurl_multi_remove_handle(CURLM *multi, CURL *easy) {
    return api.multi_remove_handle(multi, easy);
}

CURLMcode ccurl_multi_set_event_callbacks(CURLM *multi, curl_socket_callback sockets, curl_multi_timer_callback timer,
                                          void *userp) {
    CURLMcode code = api.multi_setopt(multi, CURLMOPT_SOCKETFUNCTION, sockets);
    if (code == CURLM_OK) code = api.multi_setopt(multi, CURLMOPT_SOCKETDATA, userp);
    if (code == CURLM_OK) code = api.multi_setopt(multi, CURLMOPT_TIMERFUNCTION, timer);
    if (code == CURLM_OK) code = api.multi_setopt(multi, CURLMOPT_TIMERDATA, userp);
    return code;
}

CURLMcode ccurl_multi_socket_action(CURLM *multi, curl_socket_t fd, int bits, int *running) {
    return api.multi_socket_action(multi, fd, bits, running);
}

CURLMcode ccurl_multi_timeout(CURLM *multi, long *milliseconds) {
    return api.multi_timeout(multi, milliseconds);
}

int ccurl_multi_next_done(CURLM *multi, CURL **easy, CURLcode *result) {
    int queued = 0;
    CURLMsg *message;
    while ((message = api.multi_info_read(multi, &queued)) != NULL) {
        if (message->msg == CURLMSG_DONE) {
            *easy = message->easy_handle;
            *result = message->data.result;
            return 1;
        }
    }
    return 0;
}

/* ---- The sockets libcurl opens and closes ---- */

/* libcurl 7.88 opens its sockets without SOCK_CLOEXEC: a process that spawns a child (a test
 * starting PostgreSQL, `ronda` running a hook) would hand every open connection to it. The
 * open and close are also counted for the event loops (events.c). */
static int ccurl_socket_opened_hook(void *userdata, curl_socket_t fd, curlsocktype purpose) {
    (void)userdata; (void)purpose;
    int flags = fcntl(fd, F_GETFD);
    if (flags >= 0) fcntl(fd, F_SETFD, flags | FD_CLOEXEC);
    ccurl_socket_opened(fd);
    return CURL_SOCKOPT_OK;
}

CURLcode ccurl_setopt_socket_hooks(CURL *handle) {
    CURLcode code = api.easy_setopt(handle, CURLOPT_SOCKOPTFUNCTION, ccurl_socket_opened_hook);
    if (code != CURLE_OK) return code;
    return api.easy_setopt(handle, CURLOPT_CLOSESOCKETFUNCTION, ccurl_socket_close);
}
