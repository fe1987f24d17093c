import CCurl
import Foundation
import RondaRuntime
import Synchronization

/// The cancel flag of one transfer, shared by the task that sends it, curl's callbacks and the
/// event loop.
final class CancelFlag: Sendable {
    private let value = Atomic<Bool>(false)

    /// Sets the flag. Sequentially consistent: see ``CurlMultiLoop/cancel(_:)``.
    func set() { value.store(true, ordering: .sequentiallyConsistent) }

    var isSet: Bool { value.load(ordering: .sequentiallyConsistent) }
}

/// One event-loop thread that drives many transfers through a libcurl multi handle.
///
/// A task hands the loop a configured easy handle with ``perform(_:cancel:)`` and suspends on a
/// continuation; the loop adds the handle to its multi handle, hands curl the sockets its epoll
/// set finds ready (`curl_multi_socket_action`, see ``CurlMulti``) until curl reports the
/// transfer done, removes the handle and resumes the task with curl's result. No thread blocks
/// per request: one loop thread waits on every socket at once, and completions that arrive
/// together are handed back in one pass.
///
/// Timeouts are curl's (CURLOPT_TIMEOUT_MS and CURLOPT_CONNECTTIMEOUT_MS hold in a multi
/// handle too; the loop's wait ends at curl's next deadline). Cancellation is immediate: the
/// loop removes a cancelled transfer's handle on its next pass and resumes its task with
/// CURLE_ABORTED_BY_CALLBACK.
///
/// The thread and the multi handle are made on the first transfer, so a process that never
/// sends a request never loads libcurl; they end when the loop is released.
final class CurlMultiLoop: Sendable {
    /// What a task hands the loop.
    struct Submission: Sendable {
        let id: UInt64
        let easy: CurlEasy
        let cancel: CancelFlag
        let continuation: CheckedContinuation<CURLcode, Never>
    }

    private let core: Core
    private let nextID = Atomic<UInt64>(1)
    /// Tasks placed on this loop by ``CurlExecutor/onLoop(_:)`` and not finished.
    let residents = Atomic<Int>(0)

    /// Names the thread `name` when it starts.
    init(name: String) {
        core = Core(name: name)
    }

    deinit {
        // Every transfer in flight holds its session, which holds the executor that holds this
        // loop: none is left, so the thread may stop at once.
        core.stop()
    }

    /// Runs the transfer configured on `easy` and returns curl's result once it ended. The
    /// handle must not be in any multi handle; it is out of this one again when this returns.
    /// Returns CURLE_FAILED_INIT without running when libcurl has no multi interface.
    func perform(_ easy: CurlEasy, cancel: CancelFlag, started: (UInt64) -> Void) async -> CURLcode {
        let id = nextID.add(1, ordering: .relaxed).oldValue
        started(id)
        return await withCheckedContinuation { continuation in
            core.submit(Submission(id: id, easy: easy, cancel: cancel, continuation: continuation))
        }
    }

    /// Aborts transfer `id` if it is still running: the loop removes its handle on its next pass.
    ///
    /// The caller sets the transfer's ``CancelFlag`` first. A cancellation that reaches the loop
    /// before the transfer does is dropped, but the loop reads the flag when it adds a
    /// transfer, and the flag's sequentially consistent store and load order it against the
    /// `started` id the sender recorded: one of the two always sees the other.
    func cancel(_ id: UInt64) {
        core.cancel(id)
    }

    /// Transfers added to the multi handle and not yet finished (for tests and metrics).
    var inFlight: Int { core.inFlight }

    /// How many times the loop added, changed or removed a socket in its epoll set (for tests:
    /// requests on a kept connection cost none).
    var socketRegistrations: Int { core.socketRegistrations }

    /// The loop as a task executor: a task that prefers it runs on the loop's thread, so the
    /// requests it sends and the completions that resume it never cross threads.
    var taskExecutor: any TaskExecutor { core }
}

extension CurlMultiLoop {
    /// The state the thread and the submitting tasks share. The loop object owns it; the thread
    /// holds it too, so releasing the loop can stop the thread.
    final class Core: Sendable {
        private struct State {
            /// Jobs of tasks that prefer this loop as their executor, to run on its thread.
            var jobs: [UnownedJob] = []
            var submissions: [Submission] = []
            var cancellations: [UInt64] = []
            /// The multi handle, once the thread was started.
            var multi: CurlMulti?
            var stopping = false
            /// The thread ended (after `stopping`); nothing starts it again.
            var stopped = false
            /// The thread is in (or about to enter) its wait for sockets and needs a wakeup.
            var polling = false
            var inFlight = 0
        }

        private let name: String
        private let state = Mutex(State())

        init(name: String) {
            self.name = name
        }

        var inFlight: Int { state.withLock { $0.inFlight } }

        var socketRegistrations: Int {
            state.withLock { state in state.multi.map { Int(ccurl_events_control_calls($0.events)) } ?? 0 }
        }

        // Wakeups are sent under the lock: the thread clears `multi` under it before freeing the
        // handle, so a wakeup never reaches a freed one.

