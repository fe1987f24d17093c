public import Foundation

/// Generates the fake data scenarios ask for with `{{ fake.… }}`: people and patients with
/// Colombian names, cédulas and mobile numbers, e-mails, passwords, dates relative to today,
/// and the providers' sandbox card numbers.
///
/// `FakeData` is a value type holding its own pseudo-random generator, so generating a value
/// is `mutating`: keep one `var` per scenario run and call ``value(for:arguments:)`` for each
/// template. Two instances made with the same seed and `today` produce the same sequence.
///
/// ```swift
/// var fake = FakeData(seed: 42)
/// let patient = try fake.value(for: ["patient"], arguments: [])   // an object
/// let nextVisit = try fake.value(for: ["date"], arguments: [3])    // "2026-01-23"
/// ```
public struct FakeData: Sendable {
    /// The seed the generator started from (random when none was given), for reproducing a run.
    public let seed: UInt64
    /// The reference instant for `today`, `date(n)`, `datetime`, card expiry and birth dates.
    public let today: Date
    /// The time zone in which "today" is a calendar day.
    public let timeZone: TimeZone

    var rng: SplitMix64

    /// Creates a generator.
    /// - Parameters:
    ///   - seed: fixes the sequence of values; `nil` picks a random seed (see ``seed``).
    ///   - today: the reference instant for date-based values.
    ///   - timeZone: the zone used to turn `today` into a calendar date.
    public init(seed: UInt64? = nil, today: Date = Date(), timeZone: TimeZone = .current) {
        let chosen = seed ?? RandomSeeds.next()
        self.seed = chosen
        self.today = today
        self.timeZone = timeZone
        self.rng = SplitMix64(seed: chosen)
    }

    /// Every name ``value(for:arguments:)`` accepts (the part after `fake.`), for validation and docs.
    public static var knownNames: [String] {
        baseNames + TestCards.values.map(\.name) + ["card.expiry", "card.exp_month", "card.exp_year"]
    }

    static let baseNames = [
        "person", "patient", "first_name", "last_name", "name", "email", "phone", "address", "city",
        "company", "username", "password", "uuid", "int", "digits", "text", "sentence", "identification",
        "birth_date", "gender", "today", "tomorrow", "yesterday", "date", "next_weekday", "weekday", "time",
        "datetime",
    ]

    /// Produces the value of `fake.<path joined by dots>`.
    ///
    /// - Parameters:
    ///   - path: the dotted name after `fake.`, split on dots, e.g. `["card", "stripe", "success"]`.
    ///   - arguments: call arguments, e.g. `[3]` for `fake.date(3)`, `[1, 10]` for `fake.int(1, 10)`.
    /// - Returns: a string for scalar names, an object for `person` and `patient`.
    /// - Throws: ``FakeDataError`` with code `.unknownName` (the message lists the known names) or
    ///   `.badArgument`.
    public mutating func value(for path: [String], arguments: [JSONValue]) throws -> JSONValue {
        let name = path.joined(separator: ".")
        if let card = TestCards.byName[name] {
            try Self.expectNoArguments(name, arguments)
            return .string(card)
        }
        switch name {
        case "person":
            try Self.expectNoArguments(name, arguments)
            return person()
        case "patient":
            try Self.expectNoArguments(name, arguments)
            return patient()
        case "first_name":
            try Self.expectNoArguments(name, arguments)
            return .string(firstName(female: rng.int(in: 0...1) == 0))
        case "last_name":
            try Self.expectNoArguments(name, arguments)
            return .string(rng.pick(FakeVocabulary.lastNames))
        case "name":
            try Self.expectNoArguments(name, arguments)
            let first = firstName(female: rng.int(in: 0...1) == 0)
            return .string("\(first) \(rng.pick(FakeVocabulary.lastNames))")
        case "email":
            try Self.expectNoArguments(name, arguments)
            return .string(
                email(first: firstName(female: rng.int(in: 0...1) == 0), last: rng.pick(FakeVocabulary.lastNames))
            )
        case "phone":
            try Self.expectNoArguments(name, arguments)
            return .string(mobilePhone())
        case "address":
            try Self.expectNoArguments(name, arguments)
            return .string(address())
        case "city":
            try Self.expectNoArguments(name, arguments)
            return .string(rng.pick(FakeVocabulary.cities))
        case "company":
            try Self.expectNoArguments(name, arguments)
            return .string(company())
        case "username":
            try Self.expectNoArguments(name, arguments)
            return .string(username())
        case "password":
            try Self.expectNoArguments(name, arguments)
            return .string(password())
        case "uuid":
            try Self.expectNoArguments(name, arguments)
            return .string(uuid())
        case "identification":
            try Self.expectNoArguments(name, arguments)
            return .string(identification())
        case "gender":
            try Self.expectNoArguments(name, arguments)
            return .string(rng.pick(["F", "M"]))
        case "birth_date":
            try Self.expectNoArguments(name, arguments)
            return .string(birthDate())
        case "int": return .int(try randomInt(arguments))
        case "digits":
            try Self.expectAtMost(1, name, arguments)
            let count = try Self.intArgument(name, arguments, 0, default: 6)
            guard (1...100).contains(count) else {
                throw FakeDataError.argument(name, "count must be 1…100, got \(count)")
            }
            return .string(rng.digits(count))
        case "sentence":
            try Self.expectNoArguments(name, arguments)
            return .string(sentence())
        case "text":
            try Self.expectAtMost(1, name, arguments)
            let count = try Self.intArgument(name, arguments, 0, default: 3)
            guard (1...50).contains(count) else {
                throw FakeDataError.argument(name, "sentence count must be 1…50, got \(count)")
            }
            return .string((0..<count).map { _ in sentence() }.joined(separator: " "))
        default:
            return try dateValue(name, arguments)
        }
    }

