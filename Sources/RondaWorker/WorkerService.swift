import Foundation
import Logging
import RondaQueue
public import ServiceLifecycle

/// `ronda worker` as a `Service`: runs the worker's slots and a heartbeat until a graceful
/// shutdown (SIGTERM), then stops leasing and finishes the jobs in flight before returning.
/// Jobs leased but not started are released for another worker.
public struct WorkerService: Service {
    public let worker: Worker
    public let concurrency: Int
    /// How often the heartbeat key is refreshed; it expires after three intervals.
    public var heartbeatInterval: Duration

    public init(worker: Worker, concurrency: Int, heartbeatInterval: Duration = .seconds(2)) {
        self.worker = worker
        self.concurrency = max(1, concurrency)
        self.heartbeatInterval = heartbeatInterval
    }

    public func run() async throws {
        let startedAt = Date()
        worker.logger.info("worker started", metadata: ["worker": "\(worker.name)", "concurrency": "\(concurrency)"])
        await withGracefulShutdownHandler {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await worker.run(concurrency: concurrency) }
                group.addTask { await heartbeat(startedAt: startedAt) }
                // The slots end first (stop or cancellation); then the heartbeat goes.
                await group.next()
                group.cancelAll()
            }
        } onGracefulShutdown: {
            worker.logger.info(
                "draining: no new jobs; finishing the ones in flight",
                metadata: [
                    "worker": "\(worker.name)", "in_flight": "\(worker.state.inFlight)",
                ]
            )
            worker.stop()
        }
        if let control = worker.control {
            try? await control.removeWorker(named: worker.name)
        }
        worker.logger.info(
            "worker stopped",
            metadata: ["worker": "\(worker.name)", "processed": "\(worker.state.processed)"]
        )
    }

    func heartbeat(startedAt: Date) async {
        guard let control = worker.control else {
            // Embedded (`ronda serve`): nobody to tell; stay until the slots end.
            while !Task.isCancelled { try? await Task.sleep(for: .seconds(3_600)) }
            return
        }
        while !Task.isCancelled {
            let info = WorkerInfo(
                name: worker.name,
                concurrency: concurrency,
                inFlight: worker.state.inFlight,
                processed: worker.state.processed,
                startedAt: startedAt,
                paused: worker.pauseGate?.lastReading
            )
            do { try await control.heartbeat(info, ttl: heartbeatInterval * 3) } catch {
                worker.logger.warning("cannot write the heartbeat", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: heartbeatInterval)
        }
    }
}