        func submit(_ submission: Submission) {
            let (accepted, start) = state.withLock { state -> (Bool, CurlMulti?) in
                let start = Self.startIfNeeded(&state)
                guard state.multi != nil else { return (false, nil) }
                state.submissions.append(submission)
                state.inFlight += 1
                Self.wake(&state)
                return (true, start)
            }
            if let start { launch(start) }
            if !accepted { submission.continuation.resume(returning: CURLE_FAILED_INIT) }
        }

        /// Queues a job of a task that prefers this loop; the loop's thread runs it between
        /// passes over its transfers. From the loop's own thread (a continuation it resumed) no
        /// wakeup is needed: the thread is not polling.
        ///
        /// A loop with no thread to run it — stopped because the loop was released while a task
        /// still prefers it, or never started because libcurl has no multi handle to give — hands
        /// the job to Swift's global executor instead, so the task still runs (its transfers then
        /// fail with CURLE_FAILED_INIT, as ``submit(_:)`` answers) and no job is lost.
        func enqueueJob(_ job: UnownedJob) {
            let (accepted, start) = state.withLock { state -> (Bool, CurlMulti?) in
                let start = Self.startIfNeeded(&state)
                guard state.multi != nil else { return (false, nil) }
                state.jobs.append(job)
                Self.wake(&state)
                return (true, start)
            }
            if let start { launch(start) }
            if !accepted { globalConcurrentExecutor.enqueue(ExecutorJob(job)) }
        }

        /// Makes the multi handle on first use; the caller starts the thread with it (outside the
        /// lock). `nil` when it exists already or cannot be made (then `state.multi` stays nil).
        private static func startIfNeeded(_ state: inout State) -> CurlMulti? {
            guard state.multi == nil, !state.stopping, !state.stopped, let multi = CurlMulti.make() else { return nil }
            state.multi = multi
            return multi
        }

        private func launch(_ multi: CurlMulti) {
            let name = self.name
            let thread = Thread {
                nameCurrentThread(name)
                self.run(multi)
            }
            thread.start()
        }

        func cancel(_ id: UInt64) {
            state.withLock { state in
                guard state.multi != nil else { return }
                state.cancellations.append(id)
                Self.wake(&state)
            }
        }

        func stop() {
            state.withLock { state in
                state.stopping = true
                Self.wake(&state)
            }
        }

        /// Wakes the thread if it is waiting (or about to wait) for sockets; one
        /// wakeup serves everything queued until the thread runs again. Call under the lock.
        private static func wake(_ state: inout State) {
            guard state.polling, let multi = state.multi else { return }
            state.polling = false
            multi.wakeup()
        }

        // MARK: The thread

        private struct Running {
            var id: UInt64
            var continuation: CheckedContinuation<CURLcode, Never>
        }

        /// The thread's body: add what was submitted, drop what was cancelled, let curl work,
        /// hand back what finished, and wait for sockets, curl's next deadline or a wakeup.
        private func run(_ multi: CurlMulti) {
            let executor = self.asUnownedTaskExecutor()
            var running: [UnsafeMutableRawPointer: Running] = [:]
            var handles: [UInt64: UnsafeMutableRawPointer] = [:]
            var finished: [(CheckedContinuation<CURLcode, Never>, CURLcode)] = []
            var jobs: [UnownedJob] = []
            var submissions: [Submission] = []
            var cancellations: [UInt64] = []
            var sendGate = SendGate()
            while true {
                let stopping = state.withLock { state in
                    swap(&jobs, &state.jobs)
                    submissions.append(contentsOf: state.submissions)
                    state.submissions.removeAll(keepingCapacity: true)
                    swap(&cancellations, &state.cancellations)
                    return state.stopping
                }
                // Tasks first: what they submit now joins this pass.
                for job in jobs { job.runSynchronously(on: executor) }
                if !jobs.isEmpty {
                    jobs.removeAll(keepingCapacity: true)
                    state.withLock { state in
                        submissions.append(contentsOf: state.submissions)
                        state.submissions.removeAll(keepingCapacity: true)
                    }
                }
                // Answers already waiting are read before new requests go out (see SendGate).
                let hold = sendGate.holds(
                    newRequests: !submissions.isEmpty,
                    inFlight: !running.isEmpty,
                    inputReady: multi.hasReadyInput
                )
                for submission in hold ? [] : submissions {
                    if submission.cancel.isSet {
                        finished.append((submission.continuation, CURLE_ABORTED_BY_CALLBACK))
                    } else if multi.add(submission.easy) {
                        running[submission.easy.raw] = Running(id: submission.id, continuation: submission.continuation)
                        handles[submission.id] = submission.easy.raw
                    } else {
                        finished.append((submission.continuation, CURLE_FAILED_INIT))
                    }
                }
                if !hold { submissions.removeAll(keepingCapacity: true) }
                for id in cancellations {
                    guard let raw = handles.removeValue(forKey: id), let entry = running.removeValue(forKey: raw) else {
                        continue  // finished already, or not added yet (it reads its flag then)
                    }
                    multi.remove(raw)
                    finished.append((entry.continuation, CURLE_ABORTED_BY_CALLBACK))
                }
                cancellations.removeAll(keepingCapacity: true)
                // Hands curl the sockets found ready and runs its due timers (the transfers just
                // added are due at once); with nothing ready or due this reads the clock only.
                multi.drive()
                if !running.isEmpty {
                    while let (raw, code) = multi.nextDone() {
                        guard let entry = running.removeValue(forKey: raw) else { continue }
                        handles[entry.id] = nil
                        multi.remove(raw)
                        finished.append((entry.continuation, code))
                    }
                }
                // Count the finished transfers out before their tasks resume, then resume them:
                // a task that prefers this loop is queued here and runs on the next pass.
                if !finished.isEmpty {
                    state.withLock { $0.inFlight -= finished.count }
                    for (continuation, code) in finished { continuation.resume(returning: code) }
                    finished.removeAll(keepingCapacity: true)
                }
                let next: Next = state.withLock { state in
                    if !submissions.isEmpty || !state.jobs.isEmpty || !state.submissions.isEmpty
                        || !state.cancellations.isEmpty
                    {
                        return .again
                    }
                    if stopping && running.isEmpty {
                        state.multi = nil  // no wakeup can reach the handle after this
                        state.stopped = true
                        return .stop
                    }
                    // Stopping was asked after this pass began: take it up on the next pass
                    // (transfers still running are waited for meanwhile).
                    if state.stopping && !stopping { return .again }
                    state.polling = true
                    return .poll
                }
                switch next {
                case .again: continue
                case .stop:
                    multi.cleanup()
                    return
                case .poll:
                    // With nothing in flight the loop sleeps until a wakeup; the wait ends sooner
                    // when curl's own next deadline (a timeout, a retry) is sooner.
                    multi.wait(milliseconds: running.isEmpty ? 60_000 : 1_000)
                    state.withLock { $0.polling = false }
                }
            }
        }