    /// Convenience for a dotted name: `value(named: "card.stripe.success")`.
    public mutating func value(named name: String, arguments: [JSONValue] = []) throws -> JSONValue {
        try value(
            for: name.split(separator: ".", omittingEmptySubsequences: false).map(String.init),
            arguments: arguments
        )
    }

    // MARK: - People

    private mutating func person() -> JSONValue {
        let first = firstName(female: rng.int(in: 0...1) == 0)
        let last = rng.pick(FakeVocabulary.lastNames)
        return .object([
            "first_name": .string(first),
            "last_name": .string(last),
            "full_name": .string("\(first) \(last)"),
            "email": .string(email(first: first, last: last)),
            "phone": .string(mobilePhone()),
        ])
    }

    private mutating func patient() -> JSONValue {
        let female = rng.int(in: 0...1) == 0
        let first = firstName(female: female)
        let last = rng.pick(FakeVocabulary.lastNames)
        return .object([
            "first_name": .string(first),
            "last_name": .string(last),
            "full_name": .string("\(first) \(last)"),
            "identification": .string(identification()),
            "identification_type": "CC",
            "email": .string(email(first: first, last: last)),
            "phone": .string(mobilePhone()),
            "birth_date": .string(birthDate()),
            "gender": .string(female ? "F" : "M"),
            "address": .string(address()),
            "city": .string(rng.pick(FakeVocabulary.cities)),
        ])
    }

    private mutating func firstName(female: Bool) -> String {
        rng.pick(female ? FakeVocabulary.femaleFirstNames : FakeVocabulary.maleFirstNames)
    }

    /// `maria.gomez.k3x9q2@example.test`: ASCII, lowercase, with a random token so that repeated
    /// runs do not collide on unique e-mail constraints.
    private mutating func email(first: String, last: String) -> String {
        "\(Self.slug(first)).\(Self.slug(last)).\(rng.token(6))@example.test"
    }

    /// A Colombian mobile number: `3` followed by nine digits, with a real operator prefix.
    private mutating func mobilePhone() -> String {
        "3" + rng.pick(FakeVocabulary.mobilePrefixes) + rng.digits(7)
    }

    /// A 10-digit cédula-like number as issued since 2003 (`10` followed by eight digits).
    private mutating func identification() -> String {
        "10" + rng.digits(8)
    }

    private mutating func address() -> String {
        let kind = rng.pick(FakeVocabulary.streetKinds)
        let letter = rng.int(in: 0...3) == 0 ? rng.pick(["A", "B", "C"]) : ""
        return "\(kind) \(rng.int(in: 1...140))\(letter) # \(rng.int(in: 1...99))-\(rng.int(in: 1...99))"
    }

