import OCPP201
import Station201

/// `GET /api/v1/display` and the `display` event: what the station's display shows now and every stored
/// message, each as the CSMS set it (its MessageInfo on the wire), so a script compares them with what it sent.
struct Display201Resource: Encodable {
    struct Message: Encodable {
        var message: MessageInfo
        /// It may be shown now: started, not ended, its state holding, its transaction running.
        var inForce: Bool
    }

    var enabled: Bool
    var state: String
    /// The message on the display; null when the display shows none.
    var shown: MessageInfo?
    /// The ids of the messages taking turns on the display, in turn order.
    var cycle: [Int]
    var messages: [Message]

    init(_ snapshot: DisplaySnapshot) {
        enabled = snapshot.enabled
        state = snapshot.state.rawValue
        shown = snapshot.shown
        cycle = snapshot.cycle
        messages = snapshot.messages.map { Message(message: $0.message, inForce: $0.inForce) }
    }

    enum CodingKeys: String, CodingKey {
        case enabled, state, shown, cycle, messages
    }

    /// `shown` is written as null rather than left out, as the other resources write absent values.
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(enabled, forKey: .enabled)
        try container.encode(state, forKey: .state)
        try container.encode(shown, forKey: .shown)
        try container.encode(cycle, forKey: .cycle)
        try container.encode(messages, forKey: .messages)
    }
}
