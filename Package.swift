// swift-tools-version:6.2
// Ronda — a self-hosted testing bot for web applications.
// Module map and import rules: see docs/architecture.md (mirrors DESIGN.md).
import PackageDescription

// As Hummingbird's: a file imports every module whose members it uses, and an import is internal
// unless marked `public import` where a type of that module shows in public API.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

// The scenario engine's path (model, HTTP, engine): a nonisolated async function runs on its
// caller's executor (SE-0461) instead of hopping to the global one on every call. A scenario
// runs on its transport loop's executor, and each such hop asked the runtime for the task's
// preferred executor under a lock (docs/performance.md, "What the multi transport changed").
// Changing which targets get this needs a clean build (`rm -rf .build`): SwiftPM does not
// recompile a dependent whose source did not change, and a stale object then calls these
// functions without the caller's isolation they now take.
let engineSwiftSettings: [SwiftSetting] =
    swiftSettings + [
        .enableUpcomingFeature("NonisolatedNonsendingByDefault")
    ]

let package = Package(
    name: "ronda",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "ronda", targets: ["ronda"]),
        .library(name: "RondaCore", targets: ["RondaCore"]),
        .library(name: "RondaEngine", targets: ["RondaEngine"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/vapor/sqlite-nio.git", from: "1.13.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
    ],
    targets: [
        // C shims.
        .target(
            name: "CCurl",
            // libcurl is opened with dlopen on first use (see ccurl.h), not linked.
            linkerSettings: [.linkedLibrary("dl")]
        ),
        // hiredis (Redis client), a system library: `apt-get install libhiredis-dev`.
        .systemLibrary(
            name: "CHiredis",
            path: "Sources/CHiredis",
            pkgConfig: "hiredis",
            providers: [.apt(["libhiredis-dev"])]
        ),

        // Pure model: scenarios, templates, expressions, assertions, fake data, signing.
        .target(
            name: "RondaCore",
            dependencies: [
                .product(name: "Yams", package: "Yams"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: engineSwiftSettings
        ),
        // Process plumbing below the I/O targets: one-shot timers, cancellable sleeps, deadlines,
        // the dedicated threads that run blocking C calls. No Ronda dependency.
        .target(
            name: "RondaRuntime",
            swiftSettings: swiftSettings
        ),
        // libcurl client. RondaCore for the shared error template (`RondaError`, `ErrorCode`).
        .target(
            name: "RondaHTTP",
            dependencies: ["CCurl", "RondaCore", "RondaRuntime"],
            swiftSettings: engineSwiftSettings
        ),
        // Runs one scenario against a base URL.
        .target(
            name: "RondaEngine",
            dependencies: [
                "RondaCore", "RondaHTTP",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: engineSwiftSettings
        ),
        // JobQueue protocol; the in-process queue and the Redis Streams queue; rate limiters.
        .target(
            name: "RondaQueue",
            dependencies: ["RondaCore", "RondaRuntime", "CHiredis"],
            swiftSettings: swiftSettings
        ),
        // ResultStore protocol; the SQLite and PostgreSQL stores.
        .target(
            name: "RondaStore",
            dependencies: [
                "RondaCore", "RondaRuntime",
                .product(name: "SQLiteNIO", package: "sqlite-nio"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                // PostgresNIO's own dependency: the store's pools run inside a `ResultStoreService`.
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // lease → engine → store → ack.
        .target(
            name: "RondaWorker",
            dependencies: [
                "RondaEngine", "RondaQueue", "RondaStore", "RondaRuntime",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // Alert channels: Slack (Block Kit), email (SMTP through libcurl), signed webhook, Sentry, WhatsApp-capable HTTP.
        .target(
            name: "RondaNotify",
            dependencies: [
                "RondaCore", "RondaHTTP",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // Run lifecycle: create, enqueue, finalize.
        .target(
            name: "RondaCoordinator",
            dependencies: [
                "RondaCore", "RondaQueue", "RondaStore",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // The sample app `ronda demo` tests: an optica (form login, session cookie) and a cafeteria API (JWT-like tokens).
        .target(
            name: "DemoTarget",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        // The dashboard: server-rendered pages, SVG charts, JSON API, operator login, `/health`.
        .target(
            name: "RondaWeb",
            dependencies: [
                "RondaCore", "RondaStore", "RondaQueue",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                // The metrics server: plain NIO HTTP/1.1 (no Hummingbird date cache in a worker).
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // The command line: ArgumentParser commands and wiring (a library so tests can drive it).
        .target(
            name: "RondaCLI",
            dependencies: [
                "RondaCore", "RondaHTTP", "RondaEngine", "RondaQueue", "RondaStore",
                "RondaWorker", "RondaCoordinator", "RondaNotify", "RondaWeb", "DemoTarget",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "ronda",
            dependencies: ["RondaCLI"],
            swiftSettings: swiftSettings
        ),
        // Benchmark: engine requests/s on a one-step GET scenario (see bench/engine_vs_wrk.sh).
        .executableTarget(
            name: "EngineThroughput",
            dependencies: [
                "RondaEngine", "RondaCore", "RondaHTTP",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            path: "Benchmarks/EngineThroughput",
            swiftSettings: swiftSettings
        ),
        // Benchmark: no-op jobs through the Redis queue, alone and with the PostgreSQL commit (see bench/distributed.sh).
        .executableTarget(
            name: "QueueThroughput",
            dependencies: [
                "RondaQueue", "RondaStore", "RondaCore",
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/QueueThroughput",
            swiftSettings: swiftSettings
        ),

        // Test helpers shared by test targets, and only those: `eventually`, `freePort`, the redis-server and
        // PostgreSQL launchers, child processes, a Hummingbird test server, a silent raw-socket server, log capture.
        .target(
            name: "RondaTestSupport",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/RondaTestSupport",
            swiftSettings: swiftSettings
        ),
        // The engine against real local servers: cookies, redirects, timeouts, checks, captures, secrets.
        .testTarget(
            name: "RondaEngineTests",
            dependencies: [
                "RondaEngine", "RondaCore", "RondaStore", "RondaTestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // The runtime layer: timers, sleeps, deadlines, dedicated threads (no servers).
        .testTarget(
            name: "RondaRuntimeTests",
            dependencies: ["RondaRuntime", "RondaTestSupport"],
            swiftSettings: swiftSettings
        ),
        // The model and language: no sockets, no servers (python3 and openssl as independent references).
        .testTarget(
            name: "RondaCoreTests",
            dependencies: ["RondaCore", "RondaTestSupport"],
            swiftSettings: swiftSettings
        ),
        // SQLite store: schema, migrations, idempotent writes (temporary files only).
        .testTarget(
            name: "RondaStoreTests",
            dependencies: [
                "RondaStore", "RondaCore", "RondaTestSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // RondaHTTP against real local servers (Hummingbird, raw sockets, openssl s_server), and
        // how libcurl is loaded (in `ronda` processes).
        .testTarget(
            name: "RondaHTTPTests",
            dependencies: [
                "RondaTestSupport",
                "RondaHTTP",
                .product(name: "Hummingbird", package: "hummingbird"),
            ],
            swiftSettings: swiftSettings
        ),
        // The worker: lease states, lease → engine → store → ack, snapshots, rate limits (SQLite, local servers).
        .testTarget(
            name: "RondaWorkerTests",
            dependencies: [
                "RondaWorker", "RondaCoordinator", "RondaEngine", "RondaQueue", "RondaStore", "RondaCore",
                "RondaTestSupport",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // The coordinator: run lifecycle, finalization, cron schedules and the scheduler (in process, SQLite).
        .testTarget(
            name: "RondaCoordinatorTests",
            dependencies: [
                "RondaCoordinator", "RondaQueue", "RondaStore", "RondaCore", "RondaTestSupport",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // The command line in process: parsing, pre-flight, reports, terminal output, snapshots of a suite.
        .testTarget(
            name: "RondaCLITests",
            dependencies: [
                "RondaCLI", "RondaCoordinator", "RondaEngine", "RondaQueue", "RondaStore", "RondaCore",
                "RondaTestSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // The alert channels' renderings (Slack blocks, webhook JSON, Sentry envelope, email MIME) without I/O.
        .testTarget(
            name: "RondaNotifyTests",
            dependencies: [
                "RondaNotify", "RondaCore", "RondaTestSupport",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // The dashboard over HTTP against a real store: login, CSRF, throttling, pages, JSON, escaping.
        .testTarget(
            name: "RondaWebTests",
            dependencies: [
                "RondaWeb", "RondaStore", "RondaCore", "RondaHTTP", "RondaQueue", "RondaTestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // The demo application over HTTP: the optica's and the cafeteria's behaviour, and each fault switch.
        .testTarget(
            name: "DemoTargetTests",
            dependencies: ["DemoTarget", "RondaHTTP", "RondaCore", "RondaTestSupport"],
            swiftSettings: swiftSettings
        ),
        // The queue contract on the in-process and Redis queues; Redis tests start their own redis-server.
        .testTarget(
            name: "RondaQueueTests",
            dependencies: ["RondaQueue", "RondaCore", "RondaTestSupport"],
            swiftSettings: swiftSettings
        ),
        // Tests against real servers started by the tests.
        .testTarget(
            name: "RondaIntegrationTests",
            dependencies: [
                "RondaCore", "RondaHTTP", "RondaEngine", "RondaQueue", "RondaStore",
                "RondaWorker", "RondaCoordinator", "RondaCLI", "DemoTarget", "RondaTestSupport", "RondaNotify",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: swiftSettings
        ),
        // The distributed mode end to end: redis-server, PostgreSQL and `ronda worker` processes the tests start.
        .testTarget(
            name: "RondaDistributedTests",
            dependencies: [
                "RondaCore", "RondaQueue", "RondaStore", "RondaWorker", "RondaCoordinator", "RondaCLI", "DemoTarget",
                "RondaTestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
    ],
    swiftLanguageModes: [.v6]
)
