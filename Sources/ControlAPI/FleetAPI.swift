import EngineSupport
import Glibc
import HTTPServer
import OCPPJ
import Threads

/// The REST API of a fleet (`chargepoint fleet`): the list of its stations, and under
/// `/api/v1/stations/{id}/` each station's whole single-station API, answered by that station's own
/// `ControlAPI` as if it ran alone (`/api/v1/stations/CP0001/connectors/1/start` is that station's
/// `/api/v1/connectors/1/start`; its `/metrics` is `/api/v1/stations/{id}/metrics`). A script written for
/// one station works against any station of a fleet with `stations/{id}/` inserted after `/api/v1/`.
///
/// What the fleet itself answers: `/healthz`, `/readyz` (every station ready), `/metrics` (aggregates with no
/// label set per station: `FleetTelemetry`), `/openapi.yaml`, the list, the traffic generator
/// (`/api/v1/traffic`), the links an operator cuts and restores (`/api/v1/links`), and the fleet page (`/`,
/// Web/fleet.html). Each station's own page
/// is at `/stations/{id}/`: everything under that folder is the station's own path (its page asks for
/// `api/v1/...` relative to where it is), so the single-station page works unchanged for any station.
package final class FleetAPI: Sendable {
    private let roster: FleetRoster
    /// Adds and removes stations while the fleet runs.
    private let membership: FleetMembership
    private let access: APIAccess
    /// nil when the fleet runs without vehicles.
    private let traffic: FleetTraffic?
    private let links: FleetLinks
    private let telemetry: FleetTelemetry
    private let page: StaticFiles

    package init(
        roster: FleetRoster, membership: FleetMembership, traffic: FleetTraffic?, links: FleetLinks,
        telemetry: FleetTelemetry, page: StaticFiles, access: APIAccess
    ) {
        self.roster = roster
        self.membership = membership
        self.links = links
        self.telemetry = telemetry
        self.traffic = traffic
        self.page = page
        self.access = access
    }

    package func handle(_ request: HTTPRequest, _ responder: HTTPResponder) {
        do {
            if request.method == "DELETE", let identity = stationNamed(by: request.path) {
                try remove(identity, request, responder)
                return
            }
            if let (station, forwarded) = try forwarding(request) {
                station.handle(forwarded, responder)
                return
            }
            try serve(request, responder)
        } catch {
            responder.respond(ControlAPI.problem(error))
        }
    }

    /// A request for one station: the station and the request as its own API sees it.
    private func forwarding(_ request: HTTPRequest) throws(Problem) -> (ControlAPI, HTTPRequest)? {
        let pagePrefix = "/stations/"
        if request.path.hasPrefix(pagePrefix) {
            let rest = request.path.dropFirst(pagePrefix.count)
            let identityText = rest.prefix { $0 != "/" }
            guard let station = try station(String(identityText)) else { return nil }
            var forwarded = request
            forwarded.path = String(rest.dropFirst(identityText.count))
            if forwarded.path.isEmpty { forwarded.path = "/" }
            return (station, forwarded)
        }
        let prefix = "/api/v1/stations/"
        guard request.path.hasPrefix(prefix) else { return nil }
        let rest = request.path.dropFirst(prefix.count)
        let identityText = rest.prefix { $0 != "/" }
        guard let station = try station(String(identityText)) else { throw .notFound(request.path) }
        let path = String(rest.dropFirst(identityText.count))
        var forwarded = request
        switch path {
        case "", "/": forwarded.path = "/api/v1/status"
        case "/metrics", "/readyz", "/healthz": forwarded.path = path
        default: forwarded.path = "/api/v1" + path
        }
        return (station, forwarded)
    }

    /// The station a path segment names; nil for an empty or undecodable one.
    private func station(_ segment: String) throws(Problem) -> ControlAPI? {
        guard let identity = percentDecoded(segment), !identity.isEmpty else { return nil }
        guard let station = roster.api(identity) else { throw Self.noSuchStation(identity) }
        return station
    }

    private static func noSuchStation(_ identity: String) -> Problem {
        Problem(
            404, "station-not-found", "Not Found",
            "This fleet has no station '\(identity)'; GET /api/v1/stations lists its stations.")
    }

    /// The identity of `/api/v1/stations/{id}` (the station itself, nothing under it); nil for any other path.
    private func stationNamed(by path: String) -> String? {
        let prefix = "/api/v1/stations/"
        guard path.hasPrefix(prefix) else { return nil }
        var rest = path.dropFirst(prefix.count)
        if rest.hasSuffix("/") { rest = rest.dropLast() }
        guard !rest.isEmpty, !rest.contains("/") else { return nil }
        return percentDecoded(String(rest))
    }

    /// `DELETE /api/v1/stations/{id}`: the station stops and leaves the fleet; its data folder stays, so the
    /// same identity added again carries on where it was.
    private func remove(_ identity: String, _ request: HTTPRequest, _ responder: HTTPResponder) throws(Problem) {
        if let refusal = access.refusal(for: request, route: nil, isStaticFile: false) {
            responder.respond(refusal)
            return
        }
        guard roster.api(identity) != nil else { throw Self.noSuchStation(identity) }
        // Stopping waits for the link's close handshake: off the HTTP server's few workers.
        let membership = membership
        try onItsOwnThread {
            membership.remove(identity)
            responder.respond(HTTPResponse(status: 204, headers: [], body: []))
        }
    }

    /// `POST /api/v1/stations`: a new station joins the fleet and starts.
    private func add(_ request: HTTPRequest, _ responder: HTTPResponder) throws(Problem) {
        let body = try ControlAPI.decode(NewStation.self, request.body)
        let membership = membership
        let roster = roster
        try onItsOwnThread {
            do throws(Problem) {
                try membership.add(body)
                guard let station = roster.api(body.identity)?.station else {
                    return responder.respond(ControlAPI.problem(Self.noSuchStation(body.identity)))
                }
                var response = ControlAPI.json(201, station)
                response.headers.append((name: "Location", value: "/api/v1/stations/\(percentEncodedSegment(body.identity))"))
                responder.respond(response)
            } catch {
                responder.respond(ControlAPI.problem(error))
            }
        }
    }

    /// Work that waits (a store to open, a link to close) on a thread of its own, which answers when done.
    private func onItsOwnThread(_ work: @escaping @Sendable () -> Void) throws(Problem) {
        guard let thread = spawnThread(work) else {
            throw Problem(503, "busy", "Service Unavailable", "No thread to carry the request out with; try again.")
        }
        pthread_detach(thread)
    }

    private func serve(_ request: HTTPRequest, _ responder: HTTPResponder) throws(Problem) {
        let method = request.method == "HEAD" ? "GET" : request.method
        let path = request.path.count > 1 && request.path.hasSuffix("/") ? String(request.path.dropLast()) : request.path
        let route: Route? =
            switch path {
            case "/healthz": .health
            case "/readyz": .readiness
            case "/openapi.yaml": .contract
            default: nil
            }
        let file = method == "GET" ? page.response(for: path == "/" ? "/fleet.html" : path) : nil
        if let answer = access.answerBeforeRouting(request, route: route, file: file) {
            responder.respond(answer)
            return
        }
        let allowed: [String]
        switch path {
        case "/healthz", "/readyz", "/openapi.yaml", "/metrics", "/api/v1/links": allowed = ["GET"]
        case "/api/v1/stations": allowed = ["GET", "POST"]
        case "/api/v1/traffic": allowed = ["GET", "PUT"]
        case "/api/v1/links/cut", "/api/v1/links/restore": allowed = ["POST"]
        default: throw .notFound(request.path)
        }
        guard allowed.contains(method) else {
            responder.respond(ControlAPI.methodNotAllowed(request, allowed: allowed))
            return
        }
        switch path {
        case "/healthz":
            responder.respond(ControlAPI.json(200, Health()))
        case "/readyz":
            responder.respond(readiness())
        case "/openapi.yaml":
            responder.respond(StaticFiles.contract)
        case "/metrics":
            responder.respond(metrics())
        case "/api/v1/traffic":
            guard let traffic else {
                throw Problem(
                    409, "no-vehicles", "Conflict",
                    "This fleet runs without vehicles (--vehicles off), so it generates no traffic; start it with --vehicles on.")
            }
            if method == "PUT" {
                traffic.run(try ControlAPI.decode(TrafficBody.self, request.body).running)
            }
            responder.respond(ControlAPI.json(200, traffic.state()))
        case "/api/v1/links":
            responder.respond(ControlAPI.json(200, LinkList(cut: roster.members.map(\.identity).filter(links.isCut))))
        case "/api/v1/links/cut", "/api/v1/links/restore":
            let cutting = path.hasSuffix("/cut")
            let chosen = try choose(ControlAPI.decode(LinksBody.self, request.body), cutting: cutting)
            // Each cut waits for its link's close handshake: off the HTTP server's few workers.
            let links = links
            let started = spawnThread {
                let changed = chosen.filter { cutting ? links.cut($0) : links.restore($0) }
                responder.respond(ControlAPI.json(200, cutting ? LinkList(cut: changed) : LinkList(restored: changed)))
            }
            if let started { pthread_detach(started) } else { throw Problem(503, "busy", "Service Unavailable", "No thread to cut or restore links with; try again.") }
        default:
            if method == "POST" {
                try add(request, responder)
            } else {
                responder.respond(ControlAPI.json(200, try list(request.query)))
            }
        }
    }

    /// The stations a cut or a restore applies to: those named, or a share of all (cuts: chosen at random
    /// among the links not cut yet); a restore without either restores every cut link.
    private func choose(_ body: LinksBody, cutting: Bool) throws(Problem) -> [String] {
        if let named = body.stations {
            guard body.share == nil else { throw .invalidParameter("Give stations or share, not both.") }
            if let unknown = named.first(where: { roster.api($0) == nil }) { throw Self.noSuchStation(unknown) }
            return named
        }
        let identities = roster.members.map(\.identity)
        let candidates = identities.filter { links.isCut($0) != cutting }
        guard let share = body.share else {
            guard !cutting else { throw .invalidParameter("Say which links to cut: share (0 to 1) or stations.") }
            return candidates
        }
        guard share > 0, share <= 1 else { throw .invalidParameter("share must be above 0 and at most 1, not \(share).") }
        return Array(candidates.shuffled().prefix(Int((share * Double(identities.count)).rounded(.up))))
    }

    private func readiness() -> HTTPResponse {
        let members = roster.members
        var waiting: [(identity: String, problem: Problem)] = []
        for (identity, api) in members {
            if let problem = api.readiness { waiting.append((identity, problem)) }
        }
        guard let first = waiting.first else { return ControlAPI.json(200, Health(status: "ready")) }
        return ControlAPI.problem(
            .notReady("\(waiting.count) of \(members.count) stations are not ready; the first, \(first.identity): \(first.problem.detail)"))
    }

    /// `GET /api/v1/stations?link=&registration=&status=&offset=&limit=`: the stations that match, in fleet
    /// order; `status` matches a station with at least one connector in it, as its own API spells it.
    private func list(_ query: [String: String]) throws(Problem) -> StationList {
        let link = try query["link"].map { text throws(Problem) -> LinkState in
            guard let state = LinkState(rawValue: text) else {
                throw .invalidParameter("link must be connected, connecting or disconnected, not '\(text)'.")
            }
            return state
        }
        let registration = query["registration"]
        let status = query["status"]
        let offset = try ControlAPI.integer(query["offset"], name: "offset", in: 0...Int(Int32.max), default: 0)
        let limit = try ControlAPI.limit(query["limit"], default: 100)
        var matching: [StationResource] = []
        var total = 0
        for (_, api) in roster.members {
            guard let station = api.station else { continue }
            if let link, station.link != link { continue }
            if let registration, (station.registration ?? "Unknown") != registration { continue }
            if let status, !station.connectorStatuses.contains(status) { continue }
            if total >= offset, matching.count < limit { matching.append(station) }
            total += 1
        }
        return StationList(stations: matching, total: total, offset: offset, limit: limit)
    }

    /// Prometheus text: the stations by link state and registration, the vehicles, the stations' CALL round
    /// trips and CALLERRORs added up, their commits and the syncs that carried them, and the process (what the
    /// whole fleet costs).
    private func metrics() -> HTTPResponse {
        var counts: [[String]: Int] = [:]
        for (_, api) in roster.members {
            guard let station = api.station else { continue }
            counts[[station.link.rawValue, station.registration ?? "Unknown"], default: 0] += 1
        }
        var scraped = Exposition()
        scraped.family(
            "chargepoint_fleet_stations", .gauge, help: "Stations of the fleet by link state and registration status",
            counts.sorted { $0.key.lexicographicallyPrecedes($1.key) }.map { key, count in
                (labels: [("link", key[0]), ("registration", key[1])], value: Double(count))
            })
        scraped.family(
            "chargepoint_fleet_stations_configured", .gauge, help: "Stations the fleet runs", Double(roster.count))
        if let traffic = traffic?.state() {
            scraped.family(
                "chargepoint_fleet_vehicles_charging", .gauge, help: "Sessions with a simulated vehicle behind them",
                Double(traffic.sessions))
            scraped.family(
                "chargepoint_fleet_vehicle_energy_joules_total", .counter,
                help: "Energy the simulated vehicles have taken (1 Wh = 3600 J)", traffic.energyWh * 3600)
        }
        let store = telemetry.storeCommits()
        scraped.family(
            "chargepoint_fleet_store_commits_total", .counter,
            help: "Commits of the stations' data that waited for the disk", Double(store.commits))
        scraped.family(
            "chargepoint_fleet_store_syncs_total", .counter,
            help: "Syncs of the disk that carried them (one for every commit made while the previous one ran)",
            Double(store.syncs))
        Telemetry.process(into: &scraped)
        return HTTPResponse(
            status: 200, headers: [(name: "Content-Type", value: "text/plain; version=0.0.4; charset=utf-8")],
            body: Array(scraped.text.utf8) + telemetry.exposition)
    }
}

