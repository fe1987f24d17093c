// CCurl — libcurl, loaded on first use, behind typed, non-variadic wrappers.
//
// libcurl is not linked: `ccurl_global_init_once` opens libcurl.so.4 with dlopen
// the first time a request needs it. libcurl pulls in some twenty libraries
// (OpenSSL, GnuTLS, Kerberos, LDAP, SSH, ...) whose loading and relocation cost
// an idle `ronda worker` about 5 MB of resident memory; a process that never
// sends a request (a coordinator, `ronda stats`, an idle worker) never loads them.
//
// Swift cannot call C variadic functions, so `curl_easy_setopt` and
// `curl_easy_getinfo` are wrapped once per argument type. Only the types and
// constants of <curl/curl.h> (CURLoption, CURLINFO, CURLcode, ...) are used from
// Swift directly; every call goes through a `ccurl_` function below. Calling
// libcurl's own functions from Swift would not link.
#ifndef RONDA_CCURL_H
#define RONDA_CCURL_H

#include <curl/curl.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Signature shared by CURLOPT_WRITEFUNCTION and CURLOPT_HEADERFUNCTION.
typedef size_t (*ccurl_data_callback)(char *ptr, size_t size, size_t nmemb, void *userdata);

/// Signature of CURLOPT_XFERINFOFUNCTION. Return non-zero to abort the transfer.
typedef int (*ccurl_xferinfo_callback)(void *clientp, curl_off_t dltotal, curl_off_t dlnow,
                                       curl_off_t ultotal, curl_off_t ulnow);

/// Signature of CURLOPT_READFUNCTION: fill `buffer` with up to `size * nitems` bytes and return
/// how many were written (0 at the end of the upload, CURL_READFUNC_ABORT to abort).
typedef size_t (*ccurl_read_callback)(char *buffer, size_t size, size_t nitems, void *userdata);

/// Loads libcurl and calls `curl_global_init(CURL_GLOBAL_DEFAULT)` exactly once per
/// process (guarded by `pthread_once`) and returns its result; later calls return the
/// first result without calling curl again. CURLE_FAILED_INIT when libcurl cannot be
/// loaded (see `ccurl_load_error`). Safe from any thread. Call it (successfully) before
/// any other `ccurl_` function.
CURLcode ccurl_global_init_once(void);

/// Why libcurl could not be loaded or initialized, or NULL when it was.
const char *ccurl_load_error(void);

/// The library `ccurl_global_init_once` opens: $RONDA_LIBCURL when set (a file name or path),
/// else libcurl.so.4.
const char *ccurl_library_name(void);

/// `curl_easy_init`; NULL if libcurl is not loaded.
CURL *ccurl_easy_init(void);
/// `curl_easy_reset`.
void ccurl_easy_reset(CURL *handle);
/// `curl_easy_perform`; blocks the calling thread for the whole transfer.
CURLcode ccurl_easy_perform(CURL *handle);
/// `curl_easy_cleanup`.
void ccurl_easy_cleanup(CURL *handle);
/// `curl_easy_strerror`; a fixed text when libcurl is not loaded.
const char *ccurl_easy_strerror(CURLcode code);
/// `curl_slist_append`; NULL if libcurl is not loaded or out of memory.
struct curl_slist *ccurl_slist_append(struct curl_slist *list, const char *string);
/// `curl_slist_free_all`; accepts NULL.
void ccurl_slist_free_all(struct curl_slist *list);

/// `curl_easy_setopt` for options taking a `long`.
CURLcode ccurl_setopt_long(CURL *handle, CURLoption option, long value);
/// `curl_easy_setopt` for options taking a string (curl copies it, except
/// CURLOPT_POSTFIELDS) or an opaque pointer (WRITEDATA, HEADERDATA, ...).
CURLcode ccurl_setopt_pointer(CURL *handle, CURLoption option, const void *value);
/// `curl_easy_setopt` for options taking a `curl_off_t` (the *_LARGE options).
CURLcode ccurl_setopt_off(CURL *handle, CURLoption option, curl_off_t value);
/// `curl_easy_setopt` for CURLOPT_WRITEFUNCTION / CURLOPT_HEADERFUNCTION.
CURLcode ccurl_setopt_data_callback(CURL *handle, CURLoption option, ccurl_data_callback callback);
/// `curl_easy_setopt` for CURLOPT_XFERINFOFUNCTION.
CURLcode ccurl_setopt_xferinfo_callback(CURL *handle, CURLoption option, ccurl_xferinfo_callback callback);

