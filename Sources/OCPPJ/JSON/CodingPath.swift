/// Where a value sits in the document being coded.
///
/// A linked list, so handing a nested value its path costs one small allocation instead of an
/// array copy; the array form that `Decoder.codingPath` promises is only built when asked for.
indirect enum CodingPathNode {
    case root
    case child(any CodingKey, parent: CodingPathNode)

    var isRoot: Bool {
        if case .root = self { true } else { false }
    }

    func appending(_ key: any CodingKey) -> CodingPathNode {
        .child(key, parent: self)
    }

    var keys: [any CodingKey] {
        var keys: [any CodingKey] = []
        var node = self
        while case .child(let key, let parent) = node {
            keys.append(key)
            node = parent
        }
        return keys.reversed()
    }
}

/// The coding key of an array element. Its string form matches Foundation's, so that
/// ``PayloadError/path(of:)`` renders indices the same whichever coder produced the path.
struct ArrayIndex: CodingKey {
    let index: Int

    init(_ index: Int) {
        self.index = index
    }

    init?(intValue: Int) {
        self.init(intValue)
    }

    init?(stringValue: String) {
        nil
    }

    var intValue: Int? { index }
    var stringValue: String { "Index \(index)" }
}

extension PayloadError {
    /// Renders a coding path the way OCPP field references are written, e.g.
    /// `chargingSchedule.chargingSchedulePeriod[0].limit`; the root is the empty string.
    public static func path(of codingPath: [any CodingKey]) -> String {
        var path = ""
        for key in codingPath {
            if let index = key.intValue, key.stringValue == "Index \(index)" {
                path += "[\(index)]"
            } else {
                path += path.isEmpty ? key.stringValue : "." + key.stringValue
            }
        }
        return path
    }
}
