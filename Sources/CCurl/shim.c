#include <pthread.h>
#include "ccurl.h"

static pthread_once_t ccurl_once = PTHREAD_ONCE_INIT;
static CURLcode ccurl_global_result = CURLE_FAILED_INIT;

static void ccurl_do_global_init(void) {
    ccurl_global_result = curl_global_init(CURL_GLOBAL_DEFAULT);
}

CURLcode ccurl_global_init_once(void) {
    pthread_once(&ccurl_once, ccurl_do_global_init);
    return ccurl_global_result;
}

CURLcode ccurl_setopt_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}

CURLcode ccurl_setopt_pointer(CURL *handle, CURLoption option, const void *value) {
    return curl_easy_setopt(handle, option, value);
}

CURLcode ccurl_setopt_off(CURL *handle, CURLoption option, curl_off_t value) {
    return curl_easy_setopt(handle, option, value);
}

CURLcode ccurl_setopt_data_callback(CURL *handle, CURLoption option, ccurl_data_callback callback) {
    return curl_easy_setopt(handle, option, callback);
}

CURLcode ccurl_setopt_xferinfo_callback(CURL *handle, CURLoption option, ccurl_xferinfo_callback callback) {
    return curl_easy_setopt(handle, option, callback);
}

CURLcode ccurl_getinfo_long(CURL *handle, CURLINFO info, long *out) {
    return curl_easy_getinfo(handle, info, out);
}

CURLcode ccurl_getinfo_off(CURL *handle, CURLINFO info, curl_off_t *out) {
    return curl_easy_getinfo(handle, info, out);
}

CURLcode ccurl_getinfo_string(CURL *handle, CURLINFO info, const char **out) {
    return curl_easy_getinfo(handle, info, out);
}

CURLcode ccurl_getinfo_slist(CURL *handle, CURLINFO info, struct curl_slist **out) {
    return curl_easy_getinfo(handle, info, out);
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
    CURLSH *share = curl_share_init();
    if (share == NULL) return;
    if (curl_share_setopt(share, CURLSHOPT_LOCKFUNC, ccurl_share_lock) != CURLSHE_OK ||
        curl_share_setopt(share, CURLSHOPT_UNLOCKFUNC, ccurl_share_unlock) != CURLSHE_OK ||
        curl_share_setopt(share, CURLSHOPT_SHARE, CURL_LOCK_DATA_CONNECT) != CURLSHE_OK ||
        curl_share_setopt(share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS) != CURLSHE_OK ||
        curl_share_setopt(share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION) != CURLSHE_OK) {
        curl_share_cleanup(share);
        return;
    }
    ccurl_share = share;
}

CURLSH *ccurl_connection_share(void) {
    pthread_once(&ccurl_share_once, ccurl_share_init);
    return ccurl_share;
}
