import OCPPJ
import Testing

/// One payload for checking a `JSONFastDecodable` type against the strict decoder: the fast read must read
/// what the strict decoder reads, and must leave everything it refuses to it, whatever the input.
public struct FastReadCase: Sendable, CustomStringConvertible {
    public let type: any (JSONFastDecodable & Equatable & Sendable).Type
    public let json: String
    /// Whether the fast read must take it (the everyday shape) or leave it to the strict decoder.
    public let fast: Bool

    public init(type: any (JSONFastDecodable & Equatable & Sendable).Type, json: String, fast: Bool) {
        self.type = type
        self.json = json
        self.fast = fast
    }

    public var description: String { "\(type) \(json)" }

    /// A fast result is the strict one, only the everyday shapes are read fast, and through the public door
    /// (`StrictJSON.decode`) comes the same value, or the strict decoder's error.
    public func check(sourceLocation: SourceLocation = #_sourceLocation) throws {
        try type.checkFastRead(of: self, sourceLocation)
    }
}

extension JSONFastDecodable where Self: Equatable & Sendable {
    fileprivate static func checkFastRead(of sample: FastReadCase, _ sourceLocation: SourceLocation) throws {
        let value = try JSONValue.parse(Array(sample.json.utf8))
        guard case .object(let members) = value else {
            Issue.record("not an object", sourceLocation: sourceLocation)
            return
        }
        let fastRead = Self(fastJSON: members)
        #expect((fastRead != nil) == sample.fast, "\(sample)", sourceLocation: sourceLocation)
        if let fastRead {
            #expect(fastRead == (try StrictJSON.decodeStrictly(Self.self, from: value)), "\(sample)",
                    sourceLocation: sourceLocation)
        }
        let viaStrictJSON = Result { () throws(PayloadError) in try StrictJSON.decode(Self.self, from: value) }
        let viaDecoder = Result { () throws(PayloadError) in try StrictJSON.decodeStrictly(Self.self, from: value) }
        switch (viaStrictJSON, viaDecoder) {
        case (.success(let lhs), .success(let rhs)): #expect(lhs == rhs, "\(sample)", sourceLocation: sourceLocation)
        case (.failure(let lhs), .failure(let rhs)):
            #expect("\(lhs)" == "\(rhs)", "\(sample)", sourceLocation: sourceLocation)
        default: Issue.record("StrictJSON and the strict decoder disagree on \(sample)", sourceLocation: sourceLocation)
        }
    }
}
