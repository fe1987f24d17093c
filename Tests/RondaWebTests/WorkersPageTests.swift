import Foundation
import RondaCore
import RondaHTTP
import RondaQueue
import RondaStore
import RondaWeb
import Testing

/// `/workers`: the queue's counts and the workers' heartbeats, and the pause switch that reaches
/// both the database's copy and the switch workers read.
struct WorkersPageTests {
    static func job(_ scenario: String) -> Job {
        Job(runID: "run-1", scenario: scenario, source: "scenario: \(scenario)\nsteps: []\n", file: "\(scenario).yml")
    }

    @Test func theQueueAndTheHeartbeatsShowAndThePauseReachesTheWorkers() async throws {
        let queue = InProcessQueue()
        let control = InProcessControlPlane()
        await queue.enqueue([Self.job("a"), Self.job("b"), Self.job("c")])
        _ = await queue.lease(consumer: "w-1", wait: .zero)
        let fleet = Fleet(queue: queue, control: control, location: "this process")
        try await WebFixture.with(fleet: fleet) { web in
            // A heartbeat that outlives the test however slow the machine.
            control.heartbeat(
                WorkerInfo(name: "w-1", host: "box-7", pid: 4242, concurrency: 4, inFlight: 1, processed: 7),
                ttl: .seconds(3600)
            )
            let browser = web.browser()
            try await browser.login()
            let page = try await browser.get("/workers")
            #expect(page.status == 200)
            let html = page.bodyText
            #expect(html.contains("w-1"))
            #expect(html.contains("box-7 (pid 4242)"))
            #expect(html.contains("1 of 4"))
            #expect(html.contains("Pause the fleet"))

            let json = try #require(
                try JSONSerialization.jsonObject(with: Data(try await browser.get("/api/workers").body))
                    as? [String: Any]
            )
            #expect(json["pending"] as? Int == 2)
            #expect(json["inFlight"] as? Int == 1)
            #expect(json["deadLetters"] as? Int == 0)
            #expect(json["paused"] as? Bool == false)
            #expect((json["workers"] as? [[String: Any]])?.map { $0["name"] as? String } == ["w-1"])

            let metrics = try await browser.get("/metrics").bodyText
            #expect(metrics.contains("ronda_queue_pending 2"))
            #expect(metrics.contains("ronda_queue_in_flight 1"))
            #expect(metrics.contains("ronda_workers_live 1"))
            #expect(metrics.contains("ronda_paused 0"))

            let csrf = try await browser.sessionCSRF()
            let pause = try await browser.post("/workers/pause", form: ["paused": "on", "csrf_token": csrf])
            #expect(pause.status == 303)
            #expect(control.isPaused())
            #expect(try await web.store.pausedSetting() == true)
            #expect(try await browser.get("/workers").bodyText.contains("Resume the fleet"))
            #expect(try await browser.get("/metrics").bodyText.contains("ronda_paused 1"))

            let resume = try await browser.post("/workers/pause", form: ["paused": "off", "csrf_token": csrf])
            #expect(resume.status == 303)
            #expect(!control.isPaused())
            #expect(try await web.store.pausedSetting() == false)

            let bad = try await browser.post("/workers/pause", form: ["paused": "maybe", "csrf_token": csrf])
            #expect(bad.status == 400)
            let forged = try await browser.post("/workers/pause", form: ["paused": "on"])
            #expect(forged.status == 403)
            #expect(!control.isPaused())
        }
    }

    @Test func withoutAQueueThePageSaysSoAndThePauseIsStored() async throws {
        try await WebFixture.with { web in
            let browser = web.browser()
            try await browser.login()
            let html = try await browser.get("/workers").bodyText
            #expect(html.contains("reads the results store only"))
            let json = try #require(
                try JSONSerialization.jsonObject(with: Data(try await browser.get("/api/workers").body))
                    as? [String: Any]
            )
            #expect(json["location"] == nil)
            #expect(json["pending"] == nil)
            let csrf = try await browser.sessionCSRF()
            let pause = try await browser.post("/workers/pause", form: ["paused": "on", "csrf_token": csrf])
            #expect(pause.status == 303)
            #expect(try await web.store.pausedSetting() == true)
            #expect(try await browser.get("/workers").bodyText.contains("Resume the fleet"))
        }
    }

    /// Redis that does not answer (nothing listens on the port): the page says so instead of
    /// failing, the pause is kept in the database and the button answers 503 with the reason.
    @Test func aQueueThatDoesNotAnswerIsNamedAndThePauseIsKeptInTheDatabase() async throws {
        let configuration = RedisConfiguration(
            host: "127.0.0.1",
            port: 1,
            connectTimeout: .seconds(2),
            commandTimeout: .seconds(2),
            retry: .none
        )
        let queue = RedisJobQueue(configuration: configuration)
        let control = RedisControlPlane(configuration: configuration)
        defer {
            queue.close()
            control.close()
        }
        let fleet = Fleet(queue: queue, control: control, location: "Redis at 127.0.0.1:1")
        try await WebFixture.with(fleet: fleet) { web in
            let browser = web.browser()
            try await browser.login()
            let page = try await browser.get("/workers")
            #expect(page.status == 200)
            #expect(page.bodyText.contains("cannot read the queue at Redis at 127.0.0.1:1"))
            let csrf = try await browser.sessionCSRF()
            let pause = try await browser.post("/workers/pause", form: ["paused": "on", "csrf_token": csrf])
            #expect(pause.status == 503)
            #expect(pause.bodyText.contains("stored in the database"))
            #expect(try await web.store.pausedSetting() == true)
            // The scrape fails rather than report an empty queue.
            #expect(try await browser.get("/metrics").status == 500)
        }
    }
}
