import Foundation
import Testing

@testable import RondaCLI

/// `RONDA_X_FILE`: secrets mounted as files (Docker and Kubernetes secrets).
struct SecretFilesTests {
    struct Missing: Error {}

    func files(_ contents: [String: String]) -> (String) throws -> Data {
        { path in
            guard let text = contents[path] else { throw Missing() }
            return Data(text.utf8)
        }
    }

    @Test func aFileVariableSetsItsVariableLessOneTrailingLineBreak() throws {
        let added = try SecretFiles.resolve(
            [
                "RONDA_REDIS_URL_FILE": "/run/secrets/redis",
                "DEMO_ADMIN_TOKEN_FILE": "/run/secrets/admin",
                "RONDA_OWNER_PASSWORD_FILE": "/run/secrets/owner",
                "PATH": "/usr/bin",
            ],
            read: files([
                "/run/secrets/redis": "redis://:pw@redis:6379/0\n",
                "/run/secrets/admin": "token\r\n",
                "/run/secrets/owner": "  spaces kept \n\n",
            ])
        )
        #expect(
            added == [
                "RONDA_REDIS_URL": "redis://:pw@redis:6379/0",
                "DEMO_ADMIN_TOKEN": "token",
                "RONDA_OWNER_PASSWORD": "  spaces kept \n",
            ]
        )
    }

    @Test func onlyRondaAndDemoFileVariablesAreRead() throws {
        #expect(SecretFiles.isFileVariable("RONDA_SLACK_WEBHOOK_URL_FILE"))
        #expect(SecretFiles.isFileVariable("DEMO_OWNER_PASSWORD_FILE"))
        #expect(!SecretFiles.isFileVariable("POSTGRES_PASSWORD_FILE"))
        #expect(!SecretFiles.isFileVariable("RONDA_FILE"))
        #expect(!SecretFiles.isFileVariable("RONDA_lower_FILE"))
        #expect(!SecretFiles.isFileVariable("RONDA_TOKEN"))
        let added = try SecretFiles.resolve(["POSTGRES_PASSWORD_FILE": "/x"], read: files([:]))
        #expect(added.isEmpty)
    }

    @Test(arguments: [
        (["RONDA_X": "inline", "RONDA_X_FILE": "/s/x"], "both RONDA_X and RONDA_X_FILE are set"),
        (["RONDA_X_FILE": "/s/missing"], "RONDA_X_FILE: cannot read /s/missing"),
        (["RONDA_X_FILE": "/s/empty"], "RONDA_X_FILE: /s/empty is empty"),
        (["RONDA_X_FILE": "/s/newline"], "RONDA_X_FILE: /s/newline is empty"),
        (["RONDA_X_FILE": ""], "RONDA_X_FILE is empty"),
    ])
    func aProblemNamesTheVariableAndPathNeverTheContent(environment: [String: String], message: String) {
        let read = files(["/s/x": "secret-value", "/s/empty": "", "/s/newline": "\n"])
        #expect {
            _ = try SecretFiles.resolve(environment, read: read)
        } throws: { error in
            guard let error = error as? CLIError else { return false }
            return error.message.contains(message) && !error.message.contains("secret-value")
                && error.code == .configuration
        }
    }

    @Test func anEmptyVariableBesideItsFileIsNotAConflict() throws {
        let added = try SecretFiles.resolve(
            ["RONDA_X": "", "RONDA_X_FILE": "/s/x"],
            read: files(["/s/x": "v"])
        )
        #expect(added == ["RONDA_X": "v"])
    }
}
