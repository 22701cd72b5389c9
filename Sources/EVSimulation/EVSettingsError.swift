/// A setting of the simulation that cannot be used, named as in the fleet file.
public struct EVSettingsError: Error, Equatable, CustomStringConvertible {
    public let field: String
    /// What the value must be.
    public let rule: String

    public var description: String { "\(field): \(rule)" }

    /// Throws when `condition` fails: the shape of every rule the settings check.
    static func require(_ condition: Bool, _ field: String, _ rule: String) throws(EVSettingsError) {
        guard condition else { throw EVSettingsError(field: field, rule: rule) }
    }

    /// A finite value above 0.
    static func requirePositive(_ value: Double, _ field: String) throws(EVSettingsError) {
        try require(value > 0 && value.isFinite, field, "finite values above 0")
    }

    static func requirePositive(_ range: ClosedRange<Double>, _ field: String) throws(EVSettingsError) {
        try requirePositive(range.lowerBound, field)
        try requirePositive(range.upperBound, field)
    }

    /// A value within 0…100 %.
    static func requirePercent(_ value: Double, _ field: String) throws(EVSettingsError) {
        try require((0...100).contains(value), field, "values in 0…100")
    }

    static func requirePercent(_ range: ClosedRange<Double>, _ field: String) throws(EVSettingsError) {
        try requirePercent(range.lowerBound, field)
        try requirePercent(range.upperBound, field)
    }
}

extension KeyedDecodingContainer {
    /// The value under `key`, or `fallback` (the setting's default) when the file leaves it out.
    func decode<Value: Decodable>(_ key: Key, or fallback: Value) throws -> Value {
        try decodeIfPresent(Value.self, forKey: key) ?? fallback
    }
}

extension Decoder {
    /// Runs settings' `validate` on what was decoded, its complaint as a decoding error at this place in the
    /// file, so that a fleet file with a bad value fails to load with the field named.
    func validate(_ check: () throws(EVSettingsError) -> Void) throws {
        do {
            try check()
        } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: codingPath, debugDescription: error.description))
        }
    }
}
