import Dispatch
import Synchronization

/// A timer that fires once, and whose memory goes back at once when it is cancelled.
///
/// `Task.sleep` keeps a cancelled sleep's job in the global timer queue until its original
/// deadline. A worker that wraps every store call in a 10 s deadline and renews every lease
/// on a timer cancels thousands of such sleeps a second, and each lingered for its full
/// length: tens of megabytes at concurrency 32. A cancelled dispatch timer source leaves
/// the timer queue when it is cancelled.
public final class OneShotTimer: Sendable {
    private let source: SourceBox
    private let ended = Atomic<Bool>(false)

    /// Calls `handler` once after `delay`, on a global queue, unless `cancel()` comes first.
    /// The timer lives as long as this object: dropping it cancels the timer.
    public init(after delay: Duration, _ handler: @escaping @Sendable () -> Void) {
        let box = SourceBox(timer: DispatchSource.makeTimerSource(queue: .global()))
        source = box
        box.timer.schedule(deadline: .now() + .nanoseconds(Self.nanoseconds(delay)), leeway: .milliseconds(1))
        box.timer.setEventHandler { [weak self] in
            // Only the first of (fire, cancel) runs the handler; cancelling the source breaks
            // the source → handler → source cycle.
            box.timer.cancel()
            guard let self, !self.ended.exchange(true, ordering: .acquiringAndReleasing) else { return }
            handler()
        }
        box.timer.resume()
    }

    /// Stops the timer if it has not fired yet; the handler will not run. Safe to call again.
    public func cancel() {
        if !ended.exchange(true, ordering: .acquiringAndReleasing) { source.timer.cancel() }
    }

    deinit {
        source.timer.cancel()
    }

    static func nanoseconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        guard seconds >= 0 else { return 0 }
        guard seconds < Int64(Int.max / 1_000_000_000) - 1 else { return Int.max / 2 }
        return max(0, Int(seconds) * 1_000_000_000 + Int(attoseconds / 1_000_000_000))
    }
}

/// `DispatchSourceTimer` is not marked `Sendable`, but dispatch objects are thread-safe:
/// `schedule`, `resume` and `cancel` may be called from any thread (libdispatch's contract,
/// dispatch/object.h), and the box only holds the reference.
private struct SourceBox: @unchecked Sendable {
    let timer: any DispatchSourceTimer
}
