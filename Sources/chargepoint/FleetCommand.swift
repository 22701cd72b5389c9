import ArgumentParser
import ControlAPI
import EVSimulation
import Fleet
import Glibc
import Logging
import OCPPJ
import Runtime
import Store
import Threads

struct FleetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fleet",
        abstract: "Run many stations in one process, each with its own identity, data folder and link to a central system.",
        discussion: """
            Every station takes the options of `serve` (connectors, BootNotification fields, --ocpp-config, \
            security); the fleet adds how many there are and what they are called. --csms takes several URLs \
            separated by commas, shared as --csms-distribution says; --ocpp takes 1.6, 2.0.1, or mix (the \
            versions in turn); --data-dir is the folder that holds one folder per station, named by its \
            identity. The REST API lists the stations at /api/v1/stations, and serves each station's whole \
            API under /api/v1/stations/{id}/ (e.g. POST /api/v1/stations/CP0001/connectors/1/start).

            Examples:
              chargepoint fleet --count 100 --csms ws://citrine:8092
              chargepoint fleet --count 1000 --id-pattern 'SITE-A-{0000}' --ocpp 2.0.1 --csms ws://citrine:8081
              chargepoint fleet --count 500 --csms ws://csms-1:8092,ws://csms-2:8092 --csms-distribution by-station
              CP_FLEET_COUNT=200 CP_FLEET_ID_OFFSET=201 CP_CSMS_URL=ws://citrine:8092 chargepoint fleet
            """
    )

    @Option(help: "A YAML or JSON file of station groups, each with its own count, identities, protocol, connectors, BootNotification fields, central systems, security, vehicles and sessions; what a group leaves out comes from the flags [CP_FLEET_FILE].")
    var fleetFile: String?

    @Option(help: "How many stations to run [CP_FLEET_COUNT].")
    var count: Int?

    @Option(help: "The stations' identities: the station number, zero-padded to the zeros in braces, e.g. CP{0000} [CP_FLEET_ID_PATTERN].")
    var idPattern: String?

    @Option(help: "The first station's number [CP_FLEET_ID_OFFSET].")
    var idOffset: Int?

    @Option(help: "This process's place in a fleet of several: a number, a name that ends in one (a StatefulSet pod's `fleet-3`), or `dns` for the number a container's name ends in, found by a reverse lookup of its address (docker compose --scale); its stations are numbered from --id-offset + that number × --count [CP_FLEET_REPLICA].")
    var replica: String?

    @Option(help: "How stations share several --csms URLs: round-robin, random (at each start) or by-station (a hash of the identity) [CP_CSMS_DISTRIBUTION].")
    var csmsDistribution: String?

    @Option(help: "How many stations start per second [CP_FLEET_RAMP].")
    var ramp: Int?

    @Option(help: "on: drivers arrive at random from the start (PUT /api/v1/traffic switches it later); off: only when switched on [CP_FLEET_TRAFFIC].")
    var traffic: String?

    @Option(help: "The mean time, in seconds, between a connector coming free and the next driver arriving there [CP_FLEET_SESSION_INTERVAL].")
    var sessionInterval: Double?

    @Option(help: "The cards drivers present, separated by commas (at most 20 characters each) [CP_FLEET_ID_TAGS].")
    var idTags: String?

    @Option(help: "The seed of the traffic: the same seed gives the same drivers, vehicles and times; random when not given, and logged [CP_FLEET_SEED].")
    var seed: UInt64?

    @OptionGroup var station: StationFlags

    func run() throws {
        let environment = Environment.current
        let format = try LogFormat(option: station.logFormat ?? ServeOptions.variable(environment, "CP_LOG_FORMAT") ?? "text")
        try format.reportingFailure(label: "chargepoint") {
            let fleet = try FleetOptions(self, environment: environment)
            let recorder = format.bootstrap(level: fleet.server.logLevel)
            try fleet.runUntilSignalled(logRecorder: recorder)
        }
    }
}

