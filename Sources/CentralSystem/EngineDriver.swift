import EngineSupport
import Glibc
import OCPP16
import Runtime
import Threads

/// The central system's engine on the shared `Runtime`: the websocket service thread and the HTTP workers
/// run the engine themselves, one at a time, and a timer thread wakes only for the earliest CALL deadline.
/// Sends happen under the runtime's lock, so frames leave in the order the engine decided them; answers to
/// API callers run after it is released, so a responder never runs inside the engine's lock.
final class EngineDriver: Sendable {
    typealias Reply = @Sendable (CallOutcome) -> Void

    private let runtime: Runtime<CentralSystemHost>

    init(engine: CentralSystemEngine) {
        runtime = Runtime(CentralSystemHost(engine: engine))
    }

    /// Where frames go (the websocket server); until then and after `stop()` they are dropped.
    func attach(transmit: @escaping @Sendable (String, UInt64) -> Void) {
        runtime.withHosted { $0.transmit = transmit }
    }

    func start() {
        runtime.start()
    }

    /// Stops the timer and detaches the websocket server (which breaks the reference cycle through it).
    func stop() {
        runtime.withHosted { $0.transmit = nil }
        runtime.stop()
    }

    func handle(_ input: CentralSystemEngine.Input) {
        runtime.handle(.engine(input))
    }

    /// Asks for a CALL to a station; `reply` gets the outcome exactly once, on some other thread.
    func call(identity: String, action: String, payload: JSONValue, reply: @escaping Reply) {
        runtime.handle(.call(identity: identity, action: action, payload: payload, reply: reply))
    }

    var stations: [StationSummary] {
        runtime.withHosted { $0.stations }
    }

    static func now() -> Now {
        var real = timespec()
        clock_gettime(CLOCK_REALTIME, &real)
        return Now(
            uptime: monotonicUptime(),
            wallClock: Timestamp(millisecondsSince1970: Int64(real.tv_sec) * 1000 + Int64(real.tv_nsec) / 1_000_000))
    }
}

/// The central system's engine with the code that carries out its effects (`RuntimeHosted`: used under the
/// runtime's lock only).
final class CentralSystemHost: RuntimeHosted {
    enum Input {
        case engine(CentralSystemEngine.Input)
        case call(identity: String, action: String, payload: JSONValue, reply: EngineDriver.Reply)
    }

    private var engine: CentralSystemEngine
    private var effects: [CentralSystemEngine.Effect] = []
    private var waiting: [CallTicket: EngineDriver.Reply] = [:]
    private var lastTicket: UInt64 = 0
    var transmit: (@Sendable (String, UInt64) -> Void)?

    init(engine: CentralSystemEngine) {
        self.engine = engine
    }

    var stations: [StationSummary] { engine.stations }
    var nextDeadline: Duration? { engine.nextDeadline }
    var tick: Input { .engine(.tick) }

    func run(_ input: Input, after: inout [@Sendable () -> Void]) {
        switch input {
        case .engine(let input):
            engine.handle(input, at: EngineDriver.now(), into: &effects)
        case .call(let identity, let action, let payload, let reply):
            lastTicket += 1
            let ticket = CallTicket(lastTicket)
            waiting[ticket] = reply
            engine.handle(.call(ticket, identity: identity, action: action, payload: payload),
                          at: EngineDriver.now(), into: &effects)
        }
        for effect in effects {
            switch effect {
            case .send(let connection, let text):
                transmit?(text, connection)
            case .reply(let ticket, let outcome):
                if let reply = waiting.removeValue(forKey: ticket) { after.append { reply(outcome) } }
            }
        }
        effects.removeAll(keepingCapacity: true)
    }
}
