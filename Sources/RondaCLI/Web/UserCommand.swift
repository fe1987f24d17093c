import ArgumentParser
import Foundation
import RondaStore
import RondaWeb

/// `ronda user add|passwd|remove|list`: the operators who may sign in to the dashboard.
struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user",
        abstract: "Dashboard operators: add, change a password, remove, list.",
        discussion: """
            Passwords are read from standard input (--password-stdin) or from the environment variable
            RONDA_USER_PASSWORD, never from the command line; they need at least 12 characters and are
            stored as bcrypt hashes. Operators live in the results store: RONDA_DATABASE_URL, else the
            configuration's SQLite file.
            """,
        subcommands: [Add.self, Passwd.self, Remove.self, List.self],
        defaultSubcommand: List.self
    )

    /// Where a new password comes from.
    struct PasswordOptions: ParsableArguments {
        @Flag(help: "Read the password from the first line of standard input.") var passwordStdin = false

        @Option(help: ArgumentHelp("Bcrypt cost (work factor), 10–16.", valueName: "n")) var cost: Int = 12

        func password(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> String {
            let password: String
            if passwordStdin {
                password = readLine(strippingNewline: true) ?? ""
            } else if let value = environment["RONDA_USER_PASSWORD"], !value.isEmpty {
                password = value
            } else {
                throw CLIError(
                    code: .usage,
                    message: "no password: pass --password-stdin (and type it), or set RONDA_USER_PASSWORD"
                )
            }
            if let weakness = Credentials.weakness(of: password) {
                throw CLIError(code: .usage, message: "the password \(weakness)")
            }
            return password
        }

        func hash(_ password: String) throws -> String {
            guard (10...16).contains(cost) else {
                throw CLIError(code: .usage, message: "--cost \(cost) is not between 10 and 16")
            }
            return Credentials.hash(password, cost: UInt8(cost))
        }
    }

    static func checkName(_ name: String) throws {
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "._@-"))
        guard !name.isEmpty, name.count <= 64, name.unicodeScalars.allSatisfy(allowed.contains) else {
            throw CLIError(
                code: .usage,
                message: "user name '\(name)' must be 1–64 letters, digits, '.', '_', '@' or '-'"
            )
        }
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add an operator.")
        @OptionGroup var results: ResultsStoreOptions
        @OptionGroup var logging: LoggingOptions
        @OptionGroup var password: PasswordOptions
        @Argument(help: "User name (what they type to sign in).") var name: String

        func run() async throws {
            try UserCommand.checkName(name)
            let hash = try password.hash(try password.password())
            let added = try await results.withStore(logger: try logging.makeLogger(label: "ronda"), create: true) {
                try await $0.dashboard(.addOperator(name, passwordHash: hash, at: Date()))
            }
            guard added else {
                throw CLIError(
                    code: .usage,
                    message: "\(name) exists already (change the password with `ronda user passwd`)"
                )
            }
            print("added operator \(name)")
        }
    }

    struct Passwd: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change an operator's password (their sessions end)."
        )
        @OptionGroup var results: ResultsStoreOptions
        @OptionGroup var logging: LoggingOptions
        @OptionGroup var password: PasswordOptions
        @Argument(help: "User name.") var name: String

        func run() async throws {
            let hash = try password.hash(try password.password())
            let changed = try await results.withStore(logger: try logging.makeLogger(label: "ronda"), create: true) {
                try await $0.dashboard(.setPassword(name, passwordHash: hash))
            }
            guard changed else { throw CLIError(code: .usage, message: "no operator \(name) (see `ronda user list`)") }
            print("changed the password of \(name); their sessions ended")
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove an operator and end their sessions.")
        @OptionGroup var results: ResultsStoreOptions
        @OptionGroup var logging: LoggingOptions
        @Argument(help: "User name.") var name: String

        func run() async throws {
            let removed = try await results.withStore(logger: try logging.makeLogger(label: "ronda"), create: true) {
                try await $0.dashboard(.removeOperator(name))
            }
            guard removed else { throw CLIError(code: .usage, message: "no operator \(name) (see `ronda user list`)") }
            print("removed operator \(name)")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List operators and when they last signed in.")
        @OptionGroup var results: ResultsStoreOptions
        @OptionGroup var logging: LoggingOptions
        @Flag(help: "Print JSON instead of text.") var json = false

        func run() async throws {
            let operators = try await results.withStore(logger: try logging.makeLogger(label: "ronda"), create: true) {
                try await $0.dashboard(.operators)
            }
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                encoder.dateEncodingStrategy = .iso8601
                print(String(decoding: try encoder.encode(["operators": operators]), as: UTF8.self))
                return
            }
            guard !operators.isEmpty else {
                print("no operators yet: add one with `RONDA_USER_PASSWORD=… ronda user add NAME`")
                return
            }
            for account in operators {
                let last = account.lastLoginAt.map { Timestamp.text($0) } ?? "never"
                print("\(account.name)\tadded \(Timestamp.text(account.createdAt))\tlast sign-in \(last)")
            }
        }
    }
}
