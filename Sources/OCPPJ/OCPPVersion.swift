/// The OCPP versions this product speaks. The websocket subprotocol a connection agreed on says which one
/// it speaks; a station is started with one, and its data folder keeps it.
public enum OCPPVersion: String, Sendable, CaseIterable, CustomStringConvertible {
    case v16 = "1.6"
    case v201 = "2.0.1"

    /// The websocket subprotocol that selects the version ([J] §3.1, [P4] §3.1).
    public var subprotocol: String { "ocpp\(rawValue)" }

    public init?(subprotocol: String) {
        guard let version = Self.allCases.first(where: { $0.subprotocol == subprotocol }) else { return nil }
        self = version
    }

    public var description: String { "OCPP \(rawValue)" }
}