    private mutating func company() -> String {
        "\(rng.pick(FakeVocabulary.companyKinds)) \(rng.pick(FakeVocabulary.companyWords)) \(rng.pick(FakeVocabulary.companySuffixes))"
    }

    private mutating func username() -> String {
        let first = Self.slug(firstName(female: rng.int(in: 0...1) == 0))
        return "\(first)_\(rng.token(6))"
    }

    /// 16 characters with at least one upper-case letter, lower-case letter, digit and symbol.
    private mutating func password() -> String {
        let upper = Array("ABCDEFGHJKLMNPQRSTUVWXYZ")
        let lower = Array("abcdefghijkmnopqrstuvwxyz")
        let digits = Array("23456789")
        let symbols = Array("!#$%*-_.@?")
        var characters = [rng.pick(upper), rng.pick(lower), rng.pick(digits), rng.pick(symbols)]
        let all = upper + lower + digits + symbols
        while characters.count < 16 { characters.append(rng.pick(all)) }
        characters.shuffle(using: &rng)
        return String(characters)
    }

    /// A version-4 UUID (lower case) drawn from the seeded generator.
    private mutating func uuid() -> String {
        var bytes = (0..<16).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        bytes[6] = (bytes[6] & 0x0F) | 0x40
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        let hex = bytes.map { byte in
            let text = String(byte, radix: 16)
            return byte < 16 ? "0" + text : text
        }
        let groups = [hex[0..<4], hex[4..<6], hex[6..<8], hex[8..<10], hex[10..<16]]
        return groups.map { $0.joined() }.joined(separator: "-")
    }

    private mutating func sentence() -> String {
        let count = rng.int(in: 5...10)
        var words = (0..<count).map { _ in rng.pick(FakeVocabulary.words) }
        words[0] = words[0].prefix(1).uppercased() + words[0].dropFirst()
        return words.joined(separator: " ") + "."
    }

    private mutating func randomInt(_ arguments: [JSONValue]) throws -> Int {
        try Self.expectAtMost(2, "int", arguments)
        let low: Int
        let high: Int
        switch arguments.count {
        case 0: (low, high) = (0, 1000)
        case 1: (low, high) = (0, try Self.intArgument("int", arguments, 0, default: 0))
        default:
            (low, high) = (
                try Self.intArgument("int", arguments, 0, default: 0),
                try Self.intArgument("int", arguments, 1, default: 0)
            )
        }
        guard low <= high else { throw FakeDataError.argument("int", "min \(low) is greater than max \(high)") }
        return rng.int(in: low...high)
    }

    // MARK: - Helpers

    /// Lower-case ASCII letters and digits only: `"Sebastián Muñoz"` → `"sebastianmunoz"`.
    static func slug(_ text: String) -> String {
        let folded = text.folding(
            options: [.diacriticInsensitive, .caseInsensitive],
            locale: Locale(identifier: "en_US_POSIX")
        )
        return String(
            folded.lowercased().unicodeScalars.filter {
                $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))
            }.map(Character.init)
        )
    }

    static func expectNoArguments(_ name: String, _ arguments: [JSONValue]) throws {
        try expectAtMost(0, name, arguments)
    }

    static func expectAtMost(_ count: Int, _ name: String, _ arguments: [JSONValue]) throws {
        guard arguments.count > count else { return }
        let allowed = count == 0 ? "no arguments" : "at most \(count) argument\(count == 1 ? "" : "s")"
        throw FakeDataError.argument(name, "takes \(allowed), got \(arguments.count)")
    }

    /// An integer argument; accepts integers, integral doubles and numeric strings.
    static func intArgument(_ name: String, _ arguments: [JSONValue], _ index: Int, default fallback: Int) throws -> Int
    {
        guard index < arguments.count else { return fallback }
        let argument = arguments[index]
        if case .int(let value) = argument { return value }
        if let number = argument.number, number.isFinite, number == number.rounded(), abs(number) < 1e15 {
            return Int(number)
        }
        throw FakeDataError.argument(name, "argument \(index + 1) must be an integer, got \(argument.jsonText())")
    }
}
