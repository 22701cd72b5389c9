import ArgumentParser
import ChargePoint
import ControlAPI
import Glibc
import HTTPServer
import Logging
import OCPP16
import Store
import Threads
import Transport

struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the charge point: connect to the central system and serve the REST API.",
        discussion: """
            Every option has an environment variable twin (shown in brackets) for docker-compose; a flag \
            on the command line wins over its variable.

            Examples:
              chargepoint serve --id CP001 --csms ws://citrine:8092
              CP_ID=CP001 CP_CSMS_URL=ws://citrine:8092 chargepoint serve
              chargepoint serve --ocpp 2.0.1 --id CS001 --csms ws://citrine:8081
              chargepoint serve --ocpp-config MeterValueSampleInterval=10 --ocpp-config HeartbeatInterval=60
              chargepoint serve --http 0.0.0.0:8080 --api-token-file api-token
              chargepoint serve --api-cert cert.pem --api-key key.pem
              chargepoint serve --csms wss://csms.example:8443/ocpp --security-profile 2 --auth-key-file auth-key --ca-file csms-ca.pem
              chargepoint serve --csms wss://csms.example:8443/ocpp --security-profile 3 --ca-file csms-ca.pem \
                  --client-cert cp.pem --client-key cp-key.pem

            The REST API listens on 127.0.0.1 by default. To listen on any other address it needs a token \
            (--api-token-file or CP_API_TOKEN; --api-token shows it to everyone who can list processes): \
            every request but GET /healthz then needs the header Authorization: Bearer <token>.

            OCPP security profiles: 0 plain; 1 Basic auth (user = --id, password = the AuthorizationKey); 2 Basic \
            auth over TLS (wss, server certificate checked against --ca-file and the installed \
            CentralSystemRootCertificates, or the system CAs without either); 3 TLS with a client certificate. \
            Profiles 2 and 3 connect with wss:// to the host, port and path of --csms. The CSMS can raise the \
            profile and set a new key with ChangeConfiguration; those values are kept in the data folder and win.
            """
    )

    @Option(help: "The charge point identity, appended to the CSMS URL as its last path segment [CP_ID].")
    var id: String?

    @OptionGroup var station: StationFlags

    func run() throws {
        let environment = Environment.current
        let format = try LogFormat(option: station.logFormat ?? ServeOptions.variable(environment, "CP_LOG_FORMAT") ?? "text")
        try format.reportingFailure(label: "chargepoint") {
            let options = try ServeOptions(station, id: id, environment: environment)
            let recorder = format.bootstrap(level: options.logLevel)
            try WiredStation.serveUntilSignalled(options) {
                let logger = Logger(label: "chargepoint")
                return switch options.ocppVersion {
                case .v16: try Station(options: options, logRecorder: recorder).wire(in: nil, logger: logger)
                case .v201: try StationService201(options: options, logRecorder: recorder).wire(in: nil, logger: logger)
                }
            }
        }
    }
}

/// The flags of a station that `serve` and `fleet` share (every one of a fleet's stations takes them).
struct StationFlags: ParsableArguments {
    @Option(help: "The OCPP version to speak: 1.6 or 2.0.1; a data folder keeps the version it was started with [CP_OCPP_VERSION].")
    var ocpp: String?

    @Option(help: "The central system's websocket URL, without the identity [CP_CSMS_URL].")
    var csms: String?

    @Option(help: "How many connectors the charge point has [CP_CONNECTORS].")
    var connectors: Int?

    @Option(help: "Where the REST API listens, host:port [CP_HTTP].")
    var http: String?

    @Option(help: ArgumentHelp(
        "The bearer token every API request but GET /healthz needs; required unless --http is a loopback address [CP_API_TOKEN]. Prefer --api-token-file or the variable: a flag is visible in the process list.",
        valueName: "token"))
    var apiToken: String?

