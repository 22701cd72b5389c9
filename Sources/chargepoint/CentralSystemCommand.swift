import ArgumentParser
import CentralSystem
import Glibc
import HTTPServer
import Logging
import OCPP16
import Threads
import Transport

struct CentralSystemCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "csms",
        abstract: "Run a small OCPP 1.6-J and 2.0.1 central system: the fast local peer for demos, tests and benchmarks.",
        discussion: """
            Charge points connect to ws://<listen>/<any path>/<identity> with subprotocol ocpp1.6 or ocpp2.0.1; \
            one that offers both speaks the one it lists first. Every option has an environment variable twin \
            (shown in brackets); a flag on the command line wins over its variable.

            REST API on --http:
              GET  /healthz
              GET  /api/v1/stations
              POST /api/v1/stations/{identity}/call  {"action":"RemoteStartTransaction","payload":{"idTag":"TAG1"}}
                   (a 2.0.1 station takes 2.0.1 actions only: {"action":"GetVariables","payload":{...}})

            Examples:
              chargepoint csms --listen 127.0.0.1:9000 --http 127.0.0.1:9001
              chargepoint csms --accept-tags TAG1,TAG2 --boot-status Pending --heartbeat-interval 60
              chargepoint csms --tls-cert csms.pem --tls-key csms-key.pem --client-ca cp-ca.pem --auth-key-file auth-key

            Security profiles: --auth-key-file asks every charge point for Basic auth (user = its identity); \
            --tls-cert/--tls-key serve wss; --client-ca also takes client certificates from those CAs, whose \
            common name must be the identity, instead of Basic auth.
            """
    )

    @Option(help: "Where charge points connect, host:port [CSMS_LISTEN].")
    var listen: String?

    @Option(help: "Where the REST API listens, host:port [CSMS_HTTP].")
    var http: String?

    @Option(help: "idTags (2.0.1: idTokens) answered Accepted, comma-separated; * accepts every tag [CSMS_ACCEPT_TAGS]; default *.")
    var acceptTags: String?

    @Option(help: "A file of accepted idTags, one per line (# starts a comment); adds to --accept-tags [CSMS_TAGS_FILE].")
    var tagsFile: String?

    @Option(help: "The status of every BootNotification: Accepted, Pending or Rejected [CSMS_BOOT_STATUS].")
    var bootStatus: String?

    @Option(help: "The interval in BootNotification.conf, in seconds [CSMS_HEARTBEAT_INTERVAL].")
    var heartbeatInterval: String?

    @Option(help: "Identities allowed to connect, comma-separated; default: any [CSMS_IDENTITIES].")
    var identities: String?

    @Option(help: "trace, debug (one line per frame), info, notice, warning, error or critical [CSMS_LOG_LEVEL].")
    var logLevel: String?

    @Option(help: "text, or json for one JSON object per line (timestamp, level, label, message, metadata) [CSMS_LOG_FORMAT].")
    var logFormat: String?

    @Option(help: "Serve wss with this PEM certificate (chain); needs --tls-key [CSMS_TLS_CERT].")
    var tlsCert: String?

    @Option(help: "The unencrypted PEM key of --tls-cert [CSMS_TLS_KEY].")
    var tlsKey: String?

    @Option(help: "PEM CAs whose client certificates identify charge points (security profile 3) [CSMS_CLIENT_CA].")
    var clientCa: String?

    @Option(help: "A file holding the AuthorizationKey every charge point must send as Basic-auth password [CSMS_AUTH_KEY_FILE].")
    var authKeyFile: String?

    func run() throws {
        let environment = Environment.current
        let format = try LogFormat(option: logFormat ?? ServeOptions.variable(environment, "CSMS_LOG_FORMAT") ?? "text")
        try format.reportingFailure(label: "csms") {
            let options = try CentralSystemOptions(self, environment: environment)
            LoggingSystem.bootstrap { label in format.handler(label: label, level: options.logLevel) }
            try run(options)
        }
    }

    private func run(_ options: CentralSystemOptions) throws {
        let stopSignals = StopSignals()

        let logger = Logger(label: "csms")
        let service: CentralSystemService
        do {
            service = try CentralSystemService(
                settings: options.settings, websocketHost: options.listenHost, websocketPort: Int(options.listenPort),
                httpHost: options.httpHost, httpPort: options.httpPort, tls: options.tls, logger: logger)
            try service.start()
        } catch {
            throw ValidationError("\(error)")
        }
        logger.info(
            "central system: charge points on \(options.tls == nil ? "ws" : "wss")://\(options.listenHost):\(service.websocketPort)/<identity>, API on http://\(options.httpHost):\(service.httpPort), boot \(options.settings.bootStatus.rawValue), tags \(options.tagsSummary)")

        // Waited for outside the log call: its message is not built (and would not wait) below level info.
        let received = stopSignals.wait()
        logger.info("stopping on signal \(received)")
        service.stop()
    }
}

