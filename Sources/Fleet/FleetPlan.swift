import EVSimulation
import OCPPJ
import EngineSupport

/// Which station of a fleet goes where: its identity, its central system and its OCPP version, decided once
/// at start from the flags (or a fleet file's groups), before anything connects.
public struct StationPlan: Sendable, Equatable {
    /// The station's number, from which its identity is made.
    public var number: Int
    public var identity: String
    /// The central system's websocket URL without the identity.
    public var csms: String
    public var version: OCPPVersion

    public init(number: Int, identity: String, csms: String, version: OCPPVersion) {
        self.number = number
        self.identity = identity
        self.csms = csms
        self.version = version
    }
}

/// Why a fleet cannot be planned; each says what to change.
public enum FleetPlanError: Error, Equatable, CustomStringConvertible {
    case invalidPattern(String, reason: String)
    case numberTooWide(pattern: String, number: Int)
    case invalidCount(Int)
    case invalidOffset(Int)
    case noCentralSystem
    case identityTooLong(String)
    case duplicateIdentity(String)

    public var description: String {
        switch self {
        case .invalidPattern(let pattern, let reason):
            "--id-pattern '\(pattern)' \(reason); write the station number's place as zeros in braces, e.g. CP{0000}."
        case .numberTooWide(let pattern, let number):
            "--id-pattern '\(pattern)' has no room for station number \(number); use more zeros in the braces or a smaller --id-offset."
        case .invalidCount(let count):
            "--count must be at least 1, not \(count)."
        case .invalidOffset(let offset):
            "--id-offset must be 0 or more, not \(offset)."
        case .noCentralSystem:
            "--csms needs at least one URL."
        case .identityTooLong(let identity):
            "the identity '\(identity)' is longer than 48 characters; shorten --id-pattern."
        case .duplicateIdentity(let identity):
            "two stations would both be '\(identity)'; every identity must be unique."
        }
    }
}

/// An identity with the station number in it: `CP{0000}` gives CP0001, CP0002, ... (the braces hold as many
/// zeros as the number has digits, zero-padded).
public struct IdentityPattern: Sendable, Equatable {
    public let text: String
    private let prefix: String
    private let suffix: String
    private let width: Int

    public init(parsing text: String) throws(FleetPlanError) {
        guard let open = text.firstIndex(of: "{"), let close = text[open...].firstIndex(of: "}") else {
            throw .invalidPattern(text, reason: "has no {0000} for the station number")
        }
        let digits = text[text.index(after: open)..<close]
        guard !digits.isEmpty, digits.allSatisfy({ $0 == "0" }) else {
            throw .invalidPattern(text, reason: "holds '\(digits)' in braces, not zeros")
        }
        let rest = text[text.index(after: close)...]
        guard !text[..<open].contains("}"), !rest.contains("{"), !rest.contains("}") else {
            throw .invalidPattern(text, reason: "has more than one pair of braces")
        }
        self.text = text
        prefix = String(text[..<open])
        suffix = String(rest)
        width = digits.count
    }

    /// The identity of station `number`; nil when the number has more digits than the braces hold.
    public func identity(number: Int) -> String? {
        let digits = String(number)
        guard number >= 0, digits.count <= width else { return nil }
        return prefix + String(repeating: "0", count: width - digits.count) + digits + suffix
    }
}

/// How the stations share several central systems.
public enum CSMSDistribution: String, Sendable, CaseIterable {
    /// Station k of the fleet to URL k mod n: even shares, in order.
    case roundRobin = "round-robin"
    /// A URL drawn at random for every station at each start.
    case random
    /// A URL chosen by a hash of the station's identity: a station keeps its central system whatever the
    /// count or the offset, as long as the list of URLs stays the same.
    case byStation = "by-station"

    func pick(_ urls: [String], index: Int, identity: String, using random: inout some RandomNumberGenerator) -> String {
        switch self {
        case .roundRobin: urls[index % urls.count]
        case .random: urls[Int.random(in: 0..<urls.count, using: &random)]
        case .byStation: urls[Int(fnv1a(identity) % UInt64(urls.count))]
        }
    }
}

/// FNV-1a, 64 bits: a stable hash (Swift's own `Hasher` is seeded per process).
func fnv1a(_ text: String) -> UInt64 {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in text.utf8 {
        hash ^= UInt64(byte)
        hash = hash &* 0x100_0000_01b3
    }
    return hash
}

extension StationPlan {
    /// The seed of this station's traffic, drawn from the fleet's by its identity: the same fleet seed gives a
    /// station the same drivers whatever group or place it has, and no two stations share a stream.
    public func trafficSeed(fleetSeed: UInt64) -> UInt64 {
        var seeds = SplitMix64(seed: fleetSeed, stream: fnv1a(identity))
        return seeds.next()
    }

    /// The stations of `--count`, `--id-pattern`, `--id-offset`, `--csms` and `--ocpp`: numbers from `offset`
    /// on, URLs shared as `distribution` says, versions taken in turn from `versions` (one for all, or
    /// several for a mix).
    public static func fleet(
        count: Int, pattern: IdentityPattern, offset: Int, csms: [String], distribution: CSMSDistribution,
        versions: [OCPPVersion], using random: inout some RandomNumberGenerator
    ) throws(FleetPlanError) -> [StationPlan] {
        guard count >= 1 else { throw .invalidCount(count) }
        guard offset >= 0 else { throw .invalidOffset(offset) }
        guard !csms.isEmpty else { throw .noCentralSystem }
        precondition(!versions.isEmpty, "a fleet speaks at least one version")
        var plans: [StationPlan] = []
        plans.reserveCapacity(count)
        for index in 0..<count {
            let number = offset + index
            guard let identity = pattern.identity(number: number) else {
                throw .numberTooWide(pattern: pattern.text, number: number)
            }
            guard identity.utf8.count <= 48 else { throw .identityTooLong(identity) }
            plans.append(StationPlan(
                number: number, identity: identity,
                csms: distribution.pick(csms, index: index, identity: identity, using: &random),
                version: versions[index % versions.count]))
        }
        return plans
    }
}
