/// Metric families in the Prometheus text exposition format 0.0.4, for the values read at scrape time
/// (the station's state and the process's), whose samples are written as they are rather than kept in
/// the registry: a counter read from somewhere else (CPU time, an energy register) has no increments.
struct Exposition {
    enum Kind: String {
        case counter, gauge
    }

    private(set) var text = ""

    /// A family with one sample per label set; a family without samples is left out.
    mutating func family(
        _ name: String, _ kind: Kind, help: String, _ samples: [(labels: [(String, String)], value: Double)]
    ) {
        guard !samples.isEmpty else { return }
        text += "# HELP \(name) \(Self.escaped(help, quotes: false))\n# TYPE \(name) \(kind.rawValue)\n"
        for sample in samples {
            text += name
            if !sample.labels.isEmpty {
                text += "{" + sample.labels.map { "\($0.0)=\"\(Self.escaped($0.1, quotes: true))\"" }.joined(separator: ",") + "}"
            }
            text += " \(Self.number(sample.value))\n"
        }
    }

    /// A family of one sample without labels.
    mutating func family(_ name: String, _ kind: Kind, help: String, _ value: Double) {
        family(name, kind, help: help, [(labels: [], value: value)])
    }

    /// Whole numbers without a fraction (as Prometheus' own clients write them), others as Swift prints them
    /// (`1e+16` parses too), and the format's spellings of the special values.
    static func number(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-Inf" : "+Inf" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }

    /// Backslash and line feed escaped, and in label values the double quote too.
    private static func escaped(_ text: String, quotes: Bool) -> String {
        var result = ""
        for character in text {
            switch character {
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\"" where quotes: result += "\\\""
            default: result.append(character)
            }
        }
        return result
    }
}
