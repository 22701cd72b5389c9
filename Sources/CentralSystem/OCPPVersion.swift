import OCPP201

/// The OCPP versions the central system speaks. A station speaks the one whose subprotocol its websocket
/// agreed on; that decides how its frames are read and answered, and which CALLs the API sends it.
public enum OCPPVersion: String, Sendable, CaseIterable {
    case v16 = "1.6"
    case v201 = "2.0.1"

    /// The websocket subprotocol that selects the version ([J] §3.1, [P4] §3.1).
    public var subprotocol: String { "ocpp\(rawValue)" }

    public init?(subprotocol: String) {
        guard let version = Self.allCases.first(where: { $0.subprotocol == subprotocol }) else { return nil }
        self = version
    }

    /// Whether an API caller's CALL goes out to a station of this version. Under 2.0.1 only its own actions
    /// do: a 1.6 name (RemoteStartTransaction) is the likely mistake there, and the station could only answer
    /// NotImplemented. Under 1.6 any name goes out, as it always did, so a charge point's CALLERROR for an
    /// action it does not know stays testable through the API.
    func sends(action: String) -> Bool {
        switch self {
        case .v16: true
        case .v201: Action(rawValue: action) != nil
        }
    }
}