        private enum Next {
            case again
            case poll
            case stop
        }
    }
}

extension CurlMultiLoop.Core: TaskExecutor {
    func enqueue(_ job: consuming ExecutorJob) {
        enqueueJob(UnownedJob(job))
    }

    func asUnownedTaskExecutor() -> UnownedTaskExecutor {
        UnownedTaskExecutor(ordinary: self)
    }
}

/// A libcurl multi handle (a `CURLM *`) and the epoll set that drives it (`ccurl_events`), used
/// by one ``CurlMultiLoop`` thread; only ``wakeup()`` is called from other threads.
///
/// The handle runs on `curl_multi_socket_action`: curl names the sockets it waits on, the loop
/// waits for them with epoll and tells curl which are ready, so curl touches only transfers
/// whose socket fired or whose timer is due. With `curl_multi_perform` every pass visited every
/// transfer and polled its socket. A connection's socket stays registered between its
/// transfers (see events.c), so a request on a kept connection costs no `epoll_ctl`.
struct CurlMulti: @unchecked Sendable {
    // Why @unchecked Sendable is safe: these are pointer values. Every call but
    // `ccurl_events_wakeup` (a write to an eventfd, thread-safe) is made by the loop's one
    // thread; the submitting threads only read the pointers to wake it, and both are freed by
    // that thread after they were cleared from the shared state under its lock.
    let raw: UnsafeMutableRawPointer
    let events: OpaquePointer

    static func make() -> CurlMulti? {
        guard let raw = ccurl_multi_init() else { return nil }
        guard let events = ccurl_events_new(raw) else {
            ccurl_multi_cleanup(raw)
            return nil
        }
        return CurlMulti(raw: raw, events: events)
    }

    func add(_ easy: CurlEasy) -> Bool { ccurl_multi_add_handle(raw, easy.raw) == CURLM_OK }

    func remove(_ easy: UnsafeMutableRawPointer) { _ = ccurl_multi_remove_handle(raw, easy) }

    /// Hands curl the sockets the last wait found ready and runs its due timers.
    func drive() { ccurl_events_drive(events) }

    /// Waits up to `milliseconds` (less when curl's next deadline is sooner) for a socket or a
    /// wakeup; ``drive()`` hands curl what it found.
    func wait(milliseconds: Int32) { _ = ccurl_events_wait(events, milliseconds) }

    /// Whether a socket curl waits on is ready now (a wait that does not wait; ``drive()`` hands
    /// curl what it found).
    func hasReadyInput() -> Bool { ccurl_events_wait(events, 0) > 0 }

    func wakeup() { ccurl_events_wakeup(events) }

    /// The next finished transfer's handle and result.
    func nextDone() -> (UnsafeMutableRawPointer, CURLcode)? {
        var easy: UnsafeMutableRawPointer? = nil
        var code = CURLE_OK
        guard ccurl_multi_next_done(raw, &easy, &code) == 1, let easy else { return nil }
        return (easy, code)
    }

    /// Frees the handle (closing its pooled connections), then its events.
    func cleanup() {
        ccurl_multi_cleanup(raw)
        ccurl_events_free(events)
    }
}
