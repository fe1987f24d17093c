import Foundation
import Hummingbird
import RondaCore
public import RondaQueue
import RondaStore

/// The queue and the workers' heartbeats a dashboard shows on `/workers`: Redis for a fleet
/// (`ronda dashboard` with RONDA_REDIS_URL), the in-process queue for `ronda serve`.
public struct Fleet: Sendable {
    public var queue: any JobQueue
    public var control: any ControlPlane
    /// Where they live, for the page: "Redis at 10.0.0.5:6379", "this process".
    public var location: String

    public init(queue: any JobQueue, control: any ControlPlane, location: String) {
        self.queue = queue
        self.control = control
        self.location = location
    }
}

/// What `/workers` shows (and `GET /api/workers` returns).
struct FleetData: Sendable, Codable {
    /// Where the queue is; `nil` when this dashboard has none (results store only).
    var location: String?
    /// Why the queue could not be read (Redis down), when it could not.
    var problem: String?
    var pending: Int?
    var inFlight: Int?
    var deadLetters: Int?
    /// Whether workers hold back new scenarios: the queue's switch, or the database's copy when
    /// the queue has no record of it (or there is no queue).
    var paused: Bool
    var workers: [WorkerInfo]
    var runningRuns: [RunRecord]
}

extension Dashboard {
    func fleetData() async throws -> FleetData {
        let stored = try await store.pausedSetting() ?? false
        var data = FleetData(
            location: fleet?.location,
            paused: stored,
            workers: [],
            runningRuns: try await store.runningRuns()
        )
        guard let fleet else { return data }
        do {
            let stats = try await fleet.queue.stats()
            data.pending = stats.pending
            data.inFlight = stats.inFlight
            data.deadLetters = stats.deadLetters
            data.workers = try await fleet.control.liveWorkers().sorted { $0.name < $1.name }
            switch try await fleet.control.pauseSwitch() {
            case .paused: data.paused = true
            case .running: data.paused = false
            case .unknown: data.paused = stored
            }
        } catch {
            data.problem = "cannot read the queue at \(fleet.location): \(error)"
        }
        return data
    }

    /// Pauses or resumes the fleet: the database's copy first (it outlives a Redis that loses its
    /// data), then the switch workers read. Returns the problem when the queue did not take it.
    func setPaused(_ paused: Bool) async throws -> String? {
        try await store.setPausedSetting(paused, at: now())
        guard let fleet else { return nil }
        do {
            try await fleet.control.setPaused(paused)
            return nil
        } catch {
            return "stored in the database, but the queue at \(fleet.location) did not take it: \(error)"
        }
    }

    func addWorkerPages(_ router: Router<DashboardContext>) {
        router.get("/workers") { _, context in
            self.render(
                context,
                "Workers",
                "/workers",
                self.workersContent(try await self.fleetData(), csrf: context.csrf)
            )
        }
        router.post("/workers/pause") { request, context in
            let fields = try await Reply.form(request)
            guard let value = fields["paused"], value == "on" || value == "off" else {
                throw HTTPError(.badRequest, message: "the form says neither paused=on nor paused=off")
            }
            if let problem = try await self.setPaused(value == "on") {
                var response = self.render(
                    context,
                    "Workers",
                    "/workers",
                    [.element("p", ["class": "error"], .text(problem)), Layout.link("/workers", "Back to workers")]
                )
                response.status = .serviceUnavailable
                return response
            }
            return Reply.redirect("/workers")
        }
    }

    func workersContent(_ data: FleetData, csrf: String) -> [HTML] {
        var content: [HTML] = []
        if let problem = data.problem { content.append(.element("p", ["class": "error"], .text(problem))) }
        let count = { (value: Int?) in value.map(Format.count) ?? "—" }
        content.append(
            .element(
                "div",
                ["class": "cards"],
                Layout.card("Fleet", data.paused ? "paused" : "running", tone: data.paused ? "bad" : "ok"),
                Layout.card("Live workers", data.location == nil ? "—" : Format.count(data.workers.count)),
                Layout.card("Queued", count(data.pending)),
                Layout.card("In flight", count(data.inFlight)),
                Layout.card("Dead letters", count(data.deadLetters), tone: (data.deadLetters ?? 0) > 0 ? "bad" : nil),
                Layout.card("Running runs", Format.count(data.runningRuns.count))
            )
        )
        content.append(
            Layout.section(
                "Pause switch",
                .element(
                    "p",
                    [:],
                    .text(
                        data.paused
                            ? "Paused: workers start no new scenario; running ones finish. "
                            : "Running: workers take scenarios as they come. "
                    )
                ),
                .element(
                    "form",
                    ["method": "post", "action": "/workers/pause", "class": "inline"],
                    Layout.csrfField(csrf),
                    .element("input", ["type": "hidden", "name": "paused", "value": data.paused ? "off" : "on"]),
                    .element("button", ["type": "submit"], .text(data.paused ? "Resume the fleet" : "Pause the fleet"))
                )
            )
        )
        guard let location = data.location else {
            content.append(
                .element(
                    "p",
                    ["class": "empty"],
                    .text(
                        "This dashboard reads the results store only: the button above records the switch in the "
                            + "database, but the workers of a fleet read it from Redis. Start the dashboard with "
                            + "RONDA_REDIS_URL to see the queue and the workers' heartbeats and to pause them from here "
                            + "(or use ronda pause)."
                    )
                )
            )
            return content + [runningRunsSection(data.runningRuns)]
        }
        let rows: [[HTML]] = data.workers.map { worker in
            [
                .text(worker.name), .text("\(worker.host) (pid \(worker.pid))"),
                .text("\(worker.inFlight) of \(worker.concurrency)"), .text(Format.count(worker.processed)),
                .text(Format.time(worker.startedAt)), .text(Format.time(worker.seenAt)),
                .text(worker.paused.map { $0 ? "holding" : "taking" } ?? "—"),
            ]
        }
        content.append(
            Layout.section(
                "Live workers (\(location))",
                Layout.table(
                    ["Worker", "Host", "In flight", "Results", "Started", "Last heartbeat", "New scenarios"],
                    rows,
                    empty: "No live worker: none has sent a heartbeat within its lifetime."
                )
            )
        )
        return content + [runningRunsSection(data.runningRuns)]
    }

    private func runningRunsSection(_ runs: [RunRecord]) -> HTML {
        Layout.section(
            "Running runs",
            Layout.table(
                ["Run", "Schedule", "Scenarios", "Started", "Deadline"],
                runs.map { run in
                    [
                        Layout.link("/runs/\(run.id)", String(run.id.prefix(8))), .text(run.schedule ?? "—"),
                        .text(Format.count(run.totals.scenarios)), .text(Format.time(run.startedAt)),
                        .text(Format.time(run.deadline)),
                    ]
                },
                empty: "No run is in progress."
            )
        )
    }
}
