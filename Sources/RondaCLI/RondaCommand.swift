public import ArgumentParser
import Foundation
import RondaCore

/// The `ronda` command.
public struct RondaCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "ronda",
        abstract: "A self-hosted testing bot: plays real users against your web application and reports what broke.",
        discussion: """
            Scenarios are YAML files (see docs/scenarios.md); ronda.yml names the target and the role users \
            (see docs/configuration.md). Credentials come from environment variables only.
            """,
        version: "0.1.0",
        subcommands: [
            RunCommand.self, RunScenarioCommand.self, ValidateCommand.self, SchemaCommand.self, DemoCommand.self,
            DemoTargetCommand.self,
            CoordinatorCommand.self, WorkerCommand.self, MigrateCommand.self, StatsCommand.self, CleanupCommand.self,
            PauseCommand.self, ResumeCommand.self, ReportCommand.self, RunsCommand.self, ErrorsCommand.self,
            AlertsCommand.self, QuarantineCommand.self, UserCommand.self, DashboardCommand.self, ServeAllCommand.self,
            CoverageCommand.self, SmokeCommand.self, HealthCommand.self,
        ]
    )

    public init() {}

    /// Runs the command line and returns the exit status: 0 success, 1 failures found,
    /// 2 usage or configuration error.
    public static func main(arguments: [String]) async -> Int32 {
        do {
            var command = try parseAsRoot(arguments)
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            return 0
        } catch let error as CLIError {
            FileHandle.standardError.write(Data("error: \(error.message)\n".utf8))
            return 2
        } catch let exit as ExitCode {
            return exit.rawValue
        } catch let error as any RondaError {
            // A store or queue error no command turned into a CLIError: ArgumentParser's `Error: `
            // line, with the message an operator acts on rather than `description` (which leads with the code).
            FileHandle.standardError.write(Data("Error: \(error.message)\n".utf8))
            return ExitCode.failure.rawValue
        } catch {
            let code = exitCode(for: error)
            let message = fullMessage(for: error)
            if code == .success {
                print(message)
                return 0
            }
            FileHandle.standardError.write(Data((message + "\n").utf8))
            return code == .validationFailure ? 2 : code.rawValue
        }
    }
}
