import HTTPServer
import Logging
import OCPP16
import Testing
import Threads

@testable import CentralSystem

/// The REST edge over a real driver and engine, with the websocket side replaced by a frame recorder.
@Suite struct StationAPITests {
    final class Recorder: @unchecked Sendable {
        // `frames` and `answers` are guarded by `lock`.
        private let lock = Condition()
        private var frames: [(String, UInt64)] = []
        private var answers: [HTTPResponse] = []

        func frame(_ text: String, _ connection: UInt64) { lock.withLock { frames.append((text, connection)) } }
        var sentFrames: [(String, UInt64)] { lock.withLock { frames } }
        func answer(_ answer: HTTPAnswer) {
            if case .response(let response) = answer { lock.withLock { answers.append(response) } }
        }
        var responses: [HTTPResponse] { lock.withLock { answers } }
    }

    let recorder = Recorder()
    let driver: EngineDriver
    let api: StationAPI

    init() {
        driver = EngineDriver(engine: CentralSystemEngine(settings: CentralSystemSettings(), logger: .init(label: "t") { _ in SwiftLogNoOpLogHandler() }))
        let recorder = recorder
        driver.attach { text, connection in recorder.frame(text, connection) }
        api = StationAPI(driver: driver)
    }

    func request(_ method: String, _ path: String, _ body: String = "") -> HTTPResponse? {
        let before = recorder.responses.count
        api.handle(HTTPRequest(method: method, path: path, body: Array(body.utf8)), HTTPResponder(onAnswer: recorder.answer))
        return recorder.responses.count > before ? recorder.responses.last : nil
    }

    func json(_ response: HTTPResponse?) -> JSONValue? {
        response.flatMap { try? JSONValue.parse($0.body) }
    }