/// Options with their environment twins and defaults resolved and validated.
struct CentralSystemOptions {
    var listenHost: String
    var listenPort: UInt16
    var httpHost: String
    var httpPort: UInt16
    var settings: CentralSystemSettings
    var tagsSummary: String
    var logLevel: Logger.Level
    var tls: WebSocketServerTLS?

    init(_ command: CentralSystemCommand, environment: [String: String]) throws {
        func resolve(_ flag: String?, _ variable: String) -> String? {
            flag ?? environment[variable]
        }
        func address(_ flag: String?, _ variable: String, _ name: String, default fallback: String) throws -> (String, UInt16) {
            let text = resolve(flag, variable) ?? fallback
            do {
                return try HTTPServerConfiguration.parse(listenAddress: text)
            } catch {
                throw ValidationError("--\(name) '\(text)': \(error)")
            }
        }
        (listenHost, listenPort) = try address(command.listen, "CSMS_LISTEN", "listen", default: "127.0.0.1:9000")
        (httpHost, httpPort) = try address(command.http, "CSMS_HTTP", "http", default: "127.0.0.1:9001")

        let statusText = resolve(command.bootStatus, "CSMS_BOOT_STATUS") ?? "Accepted"
        guard let bootStatus = RegistrationStatus.allCases.first(where: { $0.rawValue.lowercased() == statusText.lowercased() }) else {
            throw ValidationError("--boot-status must be Accepted, Pending or Rejected, not '\(statusText)'.")
        }
        let intervalText = resolve(command.heartbeatInterval, "CSMS_HEARTBEAT_INTERVAL") ?? "300"
        guard let interval = Int(intervalText), (0...Int(Int32.max)).contains(interval) else {
            throw ValidationError("--heartbeat-interval must be a number of seconds from 0 to \(Int32.max), not '\(intervalText)'.")
        }

        let tagList = resolve(command.acceptTags, "CSMS_ACCEPT_TAGS")
        let tagsFile = resolve(command.tagsFile, "CSMS_TAGS_FILE")
        var items: [String] = []
        if let tagList { items += CentralSystemSettings.commaSeparated(tagList) }
        if let tagsFile {
            guard let text = readFile(tagsFile).map({ String(decoding: $0, as: UTF8.self) }) else {
                throw ValidationError("--tags-file: cannot read \(tagsFile): \(String(cString: strerror(errno)))")
            }
            items += text.split(whereSeparator: \.isNewline).map(String.init)
        }
        let tags = tagList == nil && tagsFile == nil ? TagPolicy.acceptAll : TagPolicy(items: items)
        switch tags {
        case .acceptAll: tagsSummary = "all accepted"
        case .accept(let set): tagsSummary = "\(set.count) accepted"
        }

        var admitted: Set<String>?
        if let list = resolve(command.identities, "CSMS_IDENTITIES") {
            let names = CentralSystemSettings.commaSeparated(list)
            guard !names.isEmpty else { throw ValidationError("--identities lists no identity.") }
            admitted = Set(names)
        }
        var authorizationKey: String?
        if let file = resolve(command.authKeyFile, "CSMS_AUTH_KEY_FILE") {
            guard let bytes = readFile(file) else {
                throw ValidationError("--auth-key-file: cannot read \(file): \(String(cString: strerror(errno)))")
            }
            let key = String(decoding: trimmingSpace(bytes), as: UTF8.self)
            guard AuthorizationKeyEncoding.allCases.contains(where: { $0.password(for: key) != nil }) else {
                throw ValidationError("--auth-key-file \(file): an AuthorizationKey is \(AuthorizationKeyEncoding.text.requirement), or \(AuthorizationKeyEncoding.hex.requirement).")
            }
            authorizationKey = key
        }
        settings = CentralSystemSettings(
            bootStatus: bootStatus, heartbeatInterval: interval, tags: tags, identities: admitted,
            authorizationKey: authorizationKey)
        let certificate = resolve(command.tlsCert, "CSMS_TLS_CERT")
        let key = resolve(command.tlsKey, "CSMS_TLS_KEY")
        let clientCA = resolve(command.clientCa, "CSMS_CLIENT_CA")
        switch (certificate, key) {
        case (let certificate?, let key?):
            tls = WebSocketServerTLS(certificateFile: certificate, keyFile: key, clientCAFile: clientCA)
        case (nil, nil):
            guard clientCA == nil else { throw ValidationError("--client-ca needs wss: give --tls-cert and --tls-key too.") }
            tls = nil
        default:
            throw ValidationError("wss needs both --tls-cert (CSMS_TLS_CERT) and --tls-key (CSMS_TLS_KEY).")
        }

        logLevel = try Logger.Level(option: resolve(command.logLevel, "CSMS_LOG_LEVEL") ?? "info")
    }
}
