#include <errno.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>
#include "ccurl.h"

/* ---- Which socket an fd number is ----
 *
 * One counter per fd number, process-wide: odd while a socket libcurl opened (it passed the
 * CURLOPT_SOCKOPTFUNCTION hook) holds the number, even once libcurl closed it (the
 * CURLOPT_CLOSESOCKETFUNCTION hook) or for a descriptor it made otherwise (the threaded
 * resolver's socket pair). A loop keeps a connection's socket in its epoll set between two
 * transfers only while the counter still reads what it read when it registered it: a number
 * closed and given to a new socket (whose registration the kernel dropped with the old one)
 * is never taken for one still watched. Numbers past the table are never kept. */
#define CCURL_TRACKED_FDS 65536
static _Atomic uint32_t ccurl_fd_generation[CCURL_TRACKED_FDS];

static uint32_t ccurl_generation(curl_socket_t fd) {
    if (fd < 0 || fd >= CCURL_TRACKED_FDS) return 0;
    return atomic_load(&ccurl_fd_generation[fd]);
}

void ccurl_socket_opened(curl_socket_t fd) {
    if (fd < 0 || fd >= CCURL_TRACKED_FDS) return;
    uint32_t now = atomic_load(&ccurl_fd_generation[fd]);
    /* Odd from here on: a socket libcurl opened. */
    atomic_store(&ccurl_fd_generation[fd], (now | 1u) + ((now & 1u) ? 2u : 0u));
}

int ccurl_socket_close(void *clientp, curl_socket_t fd) {
    (void)clientp;
    if (fd >= 0 && fd < CCURL_TRACKED_FDS) {
        uint32_t now = atomic_load(&ccurl_fd_generation[fd]);
        /* Even before the number can be handed out again. */
        atomic_store(&ccurl_fd_generation[fd], (now + 1u) & ~1u);
    }
    return close(fd);
}

/* ---- The loop's events ---- */

/* The key the wakeup eventfd is registered under in the events' data (no socket's key). */
#define CCURL_WAKEUP_KEY UINT64_MAX
#define CCURL_MAX_EVENTS 256

/* What the loop knows of one fd number. */
struct ccurl_slot {
    /* The epoll events it is registered with (0: not registered). */
    uint32_t registered;
    /* The generation it was registered under. */
    uint32_t generation;
    /* Whether libcurl wants it watched now. */
    uint8_t wanted;
};

struct ccurl_events {
    CURLM *multi;
    int epoll;
    int wakeup;
    /* Per fd number, `capacity` of them. */
    struct ccurl_slot *slots;
    size_t capacity;
    /* libcurl's next deadline (CLOCK_MONOTONIC, µs), or -1 for none. */
    int64_t deadline;
    /* Events waited for and not yet handed to libcurl, and how many of them are sockets. */
    struct epoll_event ready[CCURL_MAX_EVENTS];
    int readyCount;
    int readySockets;
    /* epoll_ctl calls for sockets, read by other threads (tests, metrics). */
    _Atomic long controls;
};

static int64_t ccurl_now_us(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (int64_t)now.tv_sec * 1000000 + now.tv_nsec / 1000;
}

static void ccurl_set_deadline(struct ccurl_events *events, long timeout_ms) {
    events->deadline = timeout_ms < 0 ? -1 : ccurl_now_us() + (int64_t)timeout_ms * 1000;
}

static int ccurl_control(struct ccurl_events *events, int op, curl_socket_t fd, struct epoll_event *event) {
    atomic_fetch_add_explicit(&events->controls, 1, memory_order_relaxed);
    return epoll_ctl(events->epoll, op, fd, event);
}

long ccurl_events_control_calls(struct ccurl_events *events) {
    return atomic_load_explicit(&events->controls, memory_order_relaxed);
}

static int ccurl_events_reserve(struct ccurl_events *events, curl_socket_t fd) {
    if ((size_t)fd < events->capacity) return 1;
    size_t capacity = events->capacity ? events->capacity : 64;
    while (capacity <= (size_t)fd) capacity *= 2;
    struct ccurl_slot *slots = realloc(events->slots, capacity * sizeof *slots);
    if (slots == NULL) return 0;
    memset(slots + events->capacity, 0, (capacity - events->capacity) * sizeof *slots);
    events->slots = slots;
    events->capacity = capacity;
    return 1;
}

static uint64_t ccurl_key(curl_socket_t fd, uint32_t generation) {
    return ((uint64_t)generation << 32) | (uint32_t)fd;
}

/* Registers `fd` for `mask` unless it is registered so already (same socket, same events). */
static void ccurl_watch(struct ccurl_events *events, curl_socket_t fd, uint32_t mask) {
    struct ccurl_slot *slot = &events->slots[fd];
    uint32_t generation = ccurl_generation(fd);
    int known = slot->registered != 0 && slot->generation == generation;
    /* A descriptor libcurl did not open through the hook (even generation) may have been
     * closed and reused unseen: it is registered again every time. */
    if (known && (generation & 1u) && slot->registered == mask) return;
    struct epoll_event event = {.events = mask, .data.u64 = ccurl_key(fd, generation)};
    if (ccurl_control(events, known ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, fd, &event) != 0) {
        int op = errno == EEXIST ? EPOLL_CTL_MOD : EPOLL_CTL_ADD;
        if (ccurl_control(events, op, fd, &event) != 0) {
            slot->registered = 0;
            return;
        }
    }
    slot->registered = mask;
    slot->generation = generation;
}

static void ccurl_unwatch(struct ccurl_events *events, curl_socket_t fd) {
    struct ccurl_slot *slot = &events->slots[fd];
    if (slot->registered != 0 && slot->generation == ccurl_generation(fd)) {
        ccurl_control(events, EPOLL_CTL_DEL, fd, NULL);
    }
    slot->registered = 0;
}

