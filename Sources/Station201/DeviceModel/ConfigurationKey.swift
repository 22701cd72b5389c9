/// How the REST API and the logs name a variable: `Component.Variable`, with instances in brackets and the
/// EVSE (and connector) after `@` — `OCPPCommCtrlr.HeartbeatInterval`,
/// `DeviceDataCtrlr.ItemsPerMessage[GetVariables]`, `EVSE@1.AvailabilityState`,
/// `Connector@1:1.ConnectorType`. One string per variable, so that a 1.6 script's
/// `/api/v1/configuration/{key}` works unchanged; brackets go percent-encoded in a URL (`%5B`, `%5D`), or
/// through `curl --globoff`.
extension VariableAddress {
    public var configurationKey: String {
        var text = component.name
        if let instance = component.instance { text += "[\(instance)]" }
        if let evseId = component.evseId {
            text += "@\(evseId)"
            if let connectorId = component.connectorId { text += ":\(connectorId)" }
        }
        text += "." + name
        if let instance { text += "[\(instance)]" }
        return text
    }

    /// Nil when `configurationKey` is not of the form above.
    public init?(configurationKey: String) {
        // The component part ends at the first dot after any bracketed instance.
        var depth = 0
        var separator: String.Index?
        for index in configurationKey.indices {
            switch configurationKey[index] {
            case "[": depth += 1
            case "]": depth -= 1
            case "." where depth == 0: separator = index
            default: continue
            }
            if separator != nil { break }
        }
        guard let separator else { return nil }
        var componentPart = Substring(configurationKey[..<separator])
        let variablePart = configurationKey[configurationKey.index(after: separator)...]
        var evseId: Int?
        var connectorId: Int?
        if let at = componentPart.lastIndex(of: "@"), !componentPart[at...].contains("]") {
            let place = componentPart[componentPart.index(after: at)...].split(separator: ":", omittingEmptySubsequences: false)
            guard (1...2).contains(place.count), let evse = Int(place[0]) else { return nil }
            evseId = evse
            if place.count == 2 {
                guard let connector = Int(place[1]) else { return nil }
                connectorId = connector
            }
            componentPart = componentPart[..<at]
        }
        guard let component = Self.nameAndInstance(componentPart), let variable = Self.nameAndInstance(variablePart) else {
            return nil
        }
        self.init(
            ComponentAddress(component.name, instance: component.instance, evseId: evseId, connectorId: connectorId),
            variable.name, instance: variable.instance)
    }

    /// `Name` or `Name[instance]`, both non-empty.
    private static func nameAndInstance(_ text: Substring) -> (name: String, instance: String?)? {
        guard let open = text.firstIndex(of: "[") else {
            return text.isEmpty || text.contains("]") ? nil : (String(text), nil)
        }
        guard text.last == "]" else { return nil }
        let name = text[..<open]
        let instance = text[text.index(after: open)..<text.index(before: text.endIndex)]
        guard !name.isEmpty, !instance.isEmpty, !instance.contains("["), !instance.contains("]") else { return nil }
        return (String(name), String(instance))
    }
}
