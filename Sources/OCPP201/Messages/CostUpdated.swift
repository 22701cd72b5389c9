/// [SCH] CostUpdatedRequest: what a running transaction costs so far, from the CSMS's tariff [I03].
public struct CostUpdatedRequest: OCPPRequest, Equatable {
    public typealias Response = EmptyResponse
    public static let action = Action.costUpdated
    public var totalCost: Double
    public var transactionId: CiString<36>

    public init(totalCost: Double, transactionId: CiString<36>) {
        self.totalCost = totalCost
        self.transactionId = transactionId
    }
}
