import OCPP201
import OCPPJ

extension OCPPVersion {
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
