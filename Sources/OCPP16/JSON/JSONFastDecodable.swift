/// A payload read straight from the JSON tree when it has exactly the shape it should, which is what a
/// central system sends nearly always, for the messages read most. Anything else (a missing or unknown
/// member, another type, a null, a string too long) makes `init(fastJSON:)` return nil, and
/// `StrictJSON.decode` goes through `Decodable`, which says precisely what is wrong: the errors stay the
/// strict decoder's, and the fast read must never accept what it refuses (`JSONFastDecodableTests`).
package protocol JSONFastDecodable: Decodable {
    init?(fastJSON members: [String: JSONValue])
}

/// The members of one JSON object, read by `JSONFastDecodable`. Every accessor returns nil when the member
/// is not in its plain expected form, which sends the whole payload to the strict decoder.
package struct JSONMembers {
    private let members: [String: JSONValue]

    /// nil when the object has a member that is not in `known`.
    package init?(_ members: [String: JSONValue], known: Set<String>) {
        guard members.keys.allSatisfy(known.contains) else { return nil }
        self.members = members
    }

    package func integer(_ name: String) -> Int? {
        guard case .integer(let value)? = members[name] else { return nil }
        return Int(exactly: value)
    }

    package func string(_ name: String) -> String? {
        guard case .string(let value)? = members[name] else { return nil }
        return value
    }

    package func string<let maxLength: Int>(_ name: String) -> CiString<maxLength>? {
        string(name).flatMap(CiString<maxLength>.init)
    }

    package func timestamp(_ name: String) -> Timestamp? {
        string(name).flatMap { try? Timestamp(rfc3339: $0) }
    }

    package func enumeration<Value: RawRepresentable<String>>(_ name: String) -> Value? {
        string(name).flatMap(Value.init(rawValue:))
    }

    package func object<Value: JSONFastDecodable>(_ name: String) -> Value? {
        guard case .object(let nested)? = members[name] else { return nil }
        return Value(fastJSON: nested)
    }

    package func array<Element>(_ name: String, _ read: (JSONValue) -> Element?) -> [Element]? {
        guard case .array(let items)? = members[name] else { return nil }
        var elements: [Element] = []
        elements.reserveCapacity(items.count)
        for item in items {
            guard let element = read(item) else { return nil }
            elements.append(element)
        }
        return elements
    }

    /// An optional member: `.some(nil)` when it is absent, nil when it is present in another form.
    package func optional<Value>(_ name: String, _ read: (JSONMembers, String) -> Value?) -> Value?? {
        guard members[name] != nil else { return .some(nil) }
        return read(self, name).map { .some($0) }
    }
}
