import Foundation
import Testing

@testable import RondaCore

struct FakeDataTests {
    /// Friday 2026-01-16 10:00 in Bogotá (15:00 UTC).
    static let friday = Date(timeIntervalSince1970: 1_768_575_600)
    static let bogota = TimeZone(identifier: "America/Bogota") ?? TimeZone(secondsFromGMT: -5 * 3600)!

    func fake(seed: UInt64 = 7, today: Date = FakeDataTests.friday) -> FakeData {
        FakeData(seed: seed, today: today, timeZone: FakeDataTests.bogota)
    }

    func string(_ fake: inout FakeData, _ name: String, _ arguments: [JSONValue] = []) throws -> String {
        let value = try fake.value(named: name, arguments: arguments)
        return try #require(value.stringValue, "fake.\(name) should be a string, got \(value)")
    }

    func matches(_ text: String, _ pattern: String) -> Bool {
        text.range(of: pattern, options: .regularExpression) != nil
    }

    @Test func sameSeedGivesSameSequence() throws {
        var a = fake(seed: 42)
        var b = fake(seed: 42)
        for name in ["patient", "person", "email", "password", "uuid", "phone", "identification", "sentence"] {
            #expect(try a.value(named: name) == b.value(named: name))
        }
        #expect(
            try a.value(named: "int", arguments: [1, 1_000_000]) == b.value(named: "int", arguments: [1, 1_000_000])
        )
    }

    @Test func differentSeedsDiffer() throws {
        var a = fake(seed: 1)
        var b = fake(seed: 2)
        #expect(try a.value(named: "uuid") != b.value(named: "uuid"))
    }

    @Test func unseededRecordsItsSeed() throws {
        var random = FakeData()
        var replay = FakeData(seed: random.seed, today: random.today, timeZone: random.timeZone)
        #expect(try random.value(named: "patient") == replay.value(named: "patient"))
    }

    @Test func unseededGeneratorsGetDistinctSeeds() {
        // Seeds come from a per-process sequence (no system call per scenario): never repeated.
        let seeds = Set((0..<10_000).map { _ in FakeData().seed })
        #expect(seeds.count == 10_000)
    }

    @Test func patientLooksColombian() throws {
        var fake = fake()
        for _ in 0..<50 {
            let patient = try #require(try fake.value(for: ["patient"], arguments: []).objectValue)
            for key in [
                "first_name", "last_name", "full_name", "identification", "identification_type", "email", "phone",
                "birth_date", "gender", "address",
            ] {
                #expect(patient[key]?.stringValue?.isEmpty == false, "missing \(key)")
            }
            let identification = try #require(patient["identification"]?.stringValue)
            #expect(matches(identification, #"^\d{10}$"#))
            #expect(patient["identification_type"] == "CC")
            #expect(matches(try #require(patient["phone"]?.stringValue), #"^3\d{9}$"#))
            #expect(["F", "M"].contains(patient["gender"]?.stringValue ?? ""))
            let first = try #require(patient["first_name"]?.stringValue)
            let last = try #require(patient["last_name"]?.stringValue)
            #expect(patient["full_name"]?.stringValue == "\(first) \(last)")
            let email = try #require(patient["email"]?.stringValue)
            #expect(email.hasSuffix("@example.test"))
            #expect(email.allSatisfy { $0.isASCII })
            #expect(email.hasPrefix(FakeData.slug(first) + "."))

            let birth = try #require(patient["birth_date"]?.stringValue)
            #expect(matches(birth, #"^\d{4}-\d{2}-\d{2}$"#))
            let year = try #require(Int(birth.prefix(4)))
            #expect((2026 - 81)...(2026 - 18) ~= year, "birth date \(birth) is not an adult's")
        }
    }

    @Test func personHasContactFields() throws {
        var fake = fake()
        let person = try #require(try fake.value(named: "person").objectValue)
        #expect(Set(person.keys) == ["first_name", "last_name", "full_name", "email", "phone"])
        #expect(matches(try #require(person["phone"]?.stringValue), #"^3\d{9}$"#))
    }

    @Test func emailsAreUniqueAndWellFormed() throws {
        var fake = fake()
        var seen = Set<String>()
        for _ in 0..<300 {
            let email = try string(&fake, "email")
            #expect(matches(email, #"^[a-z0-9]+\.[a-z0-9]+\.[a-z0-9]{6}@example\.test$"#), "\(email)")
            seen.insert(email)
        }
        #expect(seen.count == 300)
    }

    @Test func passwordsAreStrong() throws {
        var fake = fake()
        for _ in 0..<100 {
            let password = try string(&fake, "password")
            #expect(password.count >= 14)
            #expect(password.contains(where: { $0.isUppercase }))
            #expect(password.contains(where: { $0.isLowercase }))
            #expect(password.contains(where: { $0.isNumber }))
            #expect(password.contains(where: { !$0.isLetter && !$0.isNumber }))
        }
    }

    @Test func uuidsAreVersion4() throws {
        var fake = fake()
        let uuid = try string(&fake, "uuid")
        #expect(matches(uuid, #"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"#), "\(uuid)")
        #expect(UUID(uuidString: uuid) != nil)
    }

    @Test func scalarsHaveTheirShapes() throws {
        var fake = fake()
        #expect(matches(try string(&fake, "username"), #"^[a-z]+_[a-z0-9]{6}$"#))
        #expect(matches(try string(&fake, "address"), #"^[A-Za-z]+ \d+[A-C]? # \d+-\d+$"#))
        #expect(FakeVocabulary.cities.contains(try string(&fake, "city")))
        #expect(try string(&fake, "company").isEmpty == false)
        #expect(try string(&fake, "name").split(separator: " ").count == 2)
        #expect(try string(&fake, "first_name").isEmpty == false)
        #expect(try string(&fake, "last_name").isEmpty == false)
        #expect(matches(try string(&fake, "identification"), #"^10\d{8}$"#))
        let sentence = try string(&fake, "sentence")
        #expect(sentence.hasSuffix(".") && sentence.first?.isUppercase == true)
        #expect(try string(&fake, "text", [2]).filter { $0 == "." }.count == 2)
    }

    @Test func intAndDigitsHonourArguments() throws {
        var fake = fake()
        for _ in 0..<200 {
            let value = try fake.value(named: "int", arguments: [5, 9])
            let number = try #require(value.number)
            #expect((5...9).contains(number))
        }
        #expect(try fake.value(named: "int", arguments: [3, 3]) == 3)
        #expect(try fake.value(named: "int", arguments: ["4", 4.0]) == 4)
        #expect(matches(try string(&fake, "digits", [4]), #"^\d{4}$"#))
        #expect(matches(try string(&fake, "digits"), #"^\d{6}$"#))

        let reversed = #expect(throws: FakeDataError.self) { try fake.value(named: "int", arguments: [9, 5]) }
        #expect(reversed?.code == .badArgument)
        #expect(throws: FakeDataError.self) { try fake.value(named: "digits", arguments: [0]) }
        #expect(throws: FakeDataError.self) { try fake.value(named: "digits", arguments: ["many"]) }
        #expect(throws: FakeDataError.self) { try fake.value(named: "uuid", arguments: [1]) }
    }

    @Test func datesAreRelativeToTodayInTheTimeZone() throws {
        var fake = fake()
        #expect(try string(&fake, "today") == "2026-01-16")
        #expect(try string(&fake, "tomorrow") == "2026-01-17")
        #expect(try string(&fake, "yesterday") == "2026-01-15")
        #expect(try string(&fake, "date", [3]) == "2026-01-19")
        #expect(try string(&fake, "date", [-16]) == "2025-12-31")
        #expect(try string(&fake, "date") == "2026-01-16")
        #expect(try string(&fake, "next_weekday") == "2026-01-19")  // Friday → Monday
        #expect(try string(&fake, "weekday", ["monday"]) == "2026-01-19")
        #expect(try string(&fake, "weekday", ["Viernes"]) == "2026-01-23")  // strictly after today
        #expect(try string(&fake, "weekday", ["miércoles"]) == "2026-01-21")
        #expect(try string(&fake, "datetime") == "2026-01-16T10:00:00-05:00")
        #expect(try string(&fake, "datetime", [90]) == "2026-01-16T11:30:00-05:00")

        // 22:00 in Bogotá is already the next day in UTC: "today" follows the configured zone.
        var late = FakeData(seed: 1, today: Self.friday.addingTimeInterval(12 * 3600), timeZone: Self.bogota)
        #expect(try string(&late, "today") == "2026-01-16")
        var utc = FakeData(
            seed: 1,
            today: Self.friday.addingTimeInterval(12 * 3600),
            timeZone: TimeZone(secondsFromGMT: 0)!
        )
        #expect(try string(&utc, "today") == "2026-01-17")
        #expect(try string(&utc, "next_weekday") == "2026-01-19")  // Saturday → Monday
        #expect(try string(&utc, "datetime") == "2026-01-17T03:00:00Z")

        let badDay = #expect(throws: FakeDataError.self) { try fake.value(named: "weekday", arguments: ["funday"]) }
        #expect(badDay?.code == .badArgument)
        #expect(throws: FakeDataError.self) { try fake.value(named: "weekday") }
    }

    @Test func timesAreValidated() throws {
        var fake = fake()
        #expect(try string(&fake, "time", ["10:30"]) == "10:30")
        #expect(try string(&fake, "time", ["9:05"]) == "09:05")
        #expect(try string(&fake, "time", ["23:59:59"]) == "23:59:59")
        for bad: JSONValue in ["24:00", "10:60", "10", "10:3", "ab:cd", 1030] {
            #expect(throws: FakeDataError.self) { try fake.value(named: "time", arguments: [bad]) }
        }
        let slot = try string(&fake, "time")
        #expect(matches(slot, #"^(0[89]|1[0-7]):(00|30)$"#), "\(slot)")
    }

    @Test func sandboxCards() throws {
        var fake = fake()
        let expected: [String: String] = [
            "card.stripe.success": "4242424242424242",
            "card.stripe.decline": "4000000000000002",
            "card.wompi.approved": "4242424242424242",
            "card.wompi.declined": "4111111111111111",
            "card.mercadopago.approved": "5031755734530604",
            "card.mercadopago.rejected": "4509953566233704",
            "card.mercadopago.holder.approved": "APRO",
            "card.cvc": "123",
            "card.expiry": "01/28",
            "card.exp_month": "01",
            "card.exp_year": "28",
        ]
        for (name, value) in expected {
            #expect(try string(&fake, name) == value, "fake.\(name)")
        }
        #expect(try fake.value(for: ["card", "stripe", "success"], arguments: []) == "4242424242424242")
        for entry in TestCards.values where entry.name.hasPrefix("card.") && entry.value.count >= 12 {
            #expect(TestCards.passesLuhn(entry.value), "\(entry.name) fails the Luhn check")
        }
    }

    @Test func unknownNamesListTheKnownOnes() throws {
        var fake = fake()
        let error = #expect(throws: FakeDataError.self) { try fake.value(for: ["patiente"], arguments: []) }
        #expect(error?.code == .unknownName)
        #expect(error?.message.contains("fake.patiente") == true)
        #expect(error?.message.contains("patient") == true)
        #expect(error?.message.contains("card.stripe.success") == true)
        #expect(throws: FakeDataError.self) { try fake.value(named: "card.stripe") }
    }

    @Test func everyKnownNameProducesAValue() throws {
        var fake = fake()
        #expect(Set(FakeData.knownNames).count == FakeData.knownNames.count)
        for name in FakeData.knownNames {
            let arguments: [JSONValue] = name == "weekday" ? ["monday"] : []
            let value = try fake.value(named: name, arguments: arguments)
            #expect(!value.isNull && value.isTruthy, "fake.\(name)")
        }
    }

    @Test func slugFoldsAccents() {
        #expect(FakeData.slug("Sebastián Muñoz") == "sebastianmunoz")
        #expect(FakeData.slug("Óscar") == "oscar")
    }
}
