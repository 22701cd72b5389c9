import ArgumentParser
import ChargePoint
import ControlAPI
import Glibc
import HTTPServer
import Logging
import OCPP16
import Store
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
              chargepoint serve --ocpp-config MeterValueSampleInterval=10 --ocpp-config HeartbeatInterval=60
            """
    )

    @Option(help: "The charge point identity, appended to the CSMS URL as its last path segment [CP_ID].")
    var id: String?

    @Option(help: "The central system's websocket URL, without the identity [CP_CSMS_URL].")
    var csms: String?

    @Option(help: "How many connectors the charge point has [CP_CONNECTORS].")
    var connectors: Int?

    @Option(help: "Where the REST API listens, host:port [CP_HTTP].")
    var http: String?

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

    @Option(help: "The folder of the web page served at / [CP_WEB_ROOT]; default: ./Web if it exists.")
    var webRoot: String?

    @Option(
        help: """
            An executable run with a downloaded firmware file to install it; exit status 0 means installed and             its first output line is the new version. Without it installation is simulated             [CP_FIRMWARE_INSTALL_COMMAND].
            """)
    var firmwareInstallCommand: String?

    @Option(
        name: .customLong("ocpp-config"),
        help: ArgumentHelp(
            "Sets an OCPP configuration key at every start, KEY=VALUE; repeatable [CP_OCPP_CONFIG, KEY=VALUE;KEY=VALUE].",
            valueName: "key=value"))
    var ocppConfig: [String] = []

    func run() throws {
        let options = try ServeOptions(self, environment: Environment.current)
        let recorder = LogRecorder()
        LoggingSystem.bootstrap { label in
            var stream = StreamLogHandler.standardError(label: label)
            stream.logLevel = options.logLevel
            return MultiplexLogHandler([stream, RecordingLogHandler(label: label, recorder: recorder, logLevel: options.logLevel)])
        }
        try Station(options: options, logRecorder: recorder).runUntilSignalled()
    }
}

/// Options with their environment twins and defaults resolved and validated.
struct ServeOptions {
    var identity: String
    var csmsURL: String
    var connectorCount: Int
    var httpHost: String
    var httpPort: UInt16
    var dataDirectory: String
    var bootNotification: BootNotificationRequest
    var logLevel: Logger.Level
    var webRoot: String?
    var firmwareInstallCommand: String?
    var configurationOverrides: [(key: String, value: String)]

    init(_ serve: Serve, environment: [String: String]) throws {
        func resolve(_ flag: String?, _ variable: String, default fallback: String) -> String {
            flag ?? environment[variable] ?? fallback
        }
        identity = resolve(serve.id, "CP_ID", default: "CP001")
        guard !identity.isEmpty, identity.utf8.count <= 48 else {
            throw ValidationError("--id must be 1 to 48 characters long.")
        }
        csmsURL = Self.websocketURL(base: resolve(serve.csms, "CP_CSMS_URL", default: "ws://127.0.0.1:8092"), identity: identity)

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
        webRoot = serve.webRoot ?? environment["CP_WEB_ROOT"] ?? (access("Web/index.html", R_OK) == 0 ? "Web" : nil)
        firmwareInstallCommand = serve.firmwareInstallCommand ?? environment["CP_FIRMWARE_INSTALL_COMMAND"]

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

    /// The CSMS URL with the identity appended as the last path segment, percent-encoded ([J] §3.1.1).
    static func websocketURL(base: String, identity: String) -> String {
        let separator = base.hasSuffix("/") ? "" : "/"
        return base + separator + percentEncoded(identity)
    }

    static func percentEncoded(_ text: String) -> String {
        let unreserved = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~".utf8)
        let hex = Array("0123456789ABCDEF".utf8)
        var bytes: [UInt8] = []
        for byte in text.utf8 {
            if unreserved.contains(byte) {
                bytes.append(byte)
            } else {
                bytes += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
            }
        }
        return String(decoding: bytes, as: UTF8.self)
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