    @Test func healthAndTheStationList() throws {
        #expect(json(request("GET", "/healthz")) == .object(["status": .string("ok")]))
        #expect(json(request("GET", "/api/v1/stations")) == .object(["stations": .array([])]))
        driver.handle(.connected(connection: 3, identity: "CP 1/2", version: .v16))
        driver.handle(.received(connection: 3, text: #"[2,"b","BootNotification",{"chargePointVendor":"V","chargePointModel":"M"}]"#))
        driver.handle(.received(connection: 3, text: #"[2,"s","StartTransaction",{"connectorId":1,"idTag":"T","meterStart":0,"timestamp":"2026-01-01T00:00:00Z"}]"#))
        let list = try #require(json(request("GET", "/api/v1/stations"))?["stations"])
        guard case .array(let stations) = list, let station = stations.first else {
            Issue.record("no station in \(list)")
            return
        }
        #expect(station["identity"] == .string("CP 1/2"))
        #expect(station["registration"] == .string("Accepted"))
        #expect(station["transactions"] == .array([.integer(1)]))
        guard case .string(let since)? = station["connectedSince"] else {
            Issue.record("connectedSince missing")
            return
        }
        #expect(since.hasSuffix("Z") && Timestamp.parse(since) != nil)

        // The identity in the call path is percent-decoded on its own.
        let responder = HTTPResponder(onAnswer: recorder.answer)
        api.handle(HTTPRequest(method: "POST", path: "/api/v1/stations/CP%201%2F2/call", body: Array(#"{"action":"Reset"}"#.utf8)),
                   responder)
        #expect(recorder.sentFrames.last?.1 == 3)
    }

    /// The list says which version each station speaks, and a call naming no action of a 2.0.1 station's version
    /// is refused with a 422 that says so, before anything goes on the wire.
    @Test func a201StationIsListedWithItsVersionAndTakes201ActionsOnly() throws {
        driver.handle(.connected(connection: 1, identity: "CS1", version: .v201))
        driver.handle(.connected(connection: 2, identity: "CP2", version: .v16))
        let list = try #require(json(request("GET", "/api/v1/stations"))?["stations"])
        guard case .array(let stations) = list else {
            Issue.record("no station list in \(list)")
            return
        }
        #expect(stations.map { $0["identity"] } == [.string("CP2"), .string("CS1")])
        #expect(stations.map { $0["ocppVersion"] } == [.string("1.6"), .string("2.0.1")])

        let refused = try #require(request("POST", "/api/v1/stations/CS1/call", #"{"action":"RemoteStartTransaction"}"#))
        #expect(refused.status == 422 && refused.header("content-type") == "application/problem+json")
        #expect(json(refused)?["type"] == .string("urn:chargepoint:problem:unknown-action"))
        #expect(json(refused)?["detail"] == .string("CS1 speaks OCPP 2.0.1, which has no action 'RemoteStartTransaction'; nothing was sent."))
        #expect(recorder.sentFrames.isEmpty)
    }

    @Test func aCallIsCorrelatedWithItsAnswer() throws {
        driver.handle(.connected(connection: 1, identity: "CP1", version: .v16))
        let responder = HTTPResponder(onAnswer: recorder.answer)
        api.handle(HTTPRequest(method: "POST", path: "/api/v1/stations/CP1/call",
                               body: Array(#"{"action":"RemoteStartTransaction","payload":{"idTag":"TAG1"}}"#.utf8)), responder)
        #expect(!responder.hasResponded)
        let (text, connection) = try #require(recorder.sentFrames.last)
        #expect(connection == 1)
        guard case .frame(.call(let id, "RemoteStartTransaction", let payload)) = RPCCodec.decode(text.utf8) else {
            Issue.record("not a CALL: \(text)")
            return
        }
        #expect(payload == .object(["idTag": .string("TAG1")]))
        driver.handle(.received(connection: 1, text: #"[3,"\#(id)",{"status":"Accepted"}]"#))
        let response = try #require(recorder.responses.last)
        #expect(response.status == 200 && response.header("content-type") == "application/json")
        #expect(json(response) == .object(["result": .object(["status": .string("Accepted")])]))
    }

    @Test func aCallErrorBecomes502WithTheErrorMembers() throws {
        driver.handle(.connected(connection: 1, identity: "CP1", version: .v16))
        api.handle(HTTPRequest(method: "POST", path: "/api/v1/stations/CP1/call", body: Array(#"{"action":"Reset"}"#.utf8)),
                   HTTPResponder(onAnswer: recorder.answer))
        let (text, _) = try #require(recorder.sentFrames.last)
        #expect(text.hasSuffix(#","Reset",{}]"#), "a missing payload is {}")
        guard case .frame(.call(let id, _, _)) = RPCCodec.decode(text.utf8) else { return }
        driver.handle(.received(connection: 1, text: #"[4,"\#(id)","NotSupported","no resets here",{}]"#))
        let response = try #require(recorder.responses.last)
        #expect(response.status == 502 && response.header("content-type") == "application/problem+json")
        let body = try #require(json(response))
        #expect(body["errorCode"] == .string("NotSupported"))
        #expect(body["errorDescription"] == .string("no resets here"))
        #expect(body["status"] == .integer(502))
        #expect(body["type"] == .string("urn:chargepoint:problem:call-error"))
    }

    @Test func errorsAreProblemDocuments() throws {
        let cases: [(String, String, String, Int, String)] = [
            ("POST", "/api/v1/stations/NOPE/call", #"{"action":"Reset","payload":{}}"#, 404, "station-not-found"),
            ("POST", "/api/v1/stations/CP1/call", "not json", 422, "invalid-body"),
            ("POST", "/api/v1/stations/CP1/call", #"{"payload":{}}"#, 422, "invalid-body"),
            ("POST", "/api/v1/stations/CP1/call", #"{"action":"","payload":{}}"#, 422, "invalid-body"),
            ("POST", "/api/v1/stations/CP1/call", #"{"action":"Reset","payload":[]}"#, 422, "invalid-body"),
            ("POST", "/api/v1/stations/CP1/call", #"{"action":"Reset","extra":1}"#, 422, "invalid-body"),
            ("GET", "/api/v1/stations/CP1/call", "", 405, "method-not-allowed"),
            ("POST", "/api/v1/stations", "", 405, "method-not-allowed"),
            ("GET", "/api/v1/nothing", "", 404, "not-found"),
            ("GET", "/api/v1/stations//call", "", 404, "not-found"),
            ("POST", "/api/v1/stations/A%2/call", "", 404, "not-found"),
            ("POST", "/api/v1/stations/A/B/call", "", 404, "not-found"),
        ]
        for (method, path, body, status, slug) in cases {
            let response = try #require(request(method, path, body))
            #expect(response.status == status, "\(method) \(path)")
            #expect(response.header("content-type") == "application/problem+json")
            #expect(json(response)?["type"] == .string("urn:chargepoint:problem:\(slug)"), "\(method) \(path) \(body)")
            #expect(json(response)?["status"] == .integer(Int64(status)))
        }
        #expect(request("POST", "/api/v1/stations")?.header("allow") == "GET, HEAD")
    }
}
