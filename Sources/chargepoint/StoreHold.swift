/// What a host keeps while its store refuses writes (a full disk, a folder turned read-only): the effects
/// from the failed commit on, which wait to be carried out in order, the link events that arrived meanwhile
/// for the engine, and when to try the commit again. Both station hosts keep their engine this way, so that a
/// full disk neither stops the station nor lets it acknowledge anything that is not stored.
struct StoreHold<Input, Effect> {
    static var retryInterval: Duration { .seconds(5) }

    /// Set while the store refuses writes.
    private(set) var effects: [Effect]?
    /// Why the store refused, until it takes writes again.
    private(set) var problem: String?
    private(set) var retryAt: Duration = .zero
    private var inputs: [Input] = []

    var isHolding: Bool { effects != nil }

    /// Holds `effects` (the failed `.persist` first); true when the store has just started refusing, which is
    /// worth saying once.
    mutating func hold(_ effects: [Effect], because error: any Error, at uptime: Duration) -> Bool {
        let first = problem == nil
        if first { problem = "\(error)" }
        self.effects = effects
        retryAt = uptime + Self.retryInterval
        return first
    }

    /// The held effects, to be carried out now; the hold ends unless they fail again.
    mutating func release() -> [Effect]? {
        defer { effects = nil }
        return effects
    }

    /// The next input that waited for the engine, while nothing is held.
    mutating func nextInput() -> Input? {
        guard effects == nil, !inputs.isEmpty else { return nil }
        return inputs.removeFirst()
    }

    /// The store takes writes again and nothing waits: true when that ends a refusal.
    mutating func recovered() -> Bool {
        guard effects == nil, inputs.isEmpty, problem != nil else { return false }
        problem = nil
        return true
    }

    /// Keeps an input for the engine. A new connection attempt replaces the record of the failed attempts
    /// since the last one that connected (or since `keepsHistory` input): how often the link failed while
    /// held is not worth a backlog.
    mutating func keep(_ input: Input, isConnectAttempt: (Input) -> Bool, keepsHistory: (Input) -> Bool) {
        if isConnectAttempt(input), let attempt = inputs.lastIndex(where: isConnectAttempt),
           !inputs[attempt...].contains(where: keepsHistory)
        {
            inputs.removeSubrange(attempt...)
        }
        inputs.append(input)
    }
}
