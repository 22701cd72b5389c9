import OCPP201

/// The station's device model: the catalogue of variables and the values of the stored ones. It answers
/// the reads and writes of GetVariables, SetVariables and the REST API alike, and lists what reports show;
/// the values of live variables come from the station's state, handed in by whoever asks.
public struct DeviceModel: Sendable, Equatable {
    /// In catalogue order, which is report order.
    public let descriptors: [VariableDescriptor]
    private let positions: [VariableKey: Int]
    private let components: Set<ComponentAddress>
    /// The values of stored variables, by position in `descriptors`; nil for live ones.
    private var values: [String?]

    /// `restored`: values persisted earlier, by address. Only writable variables take them; values of
    /// variables no longer in the catalogue, of read-only ones (the station's constants), and values the
    /// catalogue no longer admits are left out, so a station never starts from a value it would refuse.
    public init(descriptors: [VariableDescriptor], restored: [VariableAddress: String] = [:]) {
        self.descriptors = descriptors
        var positions: [VariableKey: Int] = [:]
        var values = [String?](repeating: nil, count: descriptors.count)
        for (position, descriptor) in descriptors.enumerated() {
            positions[descriptor.key] = position
            if case .stored(let initial) = descriptor.source { values[position] = initial }
        }
        for (address, value) in restored {
            guard let position = positions[VariableKey(address)], descriptors[position].mutability != .readOnly,
                  case .success(let canonical) = descriptors[position].type.canonical(value)
            else { continue }
            values[position] = canonical
        }
        self.positions = positions
        self.values = values
        components = Set(descriptors.map(\.address.component.key))
    }

    public func descriptor(at address: VariableAddress) -> VariableDescriptor? {
        positions[VariableKey(address)].map { descriptors[$0] }
    }

    public func hasComponent(_ component: ComponentAddress) -> Bool {
        components.contains(component.key)
    }

    // MARK: - Typed reads for the engine

    /// The value of a stored variable as written on the wire.
    public func text(_ descriptor: VariableDescriptor) -> String {
        guard let position = positions[descriptor.key], let value = values[position] else {
            preconditionFailure("\(descriptor.address) is not a stored variable of this device model")
        }
        return value
    }

    public func integer(_ descriptor: VariableDescriptor) -> Int {
        guard let value = Int(text(descriptor)) else { preconditionFailure("\(descriptor.address) is not an integer") }
        return value
    }

    public func boolean(_ descriptor: VariableDescriptor) -> Bool {
        text(descriptor) == "true"
    }

    public func list(_ descriptor: VariableDescriptor) -> [String] {
        let value = text(descriptor)
        return value.isEmpty ? [] : value.split(separator: ",").map(String.init)
    }

    /// The value as the station holds it, a WriteOnly one's included: whoever shows it decides what to hide.
    public func value(of descriptor: VariableDescriptor, live: (LiveValue, ComponentAddress) -> String) -> String {
        switch descriptor.source {
        case .stored: text(descriptor)
        case .live(let value): live(value, descriptor.address.component)
        }
    }

    // MARK: - Reads and writes by address

    /// What GetVariables answers for one variable ([B06]); `live` gives the live variables' values.
    public func read(
        _ address: VariableAddress, attribute: Attribute, live: (LiveValue, ComponentAddress) -> String
    ) -> ReadOutcome {
        guard let descriptor = descriptor(at: address) else {
            return hasComponent(address.component) ? .unknownVariable : .unknownComponent
        }
        guard attribute == .actual else { return .notSupportedAttributeType }
        guard descriptor.mutability != .writeOnly else { return .writeOnly }
        switch descriptor.source {
        case .live(let value): return .value(live(value, descriptor.address.component))
        case .stored: return .value(text(descriptor))
        }
    }

    /// Applies one SetVariables element ([B05]): the canonical value on success, for the caller to persist.
    public mutating func write(_ address: VariableAddress, attribute: Attribute, value: String) -> WriteOutcome {
        guard let position = positions[VariableKey(address)] else {
            return hasComponent(address.component) ? .unknownVariable : .unknownComponent
        }
        let descriptor = descriptors[position]
        guard attribute == .actual else { return .notSupportedAttributeType }
        guard descriptor.mutability != .readOnly, case .stored = descriptor.source else {
            return .refused(.readOnly)
        }
        switch descriptor.type.canonical(value) {
        case .failure(let refusal):
            return .refused(refusal)
        case .success(let canonical):
            values[position] = canonical
            return .accepted(descriptor, canonical)
        }
    }

    public enum ReadOutcome: Sendable, Equatable {
        case value(String)
        case unknownComponent
        case unknownVariable
        case notSupportedAttributeType
        /// The value of a WriteOnly variable is never shown [B06.FR.09].
        case writeOnly
    }

    public enum WriteOutcome: Sendable, Equatable {
        /// Stored; `descriptor.appliesAfterReboot` says whether the answer is RebootRequired.
        case accepted(VariableDescriptor, String)
        case unknownComponent
        case unknownVariable
        case notSupportedAttributeType
        case refused(ValueRefusal)
    }
}
