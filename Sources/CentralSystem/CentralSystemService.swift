import HTTPServer
import Logging
import OCPP16
import Transport

/// Why the central system could not start; `description` is meant for the operator.
public enum CentralSystemError: Error, Sendable, CustomStringConvertible {
    case websocket(WebSocketServerError)
    case http(HTTPServerError)

    public var description: String {
        switch self {
        case .websocket(let error): "websocket listener: \(error)"
        case .http(let error): "HTTP API: \(error)"
        }
    }
}

/// `chargepoint csms`: the engine wired to a websocket server for the stations and an HTTP server
/// for scripts. Both listeners are bound in `start()`, so a port in use is reported there. The websocket
/// server takes every version's subprotocol; each station speaks the first of its offer that is one.
public final class CentralSystemService: Sendable {
    private let driver: EngineDriver
    private let websocket: WebSocketServer
    private let http: HTTPServer

    public init(
        settings: CentralSystemSettings, websocketHost: String, websocketPort: Int, httpHost: String, httpPort: UInt16,
        tls: WebSocketServerTLS? = nil, logger: Logger
    ) throws(CentralSystemError) {
        let driver = EngineDriver(engine: CentralSystemEngine(settings: settings, logger: logger))
        do {
            websocket = try WebSocketServer(
                configuration: WebSocketServerConfiguration(
                    host: websocketHost, port: websocketPort, subprotocols: OCPPVersion.allCases.map(\.subprotocol), tls: tls,
                    admit: { settings.admits(identity: $0) }, authenticate: { settings.authenticates($0) }),
                logger: Logger(label: "\(logger.label).websocket")
            ) { event in
                switch event {
                case .connected(let connection, let identity, let subprotocol):
                    guard let version = OCPPVersion(subprotocol: subprotocol) else {
                        preconditionFailure("the websocket server agreed on \(subprotocol), which is no subprotocol of an OCPPVersion")
                    }
                    driver.handle(.connected(connection: connection, identity: identity, version: version))
                case .received(let connection, let text):
                    driver.handle(.received(connection: connection, text: text))
                case .disconnected(let connection, let reason):
                    driver.handle(.disconnected(connection: connection, reason: reason))
                }
            }
        } catch {
            throw .websocket(error)
        }
        let websocket = websocket
        driver.attach { text, connection in websocket.send(text, on: connection) }
        let api = StationAPI(driver: driver)
        http = HTTPServer(
            configuration: HTTPServerConfiguration(host: httpHost, port: httpPort),
            logger: Logger(label: "\(logger.label).http"), handler: api.handle)
        self.driver = driver
    }

    public func start() throws(CentralSystemError) {
        driver.start()
        do {
            try websocket.start()
        } catch {
            driver.stop()
            throw .websocket(error)
        }
        do {
            try http.start()
        } catch {
            websocket.stop()
            driver.stop()
            throw .http(error)
        }
    }

    public var websocketPort: Int { websocket.boundPort }
    public var httpPort: UInt16 { http.boundPort }

    /// Stops the API first (waiting callers get 503), then closes every station's connection, then the timer.
    public func stop() {
        http.stop()
        websocket.stop()
        driver.stop()
    }
}