    @Option(help: "A file holding the API token (surrounding whitespace is ignored) [CP_API_TOKEN_FILE].")
    var apiTokenFile: String?

    @Option(help: "Serve the API over HTTPS with this PEM certificate (chain); needs --api-key [CP_API_CERT].")
    var apiCert: String?

    @Option(help: "The unencrypted PEM private key of --api-cert [CP_API_KEY].")
    var apiKey: String?

    @Option(help: "The lowest OCPP security profile, 0 to 3; one the CSMS raised it to wins [CP_SECURITY_PROFILE].")
    var securityProfile: Int?

    @Option(help: "A file holding the AuthorizationKey, the Basic-auth password of profiles 1 and 2 [CP_AUTH_KEY_FILE, or the key itself in CP_AUTH_KEY].")
    var authKeyFile: String?

    @Option(help: "How the AuthorizationKey becomes the password: text (sent as written, 16-40 characters) or hex (32-40 hex digits, sent decoded) [CP_AUTH_KEY_ENCODING].")
    var authKeyEncoding: String?

    @Option(help: "PEM certificates trusted for the central system's TLS certificate [CP_CA_FILE].")
    var caFile: String?

    @Option(help: "The charge point's PEM certificate (chain) for security profile 3 [CP_CLIENT_CERT].")
    var clientCert: String?

    @Option(help: "The unencrypted PEM private key of --client-cert [CP_CLIENT_KEY].")
    var clientKey: String?

    @Option(help: "The folder that keeps transactions, queued messages and configuration [CP_DATA_DIR].")
    var dataDir: String?

    @Option(help: "chargePointVendor in BootNotification, at most 20 characters [CP_VENDOR].")
    var vendor: String?

    @Option(help: "chargePointModel in BootNotification, at most 20 characters [CP_MODEL].")
    var model: String?

    @Option(help: "chargePointSerialNumber in BootNotification, at most 25 characters [CP_SERIAL_NUMBER].")
    var serialNumber: String?

    @Option(help: "firmwareVersion in BootNotification, at most 50 characters [CP_FIRMWARE_VERSION].")
    var firmwareVersion: String?

    @Option(help: "trace, debug, info, notice, warning, error or critical [CP_LOG_LEVEL].")
    var logLevel: String?

    @Option(help: "text, or json for one JSON object per line (timestamp, level, label, message, metadata) [CP_LOG_FORMAT].")
    var logFormat: String?

    @Option(help: "Serve the web page from this folder instead of the page built into the binary, e.g. Web to work on it without rebuilding [CP_WEB_ROOT].")
    var webRoot: String?

    @Option(help: "on: a simulated vehicle behind every session, drawing what its battery takes (an 11 kW charger tapering above 80 %, the charging limit honoured) until it is full, then leaving; off: sessions draw what the API sets [CP_VEHICLES, off; fleet: CP_FLEET_VEHICLES, on].")
    var vehicles: String?

    @Option(
        help: """
            An executable run with a downloaded firmware file to install it; exit status 0 means installed and             its first output line is the new version. Without it installation is simulated             [CP_FIRMWARE_INSTALL_COMMAND].
            """)
    var firmwareInstallCommand: String?

    @Option(
        name: .customLong("ocpp-config"),
        help: ArgumentHelp(
            "Sets an OCPP configuration key (2.0.1: a variable, e.g. OCPPCommCtrlr.HeartbeatInterval) at every start, KEY=VALUE; repeatable [CP_OCPP_CONFIG, KEY=VALUE;KEY=VALUE].",
            valueName: "key=value"))
    var ocppConfig: [String] = []
}