/// The fleet's options resolved and validated: the plan of every station and the options each one runs with.
struct FleetOptions {
    /// Stations that share their settings: the one group of the flags, or a fleet file's groups.
    struct Group {
        var plans: [StationPlan]
        /// The options of `serve` for each version the group speaks; a station's own are these with its plan applied.
        var shared: [OCPPVersion: ServeOptions]
        var sessions: SessionSettings
        var profile: EVProfile
    }

    var groups: [Group]
    /// The REST server's options (listen address, token, TLS, log level, data folder): the flags'.
    var server: ServeOptions
    var rampPerSecond: Int
    /// Vehicles behind the sessions; without them no traffic.
    var vehicles: Bool
    /// Whether the drivers arrive from the start.
    var trafficFromStart: Bool
    var seed: UInt64

    /// Every station with the group it belongs to, in the fleet's order.
    var stations: [(plan: StationPlan, group: Group)] {
        groups.flatMap { group in group.plans.map { ($0, group) } }
    }

    init(_ command: FleetCommand, environment: [String: String]) throws {
        func resolve(_ flag: String?, _ variable: String, default fallback: String) -> String {
            flag ?? ServeOptions.variable(environment, variable) ?? fallback
        }
        func number(_ flag: Int?, _ variable: String, default fallback: Int, _ name: String, atLeast minimum: Int) throws -> Int {
            let text = flag.map(String.init) ?? resolve(nil, variable, default: String(fallback))
            guard let value = Int(text), value >= minimum else {
                throw ValidationError("--\(name) must be a whole number of at least \(minimum), not '\(text)'.")
            }
            return value
        }
        func onOff(_ flag: String?, _ variable: String, default fallback: String, _ name: String) throws -> Bool {
            let text = resolve(flag, variable, default: fallback)
            guard text == "on" || text == "off" else { throw ValidationError("--\(name) must be on or off, not '\(text)'.") }
            return text == "on"
        }
        let file = try Self.fleetFile(command.fleetFile ?? ServeOptions.variable(environment, "CP_FLEET_FILE"))
        // The server's own options: what the groups' versions and central systems do not touch.
        var serverFlags = command.station
        (serverFlags.ocpp, serverFlags.csms) = ("1.6", "ws://127.0.0.1")
        server = try ServeOptions(serverFlags, id: nil, environment: environment)
        rampPerSecond = try number(command.ramp, "CP_FLEET_RAMP", default: 200, "ramp", atLeast: 1)
        vehicles = try onOff(command.station.vehicles, "CP_FLEET_VEHICLES", default: "on", "vehicles")
        trafficFromStart = try file?.traffic ?? onOff(command.traffic, "CP_FLEET_TRAFFIC", default: "off", "traffic")
        if trafficFromStart && !vehicles {
            throw ValidationError("--traffic on needs --vehicles on: every generated driver brings a vehicle.")
        }
        var random = SystemRandomNumberGenerator()
        let seedText = command.seed.map { String($0) } ?? ServeOptions.variable(environment, "CP_FLEET_SEED")
        if let seedText {
            guard let given = UInt64(seedText) else {
                throw ValidationError("--seed must be a whole number from 0 to \(UInt64.max), not '\(seedText)'.")
            }
            seed = given
        } else {
            // Kept below 2^53 so that the seed reads back exactly from JSON (GET /api/v1/traffic).
            seed = file?.seed ?? random.next() >> 11
        }
        let replica = try Self.replica(command.replica ?? ServeOptions.variable(environment, "CP_FLEET_REPLICA"))

        // The flags' sessions: what a group without its own gets.
        var sessions = SessionSettings()
        let intervalText = command.sessionInterval.map { String($0) } ?? resolve(nil, "CP_FLEET_SESSION_INTERVAL", default: "600")
        guard let interval = Double(intervalText), interval >= 1, interval <= 86400 * 30 else {
            throw ValidationError("--session-interval must be a number of seconds from 1 to 2592000, not '\(intervalText)'.")
        }
        sessions.meanIntervalSeconds = interval
        if let tags = command.idTags ?? ServeOptions.variable(environment, "CP_FLEET_ID_TAGS") {
            sessions.idTags = tags.split(separator: ",").map { String($0.trimmingPrefix(" ")) }.filter { !$0.isEmpty }
        }

        let flagsGroup = FleetFile.Group(count: try number(command.count, "CP_FLEET_COUNT", default: 10, "count", atLeast: 1))
        groups = []
        var identities = Set<String>()
        let wanted = file?.groups ?? [flagsGroup]
        // Before planning: a fleet too large for this process is refused at once, not after a million identities.
        try Self.raiseDescriptorLimit(stations: wanted.reduce(0) { $0 + max(0, $1.count) })
        for (index, group) in wanted.enumerated() {
            let name = file == nil ? "" : "--fleet-file groups.\(index): "
            var built = try Self.group(
                group, command: command, environment: environment, replica: replica, sessions: sessions, named: name,
                using: &random)
            // Arrivals begin once the station is registered (TrafficHost), not when the generator is made.
            built.sessions.enabled = false
            for plan in built.plans where !identities.insert(plan.identity).inserted {
                throw ValidationError("\(name)\(FleetPlanError.duplicateIdentity(plan.identity))")
            }
            groups.append(built)
        }
    }

