import Logging
import OCPPJ

/// What a host keeps while its store refuses writes (a full disk, a folder turned read-only): the effects
/// from the failed commit on, which wait to be carried out in order, the link events that arrived meanwhile
/// for the engine, and when to try the commit again. Both station hosts keep their engine this way, so that a
/// full disk neither stops the station nor lets it acknowledge anything that is not stored.
///
/// A class, so that the host's `execute` may hold again while `retry` carries out what was held.
final class StoreHold<Input, Effect> {
    static var retryInterval: Duration { .seconds(5) }

    /// Why the store refused, until it takes writes again.
    private(set) var problem: String?
    private(set) var retryAt: Duration = .zero
    private var effects: [Effect]?
    private var inputs: [Input] = []
    private let logger: Logger
    /// What still works while held, for the log line.
    private let meanwhile: String
    /// Told whenever the store starts refusing writes (with the reason) and when it takes them again (nil).
    var publishProblem: @Sendable (String?) -> Void = { _ in }

    init(logger: Logger, meanwhile: String) {
        self.logger = logger
        self.meanwhile = meanwhile
    }

    var isHolding: Bool { effects != nil }

    /// Why the store refuses, for an answer.
    var reason: String { problem ?? "the data folder cannot be written" }

    /// Holds `effects` (the failed `.persist` first); the first refusal is logged and published.
    func hold(_ effects: [Effect], because error: any Error, at uptime: Duration) {
        if problem == nil {
            problem = "\(error)"
            logger.critical("\(error); holding every change until it can be stored (retried every \(Self.retryInterval)): \(meanwhile)")
            publishProblem(problem)
        }
        self.effects = effects
        retryAt = uptime + Self.retryInterval
    }

    /// When the retry is due: carries out the held effects (their commit first), then hands the engine the
    /// inputs that waited, for as long as the store takes their changes.
    func retry(at uptime: Duration, execute: ([Effect]) -> Void, handle: (Input) -> Void) {
        guard uptime >= retryAt, let held = effects else { return }
        effects = nil
        execute(held)
        while effects == nil, !inputs.isEmpty { handle(inputs.removeFirst()) }
        guard effects == nil, problem != nil else { return }
        problem = nil
        logger.notice("the data folder takes writes again; the held changes are stored")
        publishProblem(nil)
    }

    /// Keeps an input for the engine. A new connection attempt replaces the record of the failed attempts
    /// since the last one that connected (or since `keepsHistory` input): how often the link failed while
    /// held is not worth a backlog.
    func keep(_ input: Input, isConnectAttempt: (Input) -> Bool, keepsHistory: (Input) -> Bool) {
        if isConnectAttempt(input), let attempt = inputs.lastIndex(where: isConnectAttempt),
           !inputs[attempt...].contains(where: keepsHistory)
        {
            inputs.removeSubrange(attempt...)
        }
        inputs.append(input)
    }

    /// The answer to a frame from the CSMS while held: a CALL is refused with InternalError (spelt alike in
    /// 1.6 and 2.0.1); an answer to one of ours gets none (nil), and the engine sends that CALL again.
    func refusal(of text: String) -> String? {
        guard let header = RPCCodec.header(of: text), header.type == 2 else { return nil }
        return RPCCodec.callError(messageId: header.messageId, code: "InternalError", description: "cannot store data: \(reason)")
    }
}
