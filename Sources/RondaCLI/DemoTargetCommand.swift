import ArgumentParser
import DemoTarget
import Foundation
import RondaCore

/// `ronda demo-target`: serve the demo app in the foreground.
struct DemoTargetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo-target",
        abstract: "Serve the bundled demo app (an optica and a cafeteria API) until Ctrl-C.",
        discussion: """
            The app Ronda's own suite tests, as a server you can point 'ronda run' at, open in a browser, \
            or call with curl. State is in memory and starts fresh each time.

            Optica (form login, session cookie): /login/, /dashboard/, /patients/…, /appointments/…
            Cafeteria API (bearer token): /api/v1/auth/login, /api/v1/products/, /api/v1/orders/…

            Accounts: owner, doctor and receptionist for the optica; customer@cafeteria.demo, \
            owner@cafeteria.demo and admin@cafeteria.demo for the API. Their passwords come from \
            DEMO_<ROLE>_PASSWORD (DEMO_RECEPTIONIST_PASSWORD, DEMO_CAFETERIA_OWNER_PASSWORD, …) or default \
            to <role>-demo-pass (e.g. receptionist-demo-pass, cafeteria-owner-demo-pass); the webhook \
            secrets from DEMO_STRIPE_WEBHOOK_SECRET, DEMO_WOMPI_EVENTS_SECRET and DEMO_MERCADOPAGO_SECRET. \
            'ronda run' reads the same values from the RONDA_* variables ronda.yml and the scenarios name \
            (docs/demo.md has the table); 'ronda demo' fills them in by itself.

            Faults: --fault NAME (repeatable) starts it with one of its deliberate bugs switched on; \
            --list-faults prints them, one name and a one-line description a line. While it runs, \
            GET /__admin/faults lists them with on/off and PUT /__admin/faults {"active": [names]} switches \
            them, with the header X-Admin-Token set to DEMO_ADMIN_TOKEN (or to the random token printed \
            at start when that is unset). See docs/demo.md.

            Exit status: 0 after Ctrl-C, 2 for an unknown fault or an address it cannot listen on.

            Example:
              ronda demo-target --port 8080 &
              export RONDA_RECEPTIONIST_PASSWORD=receptionist-demo-pass \\
                RONDA_OWNER_PASSWORD=owner-demo-pass \\
                RONDA_DOCTOR_PASSWORD=doctor-demo-pass \\
                RONDA_CUSTOMER_PASSWORD=customer-demo-pass \\
                RONDA_CAFETERIA_OWNER_PASSWORD=cafeteria-owner-demo-pass \\
                RONDA_CAFETERIA_ADMIN_PASSWORD=cafeteria-admin-demo-pass \\
                RONDA_STRIPE_WEBHOOK_SECRET=whsec_ronda_demo_stripe \\
                RONDA_WOMPI_EVENTS_SECRET=test_events_ronda_demo_wompi \\
                RONDA_MERCADOPAGO_SECRET=mercadopago-demo-secret
              ronda run
            """
    )

    @Option(name: .long, help: ArgumentHelp("Port to listen on (0: any free port).", valueName: "port"))
    var port: Int = 8080

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Address to listen on. Keep the loopback default unless you mean to expose the demo.",
            valueName: "host"
        )
    )
    var host: String = "127.0.0.1"

    @Option(
        name: .long,
        help: ArgumentHelp("Switch this fault on from the start (repeatable; see --list-faults).", valueName: "name")
    )
    var fault: [String] = []

    @Flag(name: .long, help: "List the faults, one name and a one-line description a line, and exit.")
    var listFaults = false

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be 0 to 65535") }
    }

    func run() async throws {
        if listFaults {
            print(DemoCommand.faultList(), terminator: "")
            return
        }
        let faults: Set<String>
        do throws(UnknownFaultError) { faults = try DemoFaults.validate(fault) } catch {
            throw CLIError(code: .usage, message: error.description + "; 'ronda demo-target --list-faults' lists them")
        }
        let fromEnvironment = !(ProcessInfo.processInfo.environment["DEMO_ADMIN_TOKEN"] ?? "").isEmpty
        let token = DemoApp.adminToken()
        let switchedOn = DemoCommand.unique(fault)
        do {
            try await DemoApp.run(host: host, port: port, faults: faults, adminToken: token) { url in
                var text =
                    "Demo target listening on \(url) — optica at \(url)/login/, cafeteria API at \(url)/api/v1/. Ctrl-C stops it.\n"
                text += "Faults on: \(switchedOn.isEmpty ? "none" : switchedOn.joined(separator: ", ")). "
                text +=
                    fromEnvironment
                    ? "Admin endpoint \(url)/__admin/faults (X-Admin-Token: the value of DEMO_ADMIN_TOKEN).\n"
                    : "Admin endpoint \(url)/__admin/faults with X-Admin-Token: \(token)\n"
                FileHandle.standardOutput.write(Data(text.utf8))
            }
        } catch {
            throw CLIError(code: .usage, message: "the demo target stopped: \(error.operatorMessage)")
        }
    }
}
