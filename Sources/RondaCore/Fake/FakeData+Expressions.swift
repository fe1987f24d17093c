extension FakeData: FakeValueSource {
    public func knows(_ name: String) -> Bool { FakeData.knownNameSet.contains(name) }

    public mutating func value(for name: String, arguments: [JSONValue]) throws -> JSONValue {
        try value(named: name, arguments: arguments)
    }

    static let knownNameSet = Set(knownNames)
}