    /// One group: the file's fields, and the flags (or their variables and defaults) for what it leaves out.
    private static func group(
        _ group: FleetFile.Group, command: FleetCommand, environment: [String: String], replica: Int,
        sessions flagSessions: SessionSettings, named name: String, using random: inout some RandomNumberGenerator
    ) throws -> Group {
        func resolve(_ value: String?, _ flag: String?, _ variable: String, default fallback: String) -> String {
            value ?? flag ?? ServeOptions.variable(environment, variable) ?? fallback
        }
        guard group.count >= 1 else { throw ValidationError("\(name)count must be at least 1, not \(group.count).") }
        let offsetText = group.idOffset.map(String.init)
            ?? resolve(nil, command.idOffset.map(String.init), "CP_FLEET_ID_OFFSET", default: "1")
        guard let firstOffset = Int(offsetText), firstOffset >= 0 else {
            throw ValidationError("\(name)--id-offset must be a whole number of at least 0, not '\(offsetText)'.")
        }
        let patternText = resolve(group.idPattern, command.idPattern, "CP_FLEET_ID_PATTERN", default: "CP{0000}")
        guard !patternText.contains("/"), !patternText.hasPrefix(".") else {
            throw ValidationError("\(name)--id-pattern '\(patternText)' may not contain '/' or start with '.': each identity names a folder of --data-dir.")
        }
        let distributionText = resolve(group.csmsDistribution, command.csmsDistribution, "CP_CSMS_DISTRIBUTION", default: "round-robin")
        guard let distribution = CSMSDistribution(rawValue: distributionText) else {
            throw ValidationError(
                "\(name)--csms-distribution must be \(CSMSDistribution.allCases.map(\.rawValue).joined(separator: ", ")), not '\(distributionText)'.")
        }
        let urls = group.csms ?? resolve(nil, command.station.csms, "CP_CSMS_URL", default: "ws://127.0.0.1:8092")
            .split(separator: ",").map { String($0.trimmingPrefix(" ")) }.filter { !$0.isEmpty }
        let versionText = resolve(group.ocpp, command.station.ocpp, "CP_OCPP_VERSION", default: "1.6")
        let versions: [OCPPVersion]
        if versionText == "mix" {
            versions = [.v16, .v201]
        } else if let version = OCPPVersion(rawValue: versionText) {
            versions = [version]
        } else {
            throw ValidationError("\(name)--ocpp must be 1.6, 2.0.1 or mix, not '\(versionText)'.")
        }

        var flags = command.station
        flags.csms = urls.first
        flags.connectors = group.connectors ?? flags.connectors
        flags.vendor = group.vendor ?? flags.vendor
        flags.model = group.model ?? flags.model
        flags.serialNumber = group.serialNumber ?? flags.serialNumber
        flags.firmwareVersion = group.firmwareVersion ?? flags.firmwareVersion
        if let configuration = group.ocppConfig {
            flags.ocppConfig = configuration.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        }
        flags.securityProfile = group.securityProfile ?? flags.securityProfile
        flags.authKeyFile = group.authKeyFile ?? flags.authKeyFile
        flags.authKeyEncoding = group.authKeyEncoding ?? flags.authKeyEncoding
        flags.caFile = group.caFile ?? flags.caFile
        flags.clientCert = group.clientCert ?? flags.clientCert
        flags.clientKey = group.clientKey ?? flags.clientKey
        var shared: [OCPPVersion: ServeOptions] = [:]
        for version in versions {
            flags.ocpp = version.rawValue
            do {
                shared[version] = try ServeOptions(flags, id: nil, environment: environment)
            } catch let error as ValidationError {
                throw ValidationError("\(name)\(error.message)")
            }
        }

        let sessions = group.sessions ?? flagSessions
        if let long = sessions.idTags.first(where: { $0.utf8.count > 20 }) {
            throw ValidationError("\(name)the idTag '\(long)' is longer than 20 characters, which OCPP 1.6 idTags may not be.")
        }
        do {
            try sessions.validate()
            let profile = group.vehicles ?? EVProfile()
            try profile.validate()
            let plans = try StationPlan.fleet(
                count: group.count, pattern: IdentityPattern(parsing: patternText),
                offset: firstOffset + replica * group.count, csms: urls, distribution: distribution, versions: versions,
                using: &random)
            return Group(plans: plans, shared: shared, sessions: sessions, profile: profile)
        } catch {
            throw ValidationError("\(name)\(error)")
        }
    }

