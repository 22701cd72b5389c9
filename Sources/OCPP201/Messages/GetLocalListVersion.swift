/// [SCH] GetLocalListVersionRequest.
public struct GetLocalListVersionRequest: OCPPRequest, Equatable {
    public typealias Response = GetLocalListVersionResponse
    public static let action = Action.getLocalListVersion

    public init() {}
}

/// [SCH] GetLocalListVersionResponse: 0 when no list was ever installed; unlike 1.6 there is no −1 [D02.FR.01–03].
public struct GetLocalListVersionResponse: Codable, Sendable, Equatable, CustomDataExtensible {
    public var versionNumber: Int

    public init(versionNumber: Int) {
        self.versionNumber = versionNumber
    }
}
