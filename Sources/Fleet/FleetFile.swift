import EVSimulation
import Yams

/// A fleet file (`--fleet-file`, YAML or JSON): the fleet's stations as groups, each with its own count,
/// identities, protocol, connectors, BootNotification fields, central systems, security settings, vehicles and
/// traffic. What a group leaves out comes from the flags (or their defaults), so a file can say only what
/// differs between groups.
///
/// ```yaml
/// seed: 42
/// traffic: true
/// groups:
///   - count: 300
///     idPattern: "AC-{0000}"
///     connectors: 2
///   - count: 50
///     idPattern: "DC-{000}"
///     ocpp: "2.0.1"
///     csms: [ws://a:8081, ws://b:8081]
///     vehicles: {dcMaxPowerKW: 150}
///     sessions: {meanIntervalSeconds: 120, endsBy: energy}
/// ```
public struct FleetFile: Sendable, Equatable, Decodable {
    public var seed: UInt64?
    /// Whether generated drivers arrive from the start.
    public var traffic: Bool?
    public var groups: [Group]

    public struct Group: Sendable, Equatable, Decodable {
        public var count: Int
        public var idPattern: String?
        public var idOffset: Int?
        /// 1.6, 2.0.1 or mix.
        public var ocpp: String?
        public var csms: [String]?
        public var csmsDistribution: String?
        public var connectors: Int?
        public var vendor: String?
        public var model: String?
        public var serialNumber: String?
        public var firmwareVersion: String?
        /// OCPP configuration keys (2.0.1: variables) set at every start.
        public var ocppConfig: [String: String]?
        public var securityProfile: Int?
        public var authKeyFile: String?
        public var authKeyEncoding: String?
        public var caFile: String?
        public var clientCert: String?
        public var clientKey: String?
        public var vehicles: EVProfile?
        public var sessions: SessionSettings?

        /// A group of `count` stations that takes everything else from the flags.
        public init(count: Int) {
            self.count = count
        }

        private enum CodingKeys: String, CodingKey, CaseIterable {
            case count, idPattern, idOffset, ocpp, csms, csmsDistribution, connectors, vendor, model, serialNumber
            case firmwareVersion, ocppConfig, securityProfile, authKeyFile, authKeyEncoding, caFile, clientCert
            case clientKey, vehicles, sessions
        }

        public init(from decoder: any Decoder) throws {
            try decoder.refuseUnknownKeys(CodingKeys.self)
            let container = try decoder.container(keyedBy: CodingKeys.self)
            count = try container.decode(Int.self, forKey: .count)
            idPattern = try container.decodeIfPresent(String.self, forKey: .idPattern)
            idOffset = try container.decodeIfPresent(Int.self, forKey: .idOffset)
            // `ocpp: 1.6` unquoted is a number in YAML.
            ocpp = try (try? container.decodeIfPresent(String.self, forKey: .ocpp))
                ?? container.decodeIfPresent(Double.self, forKey: .ocpp).map { String($0) }
            // One URL or a list of them.
            csms = try (try? container.decodeIfPresent(String.self, forKey: .csms)).map { [$0] }
                ?? container.decodeIfPresent([String].self, forKey: .csms)
            csmsDistribution = try container.decodeIfPresent(String.self, forKey: .csmsDistribution)
            connectors = try container.decodeIfPresent(Int.self, forKey: .connectors)
            vendor = try container.decodeIfPresent(String.self, forKey: .vendor)
            model = try container.decodeIfPresent(String.self, forKey: .model)
            serialNumber = try container.decodeIfPresent(String.self, forKey: .serialNumber)
            firmwareVersion = try container.decodeIfPresent(String.self, forKey: .firmwareVersion)
            ocppConfig = try container.decodeIfPresent([String: String].self, forKey: .ocppConfig)
            securityProfile = try container.decodeIfPresent(Int.self, forKey: .securityProfile)
            authKeyFile = try container.decodeIfPresent(String.self, forKey: .authKeyFile)
            authKeyEncoding = try container.decodeIfPresent(String.self, forKey: .authKeyEncoding)
            caFile = try container.decodeIfPresent(String.self, forKey: .caFile)
            clientCert = try container.decodeIfPresent(String.self, forKey: .clientCert)
            clientKey = try container.decodeIfPresent(String.self, forKey: .clientKey)
            vehicles = try container.decodeIfPresent(EVProfile.self, forKey: .vehicles)
            sessions = try container.decodeIfPresent(SessionSettings.self, forKey: .sessions)
        }
    }

    private enum CodingKeys: String, CodingKey, CaseIterable {
        case seed, traffic, groups
    }

    public init(from decoder: any Decoder) throws {
        try decoder.refuseUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        seed = try container.decodeIfPresent(UInt64.self, forKey: .seed)
        traffic = try container.decodeIfPresent(Bool.self, forKey: .traffic)
        groups = try container.decode([Group].self, forKey: .groups)
    }

    /// A file's text, YAML or JSON (JSON is YAML); the error says where and what is wrong.
    public init(parsing text: String) throws(FleetFileError) {
        do {
            self = try YAMLDecoder().decode(FleetFile.self, from: text)
        } catch let error as DecodingError {
            throw .invalid(error.readable)
        } catch {
            throw .invalid("\(error)")
        }
        guard !groups.isEmpty else { throw .invalid("groups: at least one group is needed") }
    }
}

public enum FleetFileError: Error, Equatable, CustomStringConvertible {
    case invalid(String)

    public var description: String {
        switch self {
        case .invalid(let reason): reason
        }
    }
}

private struct AnyKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

extension Decoder {
    /// A misspelt key would otherwise be ignored and its default used without a word.
    fileprivate func refuseUnknownKeys<Keys: CodingKey & CaseIterable>(_ keys: Keys.Type) throws {
        let known = Set(Keys.allCases.map(\.stringValue))
        for key in try container(keyedBy: AnyKey.self).allKeys where !known.contains(key.stringValue) {
            throw DecodingError.dataCorrupted(
                .init(codingPath: codingPath + [key],
                      debugDescription: "unknown key; known: \(known.sorted().joined(separator: ", "))"))
        }
    }
}

extension DecodingError {
    /// "groups.1.count: ..." rather than Swift's dump of the context.
    fileprivate var readable: String {
        func path(_ context: Context) -> String {
            let text = context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
            return text.isEmpty ? "" : text + ": "
        }
        switch self {
        case .typeMismatch(let type, let context): return "\(path(context))expected \(type): \(context.debugDescription)"
        case .valueNotFound(let type, let context): return "\(path(context))missing \(type): \(context.debugDescription)"
        case .keyNotFound(let key, let context): return "\(path(context))\(key.stringValue) is required"
        case .dataCorrupted(let context): return "\(path(context))\(context.debugDescription)"
        @unknown default: return "\(self)"
        }
    }
}