/// `curl_easy_setopt` for options taking a `struct curl_slist *` (CURLOPT_HTTPHEADER,
/// CURLOPT_MAIL_RCPT). curl does not copy the list: keep it alive until the transfer ends.
CURLcode ccurl_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *list);

/* ---- SMTP (mail) ---- */

/// CURLOPT_MAIL_FROM: the envelope sender, e.g. `<ronda@example.com>` (curl copies it).
CURLcode ccurl_setopt_mail_from(CURL *handle, const char *sender);
/// CURLOPT_MAIL_RCPT: the envelope recipients, one `<address>` per node (not copied).
CURLcode ccurl_setopt_mail_rcpt(CURL *handle, struct curl_slist *recipients);
/// CURLOPT_USE_SSL: CURLUSESSL_NONE, _TRY, _CONTROL or _ALL (STARTTLS required for smtp://).
CURLcode ccurl_setopt_use_ssl(CURL *handle, curl_usessl level);
/// CURLOPT_UPLOAD on, with CURLOPT_READFUNCTION `callback` and CURLOPT_READDATA `userdata`:
/// curl reads the data to send (the message, for SMTP) through the callback.
CURLcode ccurl_setopt_upload_reader(CURL *handle, ccurl_read_callback callback, void *userdata);

/// `curl_easy_getinfo` for CURLINFO_LONG values.
CURLcode ccurl_getinfo_long(CURL *handle, CURLINFO info, long *out);
/// `curl_easy_getinfo` for CURLINFO_OFF_T values (the *_TIME_T timings, in microseconds).
CURLcode ccurl_getinfo_off(CURL *handle, CURLINFO info, curl_off_t *out);
/// `curl_easy_getinfo` for CURLINFO_STRING values. The string is owned by the handle.
CURLcode ccurl_getinfo_string(CURL *handle, CURLINFO info, const char **out);
/// `curl_easy_getinfo` for CURLINFO_SLIST values. Free the list with `curl_slist_free_all`.
CURLcode ccurl_getinfo_slist(CURL *handle, CURLINFO info, struct curl_slist **out);

/// `curl_easy_getinfo` for CURLINFO_CERTINFO. The list is owned by the handle (valid until
/// the next transfer or reset); set CURLOPT_CERTINFO before the transfer.
CURLcode ccurl_getinfo_certinfo(CURL *handle, struct curl_certinfo **out);

/// The process-wide share handle through which sessions on the threads transport pool
/// connections, the DNS cache and TLS sessions (never cookies: each session keeps its own jar);
/// on the multi transport each loop's multi handle pools them, without locks. Created once, thread-safe
/// (one mutex per lock type), never freed. NULL if curl could not create it.
CURLSH *ccurl_connection_share(void);

/// A new share holding only a connection cache, for one session's handle: in a multi handle,
/// an easy handle without a connection share would use the multi's cache, shared with every
/// other session on that loop. No locking: the session runs one request at a time. NULL if
/// curl could not create it. Free it with `ccurl_share_free` after the handle's cleanup.
CURLSH *ccurl_private_share(void);
/// `curl_share_cleanup`; accepts NULL.
void ccurl_share_free(CURLSH *share);

