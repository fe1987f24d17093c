import ArgumentParser
import DemoTarget
import Foundation

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

            Accounts: owner, doctor and receptionist for the optica; customer@cafeteria.demo for the API. \
            Their passwords come from DEMO_OWNER_PASSWORD, DEMO_DOCTOR_PASSWORD, DEMO_RECEPTIONIST_PASSWORD \
            and DEMO_CUSTOMER_PASSWORD, or default to <role>-demo-pass (e.g. receptionist-demo-pass).

            Example:
              ronda demo-target --port 8080 &
              RONDA_RECEPTIONIST_PASSWORD=receptionist-demo-pass RONDA_OWNER_PASSWORD=owner-demo-pass \\
              RONDA_DOCTOR_PASSWORD=doctor-demo-pass RONDA_CUSTOMER_PASSWORD=customer-demo-pass ronda run
            """
    )

    @Option(name: .long, help: ArgumentHelp("Port to listen on (0: any free port).", valueName: "port"))
    var port: Int = 8080

    @Option(name: .long, help: ArgumentHelp("Address to listen on. Keep the loopback default unless you mean to expose the demo.", valueName: "host"))
    var host: String = "127.0.0.1"

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be 0 to 65535") }
    }

    func run() async throws {
        do {
            try await DemoApp.run(host: host, port: port) { url in
                let text = "Demo target listening on \(url) — optica at \(url)/login/, cafeteria API at \(url)/api/v1/. Ctrl-C stops it.\n"
                FileHandle.standardOutput.write(Data(text.utf8))
            }
        } catch {
            throw CLIError(.usage, "the demo target stopped: \(error)")
        }
    }
}
