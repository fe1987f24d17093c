import Foundation
import RondaTestSupport
import Testing
import Yams

/// The deployment files, validated as the operator's tools would read them: both compose files
/// against the Compose Specification, the Kubernetes manifests with kubernetes-validate, the
/// Prometheus configuration and rules with promtool, Grafana's provisioning; and ops/cluster.sh
/// running the same services as the compose files.
@Suite(.serialized) struct DeployFilesTests {
    func run(_ script: String, _ arguments: [String] = []) async throws -> (Int32, String) {
        let answer = try await runProgramAsync(
            "/bin/bash",
            [Checkout.root + "/ops/" + script] + arguments,
            environment: ["PATH": "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin", "HOME": NSTemporaryDirectory()]
        )
        return (answer.status, String(decoding: answer.output, as: UTF8.self))
    }

    @Test func theComposeFilesValidate() async throws {
        let (status, output) = try await run("check_compose.sh")
        #expect(status == 0, "\(output)")
        for file in ["docker-compose.yml", "docker-compose.demo.yml", "deploy/docker-compose.staging.yml"] {
            #expect(output.contains("\(file): valid"), "\(file): \(output)")
        }
    }

    @Test func aComposeServiceWithoutAHealthcheckOrWithAnInlineSecretIsRefused() async throws {
        let directory = try Checkout.temporaryDirectory("ronda-compose-bad")
        let file = directory + "/docker-compose.yml"
        try """
        services:
          worker:
            image: ronda:local
            command: ["worker", "--log-format", "json"]
            environment:
              RONDA_OWNER_PASSWORD: hunter2
              RONDA_OWNER_PASSWORD_FILE: /run/secrets/owner
        """.write(toFile: file, atomically: true, encoding: .utf8)
        let (status, output) = try await run("check_compose.sh", [file])
        #expect(status == 1, "\(output)")
        #expect(output.contains("services/worker: a long-running ronda service needs a healthcheck"), "\(output)")
        #expect(output.contains("RONDA_OWNER_PASSWORD looks secret"), "\(output)")
        #expect(!output.contains("RONDA_OWNER_PASSWORD_FILE looks secret"), "\(output)")
    }

    @Test func theKubernetesPrometheusAndGrafanaFilesValidate() async throws {
        let (status, output) = try await run("check_deploy.sh")
        #expect(status == 0, "\(output)")
        #expect(output.contains("check_deploy: valid"), "\(output)")
    }

    @Test func aBrokenManifestRuleOrDashboardIsNamed() async throws {
        let root = try Checkout.temporaryDirectory("ronda-deploy-bad")
        try FileManager.default.copyItem(atPath: Checkout.root + "/deploy", toPath: root + "/deploy")
        func edit(_ path: String, _ from: String, _ to: String) throws {
            let url = root + "/deploy/" + path
            let text = try String(contentsOfFile: url, encoding: .utf8)
            #expect(text.contains(from), "\(path) has no '\(from)'")
            try text.replacingOccurrences(of: from, with: to).write(toFile: url, atomically: true, encoding: .utf8)
        }
        try edit("kubernetes/worker.yaml", "terminationGracePeriodSeconds: 120", "terminationGracePeriodSeconds: soon")
        try edit("kubernetes/autoscaling/keda-scaledobject.yaml", "stream: \"ronda:jobs\"", "stream: \"jobs\"")
        try edit("prometheus/alerts.yml", "for: 2m", "for: two minutes")
        try edit("grafana/dashboards/ronda.json", "max(ronda_queue_pending)", "max(ronda_queue_waiting)")
        let (status, output) = try await run("check_deploy.sh", [root])
        #expect(status == 1, "\(output)")
        #expect(output.contains("worker.yaml did not validate"), "\(output)")
        #expect(output.contains("stream 'jobs', but Ronda's jobs are in 'ronda:jobs'"), "\(output)")
        #expect(output.contains("deploy/prometheus/alerts.yml: promtool:"), "\(output)")
        #expect(output.contains("reads ronda_queue_waiting, which no Ronda process exports"), "\(output)")
    }

    /// deploy_staging.sh refuses to start without its environment, and changes nothing then.
    /// (Its rollback runs in the disaster-recovery drill, against the real topology.)
    @Test func theStagingDeployChecksItsEnvironmentFirst() async throws {
        let directory = try Checkout.temporaryDirectory("ronda-deploy")
        func deploy(_ environment: [String: String]) async throws -> (Int32, String) {
            let answer = try await runProgramAsync(
                "/bin/bash",
                [
                    "-c", "cd \"$0\" && exec \"$1\" --tag t1 --deadline 5 2>&1", directory,
                    Checkout.root + "/deploy/deploy_staging.sh",
                ],
                environment: [
                    "PATH": "/usr/bin:/bin", "DOCKER": Checkout.root + "/Tests/Servers/fake_docker.sh",
                    "FAKE_CLUSTER": directory + "/none", "RONDA": Checkout.ronda, "FAKE_LOG": directory + "/docker.log",
                ].merging(environment) { $1 }
            )
            return (answer.status, String(decoding: answer.output, as: UTF8.self))
        }
        let noEnv = try await deploy([:])
        #expect(noEnv.0 == 2, "\(noEnv.1)")
        #expect(noEnv.1.contains("no .env here: cp .env.example .env"), "\(noEnv.1)")
        try "".write(toFile: directory + "/.env", atomically: true, encoding: .utf8)
        let badConfig = try await deploy(["FAKE_CONFIG_STATUS": "1"])
        #expect(badConfig.0 == 2, "\(badConfig.1)")
        #expect(badConfig.1.contains("the compose configuration does not interpolate"), "\(badConfig.1)")
        let badTag = try await runProgramAsync(
            "/bin/bash",
            [Checkout.root + "/deploy/deploy_staging.sh", "--deadline", "soon"],
            environment: ["PATH": "/usr/bin:/bin"]
        )
        #expect(badTag.status == 2)
        // Nothing was built or started.
        let calls = (try? String(contentsOfFile: directory + "/docker.log", encoding: .utf8)) ?? ""
        #expect(!calls.contains("compose build") && !calls.contains("compose up"), "\(calls)")
    }

    /// The compose services (docker-compose.yml with docker-compose.demo.yml) and the processes
    /// ops/cluster.sh runs are the same list.
    @Test func clusterShRunsEveryComposeServiceAndNothingElse() async throws {
        var compose = Set<String>()
        for file in ["docker-compose.yml", "docker-compose.demo.yml"] {
            let text = try String(contentsOfFile: Checkout.root + "/" + file, encoding: .utf8)
            let document = try #require(try Yams.load(yaml: text) as? [String: Any])
            let services = try #require(document["services"] as? [String: Any])
            compose.formUnion(services.keys)
        }
        let (status, output) = try await run("cluster.sh", ["services"])
        #expect(status == 0)
        let cluster = Set(output.split(separator: "\n").map(String.init))
        #expect(
            cluster == compose,
            "only in compose: \(compose.subtracting(cluster)); only in cluster.sh: \(cluster.subtracting(compose))"
        )
    }
}
