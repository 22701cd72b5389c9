/// Encodes `Encodable` values straight to compact JSON bytes, without an intermediate tree,
/// because every outgoing OCPP message goes through here.
///
/// Members appear in the order `encode` is called, which for synthesized conformances is
/// declaration order; optionals encoded with `encodeIfPresent` (what synthesized code does)
/// are omitted when nil, as OCPP expects for absent optional fields. Numbers are spelled as
/// ``JSONValue/serialized()`` spells them.
public enum JSONWriter {
    /// Traps if `value.encode(to:)` throws. Our message types are plain data whose encoding
    /// cannot fail (this writer itself never throws), so a throw is a programming error; trapping
    /// says so loudly and keeps every send site free of a `try` that could never be exercised.
    ///
    /// Inlinable, as `append` and `string` are: in a caller that knows the type, the cast below is decided when
    /// compiling, instead of costing a run-time conformance look-up per message (issue 11).
    @inlinable
    public static func encode<T: Encodable>(_ value: T) -> [UInt8] {
        var bytes: [UInt8] = []
        append(value, to: &bytes)
        return bytes
    }

    /// `encode`, written at the end of `bytes`.
    @inlinable
    static func append<T: Encodable>(_ value: T, to bytes: inout [UInt8]) {
        if let appendable = value as? any JSONAppendable {
            appendable.appendJSON(to: &bytes)
        } else {
            bytes += throughEncoder(value)
        }
    }

    /// Through `Encodable` even for a `JSONAppendable` value (its members still take their own way):
    /// what a hand-written `JSONObject` is checked against.
    @usableFromInline
    package static func throughEncoder<T: Encodable>(_ value: T) -> [UInt8] {
        let stream = JSONStream()
        do {
            try stream.encode(value, at: .root)
        } catch {
            preconditionFailure("encoding \(T.self) threw \(error)")
        }
        return stream.bytes
    }

    @inlinable
    public static func string<T: Encodable>(_ value: T) -> String {
        String(decoding: encode(value), as: UTF8.self)
    }
}

/// The document being written, shared by the encoder and all its containers.
///
/// A container's opening bracket is written when the container is requested; its closing
/// bracket when its parent writes the next member or when the value that opened it finishes.
/// That streams without buffering, but requires containers to be filled in nested order, as
/// synthesized and ordinary hand-written code do. Writing to a container after its parent has
/// moved on traps instead of producing malformed JSON.
final class JSONStream {
    /// Unchecked because every write passes it `inout` to a helper, and the runtime's dynamic
    /// exclusivity check cost a fifth of encoding time. No access can overlap: a stream belongs
    /// to one synchronous `JSONWriter.encode` call, and no helper touches the stream itself.
    @exclusivity(unchecked) var bytes: [UInt8] = []
    private var openContainers: [OpenContainer] = []

    /// Encodes one value and closes whatever containers it left open. A value that wrote nothing
    /// at all becomes `{}` (as with Foundation), because a member needs some value after its colon.
    func encode<T: Encodable>(_ value: T, at path: CodingPathNode) throws {
        let depth = openContainers.count
        let start = bytes.count
        try value.encode(to: StreamEncoder(stream: self, path: path))
        while openContainers.count > depth {
            close(openContainers.removeLast())
        }
        if bytes.count == start {
            bytes.append(contentsOf: "{}".utf8)
        }
    }

    func open(_ kind: OpenContainer.Kind) -> OpenContainer {
        let container = OpenContainer(kind, start: bytes.count)
        switch kind {
        case .object: bytes.append(UInt8(ascii: "{"))
        case .array: bytes.append(UInt8(ascii: "["))
        case .superSlot: break
        }
        openContainers.append(container)
        return container
    }

    /// Makes `container` the innermost open one, closing nested containers that are finished,
    /// and writes the comma that separates its members.
    func beginMember(of container: OpenContainer) {
        makeInnermost(container)
        if container.count > 0 {
            bytes.append(UInt8(ascii: ","))
        }
        container.count += 1
    }

    func makeInnermost(_ container: OpenContainer) {
        precondition(!container.isClosed, "an encoding container was written to after its parent moved on")
        while openContainers.last !== container {
            close(openContainers.removeLast())
        }
    }

    private func close(_ container: OpenContainer) {
        container.isClosed = true
        switch container.kind {
        case .object: bytes.append(UInt8(ascii: "}"))
        case .array: bytes.append(UInt8(ascii: "]"))
        case .superSlot where bytes.count == container.start: bytes.append(contentsOf: "{}".utf8)
        case .superSlot: break
        }
    }
}

/// An object or array whose closing bracket has not been written yet, or the value position
/// handed out by `superEncoder()`, which must not stay empty.
final class OpenContainer {
    enum Kind {
        case object
        case array
        case superSlot
    }

    let kind: Kind
    let start: Int
    /// Members written so far; decides whether the next one needs a comma.
    var count = 0
    var isClosed = false

    init(_ kind: Kind, start: Int) {
        self.kind = kind
        self.start = start
    }
}