    /// `--fleet-file`: nil without one.
    private static func fleetFile(_ path: String?) throws -> FleetFile? {
        guard let path else { return nil }
        guard let bytes = readFile(path) else {
            throw ValidationError("--fleet-file \(path): cannot read it: \(String(cString: strerror(errno))).")
        }
        do {
            return try FleetFile(parsing: String(decoding: bytes, as: UTF8.self))
        } catch {
            throw ValidationError("--fleet-file \(path): \(error)")
        }
    }

    /// `--replica`: a number, a name that ends in one, or `dns`; 0 without it.
    private static func replica(_ given: String?) throws -> Int {
        guard var text = given else { return 0 }
        if text == "dns" {
            guard let name = containerName() else {
                throw ValidationError(
                    "--replica dns: no name for this host's address (a reverse DNS lookup, as docker compose answers it for its containers); give the replica number instead.")
            }
            text = name
        }
        let digits = text.reversed().prefix { $0.isASCII && $0.isNumber }.reversed()
        guard let replica = Int(String(digits)), replica <= 1_000_000 else {
            throw ValidationError("--replica must be a number or end in one (e.g. fleet-3), not '\(text)'.")
        }
        return replica
    }

    /// What station `plan` of `group` runs with: the group's options, its identity, its central system and
    /// its folder.
    func options(of plan: StationPlan, in group: Group) -> ServeOptions {
        var options = group.shared[plan.version]!
        options.identity = plan.identity
        options.csmsBaseURL = plan.csms
        options.csmsURL = websocketURL(csms: plan.csms, identity: plan.identity)
        options.dataDirectory = server.dataDirectory + "/" + plan.identity
        return options
    }

