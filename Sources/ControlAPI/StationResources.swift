import HTTPServer

/// The part of the REST API that depends on the OCPP version the station speaks: every route but health,
/// the contract and the frame log, and what makes the station ready.
package protocol StationResources: Sendable {
    /// Answers `route` (its method already checked), now or later through `responder`.
    func dispatch(_ route: Route, _ request: HTTPRequest, _ responder: HTTPResponder) throws(Problem)

    /// Why the station is not ready to work; nil when it is.
    func readiness() -> Problem?

    /// The station as `GET /api/v1/status` shows it, from what was last published (nil before anything was):
    /// a fleet's list reads it for every station without waking an engine.
    func station() -> StationResource?
}
