import Foundation
import Testing

@testable import RondaStore

@Suite struct StoreLocationTests {
    @Test func parsesAFullPostgresURL() throws {
        let location = try StoreLocation(
            parsing: "postgres://ronda:s3cr%3At%2Fp%40ss@db.internal:6543/results?sslmode=require"
        )
        #expect(
            location
                == .postgres(
                    PostgresLocation(
                        host: "db.internal",
                        port: 6543,
                        user: "ronda",
                        password: "s3cr:t/p@ss",
                        database: "results",
                        tls: .require
                    )
                )
        )
    }

    @Test func defaultsPortAndTLSAndAcceptsThePostgresqlScheme() throws {
        let location = try StoreLocation(parsing: "postgresql://ronda@127.0.0.1/ronda")
        #expect(
            location
                == .postgres(
                    PostgresLocation(
                        host: "127.0.0.1",
                        port: 5432,
                        user: "ronda",
                        password: nil,
                        database: "ronda",
                        tls: .prefer
                    )
                )
        )
        #expect(location.redacted == "postgres://ronda@127.0.0.1:5432/ronda?sslmode=prefer")
    }

    @Test func acceptsRawSpecialCharactersInThePassword() throws {
        // An unencoded '@' and '/' in the password still parse: the host follows the last '@'.
        let location = try StoreLocation(parsing: "postgres://u:p@ss/w@[::1]:5433/db?sslmode=disable")
        #expect(
            location
                == .postgres(
                    PostgresLocation(
                        host: "::1",
                        port: 5433,
                        user: "u",
                        password: "p@ss/w",
                        database: "db",
                        tls: .disable
                    )
                )
        )
        #expect(location.redacted == "postgres://u:***@[::1]:5433/db?sslmode=disable")
    }

    @Test(arguments: [
        ("sqlite:.ronda/ronda.sqlite", ".ronda/ronda.sqlite"),
        ("sqlite:///var/lib/ronda.sqlite", "/var/lib/ronda.sqlite"),
        ("/var/lib/ronda.sqlite", "/var/lib/ronda.sqlite"),
        ("ronda.sqlite", "ronda.sqlite"),
    ])
    func parsesSQLiteLocations(_ text: String, _ path: String) throws {
        #expect(try StoreLocation(parsing: text) == .sqlite(path: path))
    }

    @Test(arguments: [
        ("postgres://ronda:hunter2@/ronda", "no host"),
        ("postgres://ronda:hunter2@db:5432/", "no database name"),
        ("postgres://ronda:hunter2@db:5432", "no database name"),
        ("postgres://ronda:hunter2@db:99999/ronda", "port is not a number"),
        ("postgres://ronda:hunter2@db:abc/ronda", "port is not a number"),
        ("postgres://ronda:hunter2/ronda", "no user name"),  // no '@': the password is not taken for a port
        ("postgres://db:5432/ronda", "no user name"),
        ("postgres://ronda:hunter2@db/ronda?sslmode=sometimes", "sslmode 'sometimes'"),
        ("postgres://ronda:hunter2@db/ronda?application_name=x", "unknown parameter 'application_name'"),
        ("postgres://ronda:hunter%2@db/ronda", "malformed percent-escape"),
        ("postgres://ronda:hun#ter2@db/ronda", "'#'"),
        ("mysql://ronda:hunter2@db/ronda", "unsupported scheme 'mysql'"),
        ("sqlite:", "names no SQLite file"),
        ("   ", "is empty"),
    ])
    func rejectsMalformedURLsNamingTheSettingWithoutThePassword(_ text: String, _ problem: String) {
        let error = #expect(throws: StoreError.self) { try StoreLocation(parsing: text, setting: "RONDA_DATABASE_URL") }
        #expect(error?.code == .invalidLocation)
        #expect(error?.message.contains("RONDA_DATABASE_URL") == true)
        #expect(error?.message.contains(problem) == true, "\(error?.message ?? "")")
        #expect(error?.message.contains("hunter") == false)
    }

    @Test func descriptionNeverShowsThePassword() throws {
        let location = try StoreLocation(parsing: "postgres://ronda:hunter2@db/ronda")
        #expect(location.description == "postgres://ronda:***@db:5432/ronda?sslmode=prefer")
        #expect(!"\(location)".contains("hunter2"))
        #expect(!String(describing: [location]).contains("hunter2"))
        #expect(try StoreLocation(parsing: "sqlite:a.sqlite").description == "sqlite:a.sqlite")
    }
}

extension StoreLocationTests {
    @Test func debugFormsNeverShowThePassword() throws {
        let location = try StoreLocation(parsing: "postgres://ronda:hunter2@db/ronda")
        #expect(!String(reflecting: location).contains("hunter2"))
        var dumped = ""
        dump(location, to: &dumped)
        #expect(!dumped.contains("hunter2"))
        guard case .postgres(let postgres) = location else {
            Issue.record("not PostgreSQL")
            return
        }
        #expect(!String(reflecting: postgres).contains("hunter2"))
    }
}

extension StoreLocationTests {
    /// Text meant as a URL is never taken for a SQLite file name (which would put the password
    /// into a file name and fail later with "no such table").
    @Test(arguments: [
        "postgres//ronda:hunter2@db/ronda",  // the colon after the scheme is missing
        "postgresql//ronda:hunter2@db:5432/ronda",
        "POSTGRES//ronda:hunter2@db/ronda",
        "postgres:/ronda:hunter2@db/ronda",  // one slash
        "postgres:ronda:hunter2@db/ronda",  // no slashes
        "ronda:hunter2@db/ronda",  // no scheme at all
        "postgres:/db/ronda",  // a known scheme and a colon, no credentials
        "redis//:hunter2@cache:6379",
    ])
    func rejectsTextThatLooksLikeAURLWithoutEchoingIt(_ text: String) {
        let error = #expect(throws: StoreError.self) { try StoreLocation(parsing: text, setting: "RONDA_DATABASE_URL") }
        #expect(error?.code == .invalidLocation)
        #expect(
            error?.message.contains("RONDA_DATABASE_URL looks like a URL but is not a valid one") == true,
            "\(error?.message ?? "")"
        )
        #expect(error?.message.contains("postgres://user:password@host:5432/database") == true)
        #expect(error?.message.contains("sqlite:PATH") == true)
        #expect(error?.message.contains("hunter") == false)
        #expect(error?.message.contains("ronda/") == false)
    }

    @Test func plainPathsWithColonsOrAtSignsStaySQLiteFiles() throws {
        #expect(try StoreLocation(parsing: "./data/ronda@2026.sqlite") == .sqlite(path: "./data/ronda@2026.sqlite"))
        #expect(try StoreLocation(parsing: "data/ronda.sqlite") == .sqlite(path: "data/ronda.sqlite"))
        #expect(try StoreLocation(parsing: "/var/lib/ronda:main.sqlite") == .sqlite(path: "/var/lib/ronda:main.sqlite"))
    }

    @Test func anUnsupportedSchemeIsNamedOnlyWhenItIsOne() {
        let error = #expect(throws: StoreError.self) { try StoreLocation(parsing: "ronda:hunter2@db://x") }
        #expect(error?.message.contains("unsupported scheme:") == true, "\(error?.message ?? "")")
        #expect(error?.message.contains("hunter2") == false)
    }
}