/// Options with their environment twins and defaults resolved and validated.
struct ServeOptions {
    var ocppVersion: OCPPVersion
    var identity: String
    /// `--csms` as given, without the identity.
    var csmsBaseURL: String
    /// The websocket URL: `csmsBaseURL` with the identity appended.
    var csmsURL: String
    var connectorCount: Int
    var httpHost: String
    var httpPort: UInt16
    /// The bearer token of the REST API, nil for none (then the API listens on loopback only).
    var apiToken: [UInt8]?
    /// HTTPS for the REST API.
    var apiTLS: TLSCredentials?
    var dataDirectory: String
    var bootNotification: BootNotificationRequest
    var logLevel: Logger.Level
    var webRoot: String?
    var firmwareInstallCommand: String?
    /// A simulated vehicle behind every session.
    var vehicles: Bool
    var configurationOverrides: [(key: String, value: String)]
    var security: SecuritySettings

    init(_ serve: StationFlags, id: String?, environment: [String: String]) throws {
        func resolve(_ flag: String?, _ variable: String, default fallback: String) -> String {
            flag ?? environment[variable] ?? fallback
        }
        let versionText = resolve(serve.ocpp, "CP_OCPP_VERSION", default: "1.6")
        guard let version = OCPPVersion(rawValue: versionText) else {
            throw ValidationError("--ocpp must be 1.6 or 2.0.1, not '\(versionText)'.")
        }
        ocppVersion = version
        identity = resolve(id, "CP_ID", default: "CP001")
        guard !identity.isEmpty, identity.utf8.count <= 48 else {
            throw ValidationError("--id must be 1 to 48 characters long.")
        }
        csmsBaseURL = resolve(serve.csms, "CP_CSMS_URL", default: "ws://127.0.0.1:8092")
        csmsURL = websocketURL(csms: csmsBaseURL, identity: identity)

        let connectorText = serve.connectors.map(String.init) ?? environment["CP_CONNECTORS"] ?? "2"
        guard let count = Int(connectorText), (1...100).contains(count) else {
            throw ValidationError("--connectors must be a number from 1 to 100, not '\(connectorText)'.")
        }
        connectorCount = count

        let listen = resolve(serve.http, "CP_HTTP", default: "127.0.0.1:8080")
        do {
            (httpHost, httpPort) = try HTTPServerConfiguration.parse(listenAddress: listen)
        } catch {
            throw ValidationError("--http '\(listen)': \(error)")
        }
        apiToken = try Self.apiToken(serve, environment)
        if apiToken == nil, !isLoopbackHost(httpHost) {
            throw ValidationError(
                "--http \(listen) makes the REST API reachable from other machines, and without a token anyone who "
                    + "reaches it could control the charge point. Set a token with --api-token-file FILE "
                    + "(CP_API_TOKEN_FILE), CP_API_TOKEN or --api-token, and send it as `Authorization: Bearer <token>`; "
                    + "or listen on 127.0.0.1 only (--http 127.0.0.1:\(httpPort)).")
        }
        apiTLS = try Self.apiTLS(serve, environment)
        security = try Self.security(serve, environment, for: ocppVersion)
        dataDirectory = resolve(serve.dataDir, "CP_DATA_DIR", default: "./data")

        func field<let n: Int>(_ value: String, _ flag: String) throws -> CiString<n> {
            guard let text = CiString<n>(value) else {
                throw ValidationError("--\(flag) must be at most \(n) characters long.")
            }
            return text
        }
        bootNotification = BootNotificationRequest(
            chargePointVendor: try field(resolve(serve.vendor, "CP_VENDOR", default: "SwiftChargePoint"), "vendor"),
            chargePointModel: try field(resolve(serve.model, "CP_MODEL", default: "Simulator"), "model"),
            chargePointSerialNumber: try (serve.serialNumber ?? environment["CP_SERIAL_NUMBER"]).map {
                try field($0, "serial-number")
            },
            firmwareVersion: try field(
                resolve(serve.firmwareVersion, "CP_FIRMWARE_VERSION", default: ChargePointCommand.version),
                "firmware-version"))

        logLevel = try Logger.Level(option: resolve(serve.logLevel, "CP_LOG_LEVEL", default: "info"))
        webRoot = serve.webRoot ?? Self.variable(environment, "CP_WEB_ROOT")
        firmwareInstallCommand = serve.firmwareInstallCommand ?? environment["CP_FIRMWARE_INSTALL_COMMAND"]
        let vehiclesText = resolve(serve.vehicles, "CP_VEHICLES", default: "off")
        guard vehiclesText == "on" || vehiclesText == "off" else {
            throw ValidationError("--vehicles must be on or off, not '\(vehiclesText)'.")
        }
        vehicles = vehiclesText == "on"

        var assignments = serve.ocppConfig
        if assignments.isEmpty, let variable = environment["CP_OCPP_CONFIG"] {
            assignments = variable.split(separator: ";").map(String.init)
        }
        configurationOverrides = try assignments.map { assignment in
            guard let equals = assignment.firstIndex(of: "="), equals != assignment.startIndex else {
                throw ValidationError("--ocpp-config '\(assignment)' must look like KEY=VALUE.")
            }
            return (String(assignment[..<equals]), String(assignment[assignment.index(after: equals)...]))
        }
    }

