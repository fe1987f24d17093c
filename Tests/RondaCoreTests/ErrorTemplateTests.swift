import Foundation
import Testing

@testable import RondaCore

/// The one error template: opaque lowerCamel codes per error type, `description` as `code: message`,
/// and the operator's text (`message`) without the code.
struct ErrorTemplateTests {
    struct Plain: Error, CustomStringConvertible {
        var description: String { "plain failure" }
    }

    @Test func codesCompareByNameAndPrintTheirName() {
        #expect(FakeDataError.Code.unknownName == .unknownName)
        #expect(FakeDataError.Code.unknownName != .badArgument)
        #expect(FakeDataError.Code.unknownName.description == "unknownName")
        #expect(Set([SigningError.Code.invalidBody, .invalidBody, .missingInput]).count == 2)
    }

    @Test(arguments: [
        FakeDataError.Code.unknownName.description, FakeDataError.Code.badArgument.description,
        SigningError.Code.invalidBody.description, SigningError.Code.missingProperty.description,
        SigningError.Code.missingInput.description, JSONSchemaError.Code.invalidSchema.description,
        JSONSchemaError.Code.unresolvableReference.description, EvaluationError.Code.unknownVariable.description,
        EvaluationError.Code.missingEnvironment.description, EvaluationError.Code.typeMismatch.description,
        EvaluationError.Code.unknownFunction.description, EvaluationError.Code.invalidArgument.description,
        EvaluationError.Code.fakeData.description, ExpressionSyntaxError.Code.invalidSyntax.description,
        CaptureError.Code.nothingFound.description, SourceFileError.Code.invalidFile.description,
        SourceFileError.Code.unreadable.description,
    ])
    func everyCodeIsLowerCamelCase(_ name: String) {
        #expect(name.first?.isLowercase == true, "\(name)")
        #expect(name.allSatisfy { $0.isLetter || $0.isNumber }, "\(name)")
    }

    @Test func theDescriptionLeadsWithTheCodeAndTheMessageDoesNot() {
        let error = EvaluationError(.typeMismatch, "length() needs text, got a number")
        #expect(error.description == "typeMismatch: length() needs text, got a number")
        #expect(error.message == "length() needs text, got a number")
        #expect("\(error)" == error.description)
    }

    @Test func theOperatorSeesTheMessageOfARondaErrorAndTheDescriptionOfAnyOther() {
        let ronda: any Error = FakeDataError(code: .badArgument, message: "fake.int: min 9 is greater than max 5")
        #expect(ronda.operatorMessage == "fake.int: min 9 is greater than max 5")
        #expect("\(ronda)" == "badArgument: fake.int: min 9 is greater than max 5")
        #expect(Plain().operatorMessage == "plain failure")
    }

    @Test func aBadExpressionIsASyntaxErrorWithItsOffsetNeverACrash() {
        for text in ["", "(", "a ==", "'unclosed", "1 +* 2", "a..b", String(repeating: "(", count: 500)] {
            #expect {
                _ = try ExpressionParser.parse(text)
            } throws: { error in
                guard let e = error as? ExpressionSyntaxError else { return false }
                return e.code == .invalidSyntax && e.offset >= 0 && e.description == "invalidSyntax: \(e.message)"
            }
        }
    }

    @Test func aFileThatDoesNotLoadListsEveryIssueUnderOneCode() {
        #expect {
            _ = try ScenarioLoader.parse("scenario: S\npriority: P9\nsteps: 3\n", file: "bad.yml")
        } throws: { error in
            guard let e = error as? SourceFileError else { return false }
            return e.code == .invalidFile && e.issues.count >= 2 && e.message.hasPrefix("bad.yml:")
                && e.description == "invalidFile: " + e.message
        }
        #expect {
            _ = try ScenarioLoader.load(file: "/nonexistent/\(UUID().uuidString).yml")
        } throws: { error in
            (error as? SourceFileError)?.code == .unreadable
        }
    }

    @Test func aCaptureThatFindsNothingNamesTheCaptureInItsMessage() throws {
        let capture = Capture(
            name: "id",
            source: .json(try JSONPath(parsing: "$.id")),
            optional: false,
            location: SourceLocation(file: "c.yml", line: 1, column: 1)
        )
        let response = ResponseView(status: 200, headers: [], body: Array("{}".utf8), duration: 0)
        #expect {
            _ = try capture.extract(from: response)
        } throws: { error in
            guard let e = error as? CaptureError else { return false }
            return e.code == .nothingFound && e.capture == "id" && e.message.hasPrefix("capture 'id': ")
        }
    }
}