    /// Wires every station, serves the fleet's API, starts the stations at the ramp rate and runs until
    /// SIGINT or SIGTERM.
    func runUntilSignalled(logRecorder: LogRecorder) throws {
        let stopSignals = StopSignals()
        let logger = Logger(label: "chargepoint")
        let plans = stations.map(\.plan)
        guard makeDirectories(server.dataDirectory) else {
            throw ValidationError("cannot create the data folder \(server.dataDirectory): \(String(cString: strerror(errno)))")
        }
        let timer = RuntimeTimer()
        timer.start()
        let groupCommit = GroupCommit()
        let members = FleetMembers(
            options: self, shared: FleetShared(timer: timer, groupCommit: groupCommit,
                telemetry: FleetTelemetry { groupCommit.counts }),
            logRecorder: logRecorder, logger: logger)
        // Identities only: a station the API removes meanwhile must not be kept alive here.
        let identities = try stations.map { plan, group in
            try members.wire(plan, of: group, options: options(of: plan, in: group)).identity
        }
        let api = FleetAPI(
            roster: members.roster, membership: members.membership, traffic: vehicles ? members.traffic : nil,
            links: members.links, telemetry: members.telemetry, page: try webPage(server),
            access: APIAccess(token: server.apiToken))
        let httpServer = try startHTTPServer(server, handler: api.handle)
        let scheme = server.apiTLS == nil ? "http" : "https"
        let versions = Dictionary(grouping: plans, by: \.version).sorted { $0.key.rawValue < $1.key.rawValue }
            .map { "\($0.value.count) × OCPP \($0.key)" }.joined(separator: ", ")
        logger.info(
            "fleet of \(plans.count) stations (\(versions)), \(plans.first!.identity) to \(plans.last!.identity): API on \(scheme)://\(server.httpHost):\(httpServer.boundPort), data in \(server.dataDirectory), starting \(rampPerSecond) per second")

        var signal: Int32?
        let started = monotonicUptime()
        for (index, identity) in identities.enumerated() {
            let due = started + .seconds(Double(index) / Double(rampPerSecond))
            let now = monotonicUptime()
            if due > now, let received = stopSignals.wait(for: due - now) {
                signal = received
                break
            }
            members.start(identity)
        }
        if signal == nil {
            logger.info("all \(identities.count) stations started in \(monotonicUptime() - started)")
        }
        // Waited for outside the log call: its message is not built (and would not wait) below level info.
        let received = signal ?? stopSignals.wait()
        logger.info("stopping on signal \(received)")
        httpServer.stop()
        members.stopAll()
        timer.stop()
    }

    /// Each station holds a few descriptors (its database and journal, its socket, its event loop's wake-up):
    /// the soft limit is raised to what the fleet needs, and a fleet the hard limit cannot hold is refused.
    static func raiseDescriptorLimit(stations: Int) throws {
        let needed = rlim_t(stations * descriptorsPerStation + 64)
        var limit = rlimit()
        getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit)
        guard needed <= limit.rlim_max else {
            throw ValidationError(
                "\(stations) stations need about \(needed) open files, more than this process may open (hard limit \(limit.rlim_max)); run fewer stations per process, or raise the limit (docker run --ulimit nofile=\(needed), systemd LimitNOFILE=\(needed)).")
        }
        if limit.rlim_cur < needed {
            limit.rlim_cur = needed
            setrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit)
        }
    }

    static let descriptorsPerStation = 8
}

/// This host's name as a reverse lookup of its address gives it, first label only: in a container of a scaled
/// compose service that is `<project>-<service>-<n>`, the one place compose puts the replica's number.
private func containerName() -> String? {
    var host = [CChar](repeating: 0, count: 256)
    guard gethostname(&host, host.count - 1) == 0 else { return nil }
    var hints = addrinfo()
    hints.ai_family = AF_INET
    hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
    var addresses: UnsafeMutablePointer<addrinfo>?
    guard getaddrinfo(host, nil, &hints, &addresses) == 0, let first = addresses else { return nil }
    defer { freeaddrinfo(addresses) }
    var name = [CChar](repeating: 0, count: Int(NI_MAXHOST))
    guard getnameinfo(first.pointee.ai_addr, first.pointee.ai_addrlen, &name, socklen_t(name.count), nil, 0, NI_NAMEREQD) == 0
    else { return nil }
    let full = name.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    return full.split(separator: ".").first.map(String.init)
}