    /// The API token from --api-token / CP_API_TOKEN or from the file of --api-token-file / CP_API_TOKEN_FILE
    /// (one of them; an empty variable counts as unset). Error messages never contain the token.
    static func apiToken(_ serve: StationFlags, _ environment: [String: String]) throws -> [UInt8]? {
        let text = serve.apiToken ?? variable(environment, "CP_API_TOKEN")
        let file = serve.apiTokenFile ?? variable(environment, "CP_API_TOKEN_FILE")
        let token: [UInt8]
        switch (text, file) {
        case (nil, nil):
            return nil
        case (_?, _?):
            throw ValidationError("Give the API token one way: --api-token (CP_API_TOKEN) or --api-token-file (CP_API_TOKEN_FILE), not both.")
        case (let text?, nil):
            token = Array(text.utf8)
        case (nil, let file?):
            guard let contents = readFile(file) else {
                throw ValidationError("--api-token-file \(file): cannot read it: \(String(cString: strerror(errno))).")
            }
            token = trimmingSpace(contents)
        }
        guard !token.isEmpty else {
            throw ValidationError("The API token is empty\(file.map { " (in \($0))" } ?? ""); use a long random one, e.g. `openssl rand -hex 32`.")
        }
        guard token.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            throw ValidationError("The API token may contain only printable ASCII characters without spaces (it travels in an HTTP header); e.g. `openssl rand -hex 32` makes one.")
        }
        return token
    }

    /// The HTTPS certificate and key: both or neither, readable PEM files.
    static func apiTLS(_ serve: StationFlags, _ environment: [String: String]) throws -> TLSCredentials? {
        let certificate = serve.apiCert ?? variable(environment, "CP_API_CERT")
        let key = serve.apiKey ?? variable(environment, "CP_API_KEY")
        guard certificate != nil || key != nil else { return nil }
        guard let certificate, let key else {
            throw ValidationError("HTTPS needs both --api-cert (CP_API_CERT) and --api-key (CP_API_KEY): give \(certificate == nil ? "--api-cert" : "--api-key") too, or neither for plain HTTP.")
        }
        let certificateText = try pem(certificate, "--api-cert", "certificate")
        let keyText = try privateKey(key, "--api-key")
        return TLSCredentials(certificatePEM: certificateText, keyPEM: keyText)
    }

    /// The CSMS-link security settings; files are read here so that a mistake stops the start with its name.
    static func security(
        _ serve: StationFlags, _ environment: [String: String], for version: OCPPVersion
    ) throws -> SecuritySettings {
        let profileText = serve.securityProfile.map(String.init) ?? variable(environment, "CP_SECURITY_PROFILE") ?? "0"
        guard let profile = Int(profileText), (0...3).contains(profile) else {
            throw ValidationError("--security-profile must be 0, 1, 2 or 3, not '\(profileText)'.")
        }
        let encodingText = serve.authKeyEncoding ?? variable(environment, "CP_AUTH_KEY_ENCODING") ?? "text"
        guard let encoding = AuthorizationKeyEncoding(rawValue: encodingText) else {
            throw ValidationError("--auth-key-encoding must be text or hex, not '\(encodingText)'.")
        }
        var key = variable(environment, "CP_AUTH_KEY")
        if let file = serve.authKeyFile ?? variable(environment, "CP_AUTH_KEY_FILE") {
            guard let bytes = readFile(file) else {
                throw ValidationError("--auth-key-file \(file): cannot read it: \(String(cString: strerror(errno))).")
            }
            key = String(decoding: trimmingSpace(bytes), as: UTF8.self)
        }
        // 2.0.1 sends the BasicAuthPassword as the text it is [A00.FR.205]: its station checks it, and 1.6's hex
        // reading has no meaning there.
        if version == .v201, encoding != .text {
            throw ValidationError("--auth-key-encoding hex is for OCPP 1.6; under --ocpp 2.0.1 the password is sent as written.")
        }
        if version == .v16, let key, encoding.password(for: key) == nil {
            throw ValidationError("The AuthorizationKey is not valid for --auth-key-encoding \(encoding.rawValue): it must be \(encoding.requirement).")
        }
        let trusted = try (serve.caFile ?? variable(environment, "CP_CA_FILE")).map { try pem($0, "--ca-file", "CA certificates") }
        let certificate = serve.clientCert ?? variable(environment, "CP_CLIENT_CERT")
        let clientKey = serve.clientKey ?? variable(environment, "CP_CLIENT_KEY")
        guard (certificate == nil) == (clientKey == nil) else {
            throw ValidationError("A client certificate needs both --client-cert (CP_CLIENT_CERT) and --client-key (CP_CLIENT_KEY).")
        }
        let chainText = try certificate.map { try pem($0, "--client-cert", "certificate") }
        let keyText = try clientKey.map { try privateKey($0, "--client-key") }
        return SecuritySettings(
            minimumProfile: profile, authorizationKey: key, keyEncoding: encoding, trustedCertificatesPEM: trusted,
            clientCertificateChainPEM: chainText, clientKeyPEM: keyText)
    }

    /// An environment variable's value; an empty one counts as unset (compose passes unset ones as empty).
    static func variable(_ environment: [String: String], _ name: String) -> String? {
        environment[name].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// An unencrypted private key in PEM: a passphrase would have to sit next to it anyway.
    static func privateKey(_ path: String, _ flag: String) throws -> String {
        let text = try pem(path, flag, "private key")
        guard !text.contains("ENCRYPTED") else {
            throw ValidationError("\(flag) \(path) is encrypted; give the key without a passphrase (e.g. `openssl pkey -in \(path) -out plain.pem`) and protect the file instead.")
        }
        return text
    }

    /// A readable PEM file's text.
    static func pem(_ path: String, _ flag: String, _ what: String) throws -> String {
        guard let bytes = readFile(path) else {
            throw ValidationError("\(flag) \(path): cannot read it: \(String(cString: strerror(errno))).")
        }
        let text = String(decoding: bytes, as: UTF8.self)
        guard text.contains("-----BEGIN "), !bytes.contains(0) else {
            throw ValidationError("\(flag) \(path) is not a PEM file; it must hold the \(what) as text starting with -----BEGIN.")
        }
        return text
    }
}

enum Environment {
    static var current: [String: String] {
        var result: [String: String] = [:]
        var pointer = environ
        while let entry = pointer.pointee {
            let text = String(cString: entry)
            if let equals = text.firstIndex(of: "=") {
                result[String(text[..<equals])] = String(text[text.index(after: equals)...])
            }
            pointer += 1
        }
        return result
    }
}