/// Stations joining and leaving a running fleet.
package struct FleetMembership: Sendable {
    /// Wires and starts a station, or says why it cannot (a taken identity, settings that do not fit).
    let add: @Sendable (NewStation) throws(Problem) -> Void
    /// Stops a station and takes it out of the fleet.
    let remove: @Sendable (String) -> Void

    package init(
        add: @escaping @Sendable (NewStation) throws(Problem) -> Void, remove: @escaping @Sendable (String) -> Void
    ) {
        self.add = add
        self.remove = remove
    }
}

/// `POST /api/v1/stations`: what differs from the fleet's (first group's) settings.
package struct NewStation: Decodable, Sendable {
    package var identity: String
    /// 1.6 or 2.0.1; the fleet's first group's when left out.
    package var ocpp: String?
    package var connectors: Int?
    /// The central system without the identity.
    package var csms: String?
}

extension Problem {
    /// What a refused `POST /api/v1/stations` says.
    package static func stationRefused(_ status: Int, _ detail: String) -> Problem {
        Problem(status, status == 409 ? "station-exists" : "invalid-station", status == 409 ? "Conflict" : "Unprocessable Content", detail)
    }
}

/// The stations' links as the API sees them: an operator cuts some (an outage the stations live through)
/// and restores them.
package struct FleetLinks: Sendable {
    /// Cuts a station's link; false when it was cut already.
    let cut: @Sendable (String) -> Bool
    /// Restores a station's link; false when it was not cut.
    let restore: @Sendable (String) -> Bool
    let isCut: @Sendable (String) -> Bool

    package init(
        cut: @escaping @Sendable (String) -> Bool, restore: @escaping @Sendable (String) -> Bool,
        isCut: @escaping @Sendable (String) -> Bool
    ) {
        self.cut = cut
        self.restore = restore
        self.isCut = isCut
    }
}

