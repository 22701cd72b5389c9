import ArgumentParser
import FileTransfer
import Glibc
import HTTPServer
import OCPP16
import Threads

struct HealthCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "healthcheck",
        abstract: "Probe a running `chargepoint serve`: exit 0 if it answers 200, 1 with one line on stderr if not.",
        discussion: """
            It reads the settings of `serve` from the same variables, so one environment configures both \
            (the image's HEALTHCHECK and docker-compose.yml rely on that): CP_HTTP is where it connects, a \
            wildcard address (0.0.0.0, [::]) on loopback; with CP_API_CERT it speaks HTTPS and the server must \
            present that certificate, or one chaining to a certificate in that file (the host name is not \
            checked: the probe connects by the listen address, not by the name in the certificate); \
            CP_API_TOKEN or CP_API_TOKEN_FILE is sent as the bearer token.

            GET /healthz (liveness) answers 200 while the HTTP server runs. With --ready it probes GET /readyz, \
            which answers 200 only while the store is writable, the CSMS link is up and registration is \
            Accepted; otherwise the line printed carries the problem's detail.

            Examples:
              chargepoint healthcheck
              chargepoint healthcheck --ready
              chargepoint healthcheck --http 127.0.0.1:9001    (the /healthz of `chargepoint csms`)
            """
    )

    @Option(help: "The address the API listens on, host:port [CP_HTTP]; default 127.0.0.1:8080.")
    var http: String?

    @Option(help: "Probe over HTTPS, trusting this PEM certificate (chain) [CP_API_CERT].")
    var apiCert: String?

    @Option(help: "A file holding the API token [CP_API_TOKEN_FILE, or the token itself in CP_API_TOKEN].")
    var apiTokenFile: String?

    @Flag(help: "Probe GET /readyz (registered and able to persist) instead of GET /healthz (running).")
    var ready = false

    @Option(help: "Seconds to wait for the answer; below the image's HEALTHCHECK timeout (5 s), so the line is seen.")
    var timeout: Int = 3

    func run() throws {
        let environment = Environment.current
        let target: HealthProbeTarget
        do {
            target = try HealthProbeTarget(self, environment: environment)
        } catch {
            throw Self.failure(error.message)
        }
        let answer: HTTPProbe.Answer
        do {
            answer = try HTTPProbe.get(target.url, headers: target.headers, tls: target.tls,
                                       timeout: .seconds(max(1, timeout)))
        } catch {
            throw Self.failure(error.message)
        }
        guard answer.status == 200 else {
            throw Self.failure("\(target.url) answered \(answer.status)\(Self.reason(answer.body).map { ": \($0)" } ?? "")")
        }
    }

    /// Prints `chargepoint healthcheck: <line>` on stderr; the exit status 1 is what docker reads as unhealthy.
    static func failure(_ line: String) -> ExitCode {
        let text = Array("chargepoint healthcheck: \(line)\n".utf8)
        _ = text.withUnsafeBytes { write(STDERR_FILENO, $0.baseAddress, $0.count) }
        return .failure
    }

    /// The `detail` (or `title`) of a problem+json body, else its first line if it is short text.
    static func reason(_ body: [UInt8]) -> String? {
        if case .object(let fields)? = try? JSONValue.parse(body) {
            for name in ["detail", "title"] {
                if case .string(let text)? = fields[name], !text.isEmpty { return text }
            }
            return nil
        }
        let line = body.prefix { $0 != 0x0A && $0 != 0x0D }
        guard !line.isEmpty, line.count <= 200, line.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) else { return nil }
        return String(decoding: line, as: UTF8.self)
    }
}

struct ProbeFailure: Error {
    var message: String
}

/// What `chargepoint healthcheck` probes: URL, TLS check and headers, from its flags and the service's
/// environment variables (a flag wins).
struct HealthProbeTarget {
    var url: String
    var tls: HTTPProbe.TLSCheck
    var headers: [String]

    init(_ command: HealthCheckCommand, environment: [String: String]) throws(ProbeFailure) {
        let listen = command.http ?? ServeOptions.variable(environment, "CP_HTTP") ?? "127.0.0.1:8080"
        let host: String
        let port: UInt16
        do {
            (host, port) = try HTTPServerConfiguration.parse(listenAddress: listen)
        } catch {
            throw ProbeFailure(message: "CP_HTTP / --http: \(error)")
        }
        let probed: String
        switch host {
        case "0.0.0.0": probed = "127.0.0.1"
        case "::", "::0": probed = "[::1]"
        case let literal where literal.contains(":"): probed = "[\(literal)]"
        default: probed = host
        }
        let certificate = command.apiCert ?? ServeOptions.variable(environment, "CP_API_CERT")
        if let certificate {
            guard access(certificate, R_OK) == 0 else {
                throw ProbeFailure(message: "--api-cert / CP_API_CERT \(certificate): cannot read it: \(String(cString: strerror(errno)))")
            }
        }
        tls = certificate.map { .pinned(certificateFile: $0) } ?? .system
        url = "\(certificate == nil ? "http" : "https")://\(probed):\(port)\(command.ready ? "/readyz" : "/healthz")"

        var token = ServeOptions.variable(environment, "CP_API_TOKEN").map { Array($0.utf8) }
        if let file = command.apiTokenFile ?? ServeOptions.variable(environment, "CP_API_TOKEN_FILE") {
            guard let bytes = readFile(file) else {
                throw ProbeFailure(message: "--api-token-file / CP_API_TOKEN_FILE \(file): cannot read it: \(String(cString: strerror(errno)))")
            }
            token = trimmingSpace(bytes)
        }
        headers = token.map { ["Authorization: Bearer \(String(decoding: $0, as: UTF8.self))"] } ?? []
    }
}
