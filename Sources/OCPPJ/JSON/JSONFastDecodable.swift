/// A payload read straight from the JSON tree when it has exactly the shape it should, which is what a
/// central system sends nearly always, for the messages read most. Anything else (a missing or unknown
/// member, another type, a null, a string too long) makes `init(fastJSON:)` return nil, and
/// `StrictJSON.decode` goes through `Decodable`, which says precisely what is wrong: the errors stay the
/// strict decoder's, and the fast read must never accept what it refuses (`JSONFastDecodableTests`).
public protocol JSONFastDecodable: Decodable {
    init?(fastJSON members: [String: JSONValue])
}

/// The members of one JSON object, read by `JSONFastDecodable`. Every accessor returns nil when the member
/// is not in its plain expected form, which sends the whole payload to the strict decoder; so does a
/// member nobody read (`isFullyRead`), as the strict decoder refuses unknown members.
///
/// It is public, and its generic accessors inlinable, so that each message's module specializes them for its
/// own types instead of paying a run-time metadata look-up per member (issue 11).
public struct JSONMembers {
    @usableFromInline let members: [String: JSONValue]
    @usableFromInline var readCount = 0

    package init(_ members: [String: JSONValue]) {
        self.members = members
    }

    /// Whether every member was read: false for an object with a member the type does not have.
    package var isFullyRead: Bool { readCount == members.count }

    package mutating func integer(_ name: String) -> Int? {
        guard case .integer(let value)? = take(name) else { return nil }
        return Int(exactly: value)
    }

    /// A decimal, which may arrive as a JSON integer, as the strict decoder reads one.
    package mutating func number(_ name: String) -> Double? {
        switch take(name) {
        case .integer(let value)?: Double(value)
        case .number(let value)?: value
        default: nil
        }
    }

    @usableFromInline
    package mutating func string(_ name: String) -> String? {
        guard case .string(let value)? = take(name) else { return nil }
        return value
    }

    @inlinable
    package mutating func string<let maxLength: Int>(_ name: String) -> CiString<maxLength>? {
        string(name).flatMap(CiString<maxLength>.init)
    }

    package mutating func timestamp(_ name: String) -> Timestamp? {
        string(name).flatMap { try? Timestamp(rfc3339: $0) }
    }

    @inlinable
    package mutating func enumeration<Value: RawRepresentable<String>>(_ name: String) -> Value? {
        string(name).flatMap(Value.init(rawValue:))
    }

    @inlinable
    package mutating func object<Value: JSONFastDecodable>(_ name: String) -> Value? {
        guard case .object(let nested)? = take(name) else { return nil }
        return Value(fastJSON: nested)
    }

    @inlinable
    package mutating func array<Element>(_ name: String, _ read: (JSONValue) -> Element?) -> [Element]? {
        guard case .array(let items)? = take(name) else { return nil }
        var elements: [Element] = []
        elements.reserveCapacity(items.count)
        for item in items {
            guard let element = read(item) else { return nil }
            elements.append(element)
        }
        return elements
    }

    /// Any JSON but null, taken as it is (OCPP 2.0.1's open-ended `data`); null is left to the strict decoder.
    package mutating func value(_ name: String) -> JSONValue? {
        guard let value = take(name), value != .null else { return nil }
        return value
    }

    /// An optional member: `.some(nil)` when it is absent, nil when it is present in another form.
    @inlinable
    package mutating func optional<Value>(_ name: String, _ read: (inout JSONMembers, String) -> Value?) -> Value?? {
        guard members[name] != nil else { return .some(nil) }
        return read(&self, name).map { .some($0) }
    }

    /// The member, counted as read.
    @usableFromInline
    mutating func take(_ name: String) -> JSONValue? {
        guard let value = members[name] else { return nil }
        readCount += 1
        return value
    }
}