/// `GET /api/v1/links` (the stations whose link is cut), and the answers of a cut or restore (the stations
/// it changed).
struct LinkList: Encodable {
    var cut: [String]?
    var restored: [String]?
}

/// `POST /api/v1/links/cut` and `/restore`.
struct LinksBody: Decodable {
    var share: Double?
    var stations: [String]?
}

/// The fleet's traffic generator as the API sees it: its state, and switching it on and off.
package struct FleetTraffic: Sendable {
    let state: @Sendable () -> TrafficResource
    let run: @Sendable (Bool) -> Void

    package init(state: @escaping @Sendable () -> TrafficResource, run: @escaping @Sendable (Bool) -> Void) {
        self.state = state
        self.run = run
    }
}

/// `GET /api/v1/traffic`: whether drivers are being generated, how many sessions have a vehicle now, and the
/// energy the vehicles have taken.
package struct TrafficResource: Encodable, Sendable {
    var running: Bool
    var sessions: Int
    /// What makes the same traffic again (`--seed`).
    var seed: UInt64
    var energyWh: Double

    package init(running: Bool, sessions: Int, seed: UInt64, energyWh: Double) {
        self.running = running
        self.sessions = sessions
        self.seed = seed
        self.energyWh = energyWh
    }

    enum CodingKeys: String, CodingKey { case running, sessions, seed, energyWh }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(running, forKey: .running)
        try container.encode(sessions, forKey: .sessions)
        try container.encode(seed, forKey: .seed)
        try container.encode(wholeUnits(energyWh), forKey: .energyWh)
    }
}

/// `PUT /api/v1/traffic`.
struct TrafficBody: Decodable {
    var running: Bool
}

/// `GET /api/v1/stations`: a page of the fleet's stations, each as its `GET /api/v1/status` shows it.
struct StationList: Encodable {
    var stations: [StationResource]
    /// How many stations match the filters, on every page.
    var total: Int
    var offset: Int
    var limit: Int
}