/// CURLOPT_SOCKOPTFUNCTION and CURLOPT_CLOSESOCKETFUNCTION: every socket the handle opens is
/// marked close-on-exec, and its opening and closing are recorded for the event loops (see
/// `ccurl_events_new`).
CURLcode ccurl_setopt_socket_hooks(CURL *handle);
/// Records that libcurl opened socket `fd` (called by the hook above).
void ccurl_socket_opened(curl_socket_t fd);
/// CURLOPT_CLOSESOCKETFUNCTION: records the close, then closes `fd`.
int ccurl_socket_close(void *clientp, curl_socket_t fd);

/* ---- The multi interface (one event-loop thread drives many transfers) ---- */

/// Whether the loaded libcurl has the multi functions Ronda needs (socket actions and timers,
/// any libcurl 7.x/8.x).
int ccurl_multi_available(void);
/// `curl_multi_init` with CURLMOPT_MAXCONNECTS 256; NULL when unavailable.
CURLM *ccurl_multi_init(void);
/// `curl_multi_cleanup`.
void ccurl_multi_cleanup(CURLM *multi);
/// `curl_multi_add_handle`.
CURLMcode ccurl_multi_add_handle(CURLM *multi, CURL *easy);
/// `curl_multi_remove_handle`.
CURLMcode ccurl_multi_remove_handle(CURLM *multi, CURL *easy);
/// CURLMOPT_SOCKETFUNCTION/SOCKETDATA and CURLMOPT_TIMERFUNCTION/TIMERDATA.
CURLMcode ccurl_multi_set_event_callbacks(CURLM *multi, curl_socket_callback sockets, curl_multi_timer_callback timer,
                                          void *userp);
/// `curl_multi_socket_action`.
CURLMcode ccurl_multi_socket_action(CURLM *multi, curl_socket_t fd, int bits, int *running);
/// `curl_multi_timeout`.
CURLMcode ccurl_multi_timeout(CURLM *multi, long *milliseconds);
/// The next finished transfer from `curl_multi_info_read`: 1 with `easy` and `result` set, or 0.
int ccurl_multi_next_done(CURLM *multi, CURL **easy, CURLcode *result);

/* ---- A multi handle driven by its loop's own epoll set ---- */

/// The sockets, deadline and wakeup of one multi handle, driven with `curl_multi_socket_action`
/// instead of `curl_multi_perform`: libcurl then reads a transfer's socket only when epoll says
/// it is ready (no readiness poll of every transfer on every pass), and a connection's socket
/// stays registered from one transfer to the next. Used by one thread, but for
/// `ccurl_events_wakeup`.
typedef struct ccurl_events ccurl_events;
/// Takes over `multi`'s socket and timer callbacks. NULL if epoll or eventfd failed.
ccurl_events *ccurl_events_new(CURLM *multi);
/// Frees the events; call after `curl_multi_cleanup` of their multi handle.
void ccurl_events_free(ccurl_events *events);
/// Ends a `ccurl_events_wait` at once, or the next one: any thread.
void ccurl_events_wakeup(ccurl_events *events);
/// Waits up to `timeout_ms` (less when libcurl's next deadline is sooner; 0: does not wait)
/// for sockets or a wakeup, and keeps what it found for `ccurl_events_drive`. Returns how many
/// sockets are ready, counting those found by an earlier wait and not driven yet (then it does
/// not wait).
int ccurl_events_wait(ccurl_events *events, int timeout_ms);
/// Hands the sockets found ready to libcurl and runs its timers that are due.
void ccurl_events_drive(ccurl_events *events);
/// What libcurl's socket callback does: `what` is CURL_POLL_IN, _OUT, _INOUT or _REMOVE for
/// `fd`. Public for tests, which play libcurl's part. 0, or -1 when out of memory.
int ccurl_events_socket_changed(ccurl_events *events, curl_socket_t fd, int what);
/// How many times the events added, changed or removed a socket in their epoll set: any thread.
long ccurl_events_control_calls(ccurl_events *events);

/// Size of the buffer CURLOPT_ERRORBUFFER expects (CURL_ERROR_SIZE, a macro Swift cannot see).
size_t ccurl_error_size(void);

#ifdef __cplusplus
}
#endif

#endif /* RONDA_CCURL_H */