/* A connection's socket that libcurl stops watching when its transfer ends stays registered:
 * the next transfer on that connection asks for it again, and two epoll_ctl calls per request
 * are saved. If it fires meanwhile (the server closed it), the loop drops it then (see
 * ccurl_events_drive). */
int ccurl_events_socket_changed(struct ccurl_events *events, curl_socket_t fd, int what) {
    if (fd < 0 || !ccurl_events_reserve(events, fd)) return -1;
    if (what == CURL_POLL_REMOVE) {
        events->slots[fd].wanted = 0;
        if (!(ccurl_generation(fd) & 1u)) ccurl_unwatch(events, fd);
        return 0;
    }
    uint32_t mask = 0;
    if (what & CURL_POLL_IN) mask |= EPOLLIN;
    if (what & CURL_POLL_OUT) mask |= EPOLLOUT;
    events->slots[fd].wanted = 1;
    ccurl_watch(events, fd, mask);
    return 0;
}

/* CURLMOPT_SOCKETFUNCTION. */
static int ccurl_socket_callback(CURL *easy, curl_socket_t fd, int what, void *userp, void *socketp) {
    (void)easy; (void)socketp;
    return ccurl_events_socket_changed(userp, fd, what);
}

/* CURLMOPT_TIMERFUNCTION: -1 deletes the deadline, 0 asks to be driven at once. */
static int ccurl_timer_callback(CURLM *multi, long timeout_ms, void *userp) {
    (void)multi;
    ccurl_set_deadline(userp, timeout_ms);
    return 0;
}

struct ccurl_events *ccurl_events_new(CURLM *multi) {
    struct ccurl_events *events = calloc(1, sizeof *events);
    if (events == NULL) return NULL;
    events->multi = multi;
    events->deadline = -1;
    events->epoll = epoll_create1(EPOLL_CLOEXEC);
    events->wakeup = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    struct epoll_event event = {.events = EPOLLIN, .data.u64 = CCURL_WAKEUP_KEY};
    if (events->epoll < 0 || events->wakeup < 0 ||
        epoll_ctl(events->epoll, EPOLL_CTL_ADD, events->wakeup, &event) != 0 ||
        ccurl_multi_set_event_callbacks(multi, ccurl_socket_callback, ccurl_timer_callback, events) != CURLM_OK) {
        if (events->epoll >= 0) close(events->epoll);
        if (events->wakeup >= 0) close(events->wakeup);
        free(events);
        return NULL;
    }
    return events;
}

void ccurl_events_free(struct ccurl_events *events) {
    close(events->epoll);
    close(events->wakeup);
    free(events->slots);
    free(events);
}

void ccurl_events_wakeup(struct ccurl_events *events) {
    uint64_t one = 1;
    ssize_t written = write(events->wakeup, &one, sizeof one);
    (void)written; /* EAGAIN: the counter is full, so a wakeup is pending anyway. */
}

int ccurl_events_wait(struct ccurl_events *events, int timeout_ms) {
    if (events->readyCount > 0) return events->readySockets;
    if (events->deadline >= 0 && timeout_ms > 0) {
        /* Rounded up: waking before the deadline would find nothing due. */
        int64_t left = (events->deadline - ccurl_now_us() + 999) / 1000;
        if (left < timeout_ms) timeout_ms = left < 0 ? 0 : (int)left;
    }
    int count = epoll_wait(events->epoll, events->ready, CCURL_MAX_EVENTS, timeout_ms);
    events->readyCount = count < 0 ? 0 : count;
    events->readySockets = 0;
    for (int i = 0; i < events->readyCount; i++) {
        if (events->ready[i].data.u64 != CCURL_WAKEUP_KEY) events->readySockets++;
    }
    return events->readySockets;
}

void ccurl_events_drive(struct ccurl_events *events) {
    int count = events->readyCount;
    events->readyCount = 0;
    events->readySockets = 0;
    int running = 0;
    for (int i = 0; i < count; i++) {
        uint64_t key = events->ready[i].data.u64;
        if (key == CCURL_WAKEUP_KEY) {
            uint64_t value;
            ssize_t got = read(events->wakeup, &value, sizeof value);
            (void)got;
            continue;
        }
        curl_socket_t fd = (curl_socket_t)(uint32_t)key;
        uint32_t generation = (uint32_t)(key >> 32);
        /* Closed (and perhaps reused) since the event was read, or no longer registered. */
        if ((size_t)fd >= events->capacity || generation != ccurl_generation(fd) || events->slots[fd].registered == 0) {
            continue;
        }
        if (!events->slots[fd].wanted) {
            /* A kept connection fired between two transfers: libcurl finds it closed when it
             * checks it before reuse. Until then it is not watched. */
            ccurl_unwatch(events, fd);
            continue;
        }
        uint32_t fired = events->ready[i].events;
        int bits = 0;
        if (fired & (EPOLLIN | EPOLLHUP | EPOLLRDHUP)) bits |= CURL_CSELECT_IN;
        if (fired & EPOLLOUT) bits |= CURL_CSELECT_OUT;
        if (fired & EPOLLERR) bits |= CURL_CSELECT_ERR;
        ccurl_multi_socket_action(events->multi, fd, bits, &running);
    }
    if (events->deadline >= 0 && events->deadline <= ccurl_now_us()) {
        ccurl_multi_socket_action(events->multi, CURL_SOCKET_TIMEOUT, 0, &running);
        /* libcurl calls the timer callback only when its next deadline changed; ask it, in case
         * the one just passed was not due yet by its own clock. */
        long next = -1;
        if (ccurl_multi_timeout(events->multi, &next) == CURLM_OK) ccurl_set_deadline(events, next);
    }
}
