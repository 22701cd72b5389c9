/// Puts one websocket message together from the pieces libwebsockets hands to RECEIVE (fragments, and
/// parts of a frame bigger than its receive buffer), with a size cap and the UTF-8 check RFC 6455 §8.1
/// asks of text. No I/O: the caller says whether the message is binary and whether a piece is its last,
/// and fails the connection on `tooLarge` or `invalidUTF8`.
struct MessageReassembler {
    enum Outcome: Equatable {
        /// More pieces are due.
        case incomplete
        case text(String)
        /// A binary message, which OCPP-J never sends: ignored.
        case binary(size: Int)
        /// The message exceeds the cap (close 1009); what was collected is dropped.
        case tooLarge
        /// Text that is not UTF-8 (close 1007).
        case invalidUTF8(size: Int)
    }

    let maximumSize: Int
    private var buffer: [UInt8] = []
    private var inProgress = false
    private var binary = false

    init(maximumSize: Int) {
        self.maximumSize = maximumSize
    }

    /// `piece` is the next part of the message; `isBinary` is read at its first piece only.
    mutating func receive(_ piece: UnsafeRawBufferPointer, isBinary: @autoclosure () -> Bool, isLast: Bool) -> Outcome {
        // Fast path: a whole message in one piece goes straight to a String, with no copy into the buffer.
        if !inProgress && isLast {
            if isBinary() { return .binary(size: piece.count) }
            guard piece.count <= maximumSize else { return .tooLarge }
            return MessageReassembler.text(piece)
        }
        if !inProgress {
            inProgress = true
            binary = isBinary()
        }
        guard buffer.count + piece.count <= maximumSize else {
            discard()
            return .tooLarge
        }
        buffer.append(contentsOf: piece)
        guard isLast else { return .incomplete }
        inProgress = false
        let outcome: Outcome = binary ? .binary(size: buffer.count) : buffer.withUnsafeBytes { MessageReassembler.text($0) }
        buffer.removeAll(keepingCapacity: buffer.count <= 65536)
        return outcome
    }

    /// Drops a partly received message and its memory (the connection is being failed).
    mutating func discard() {
        buffer = []
        inProgress = false
    }

    private static func text(_ bytes: UnsafeRawBufferPointer) -> Outcome {
        guard let text = String(validating: bytes.bindMemory(to: UInt8.self), as: UTF8.self) else {
            return .invalidUTF8(size: bytes.count)
        }
        return .text(text)
    }
}
