/// [SCH] NotifyCustomerInformationRequest: one part of what a CustomerInformation asked to report. Parts share
/// the request's `requestId`, count `seqNo` from 0, and all but the last have `tbc` true [N09.FR.05].
public struct NotifyCustomerInformationRequest: OCPPRequest, Equatable {
    public typealias Response = EmptyResponse
    public static let action = Action.notifyCustomerInformation
    public var data: CiString<512>
    public var tbc: Bool?
    public var seqNo: Int
    public var generatedAt: Timestamp
    public var requestId: Int

    public init(data: CiString<512>, tbc: Bool? = nil, seqNo: Int, generatedAt: Timestamp, requestId: Int) {
        self.data = data
        self.tbc = tbc
        self.seqNo = seqNo
        self.generatedAt = generatedAt
        self.requestId = requestId
    }
}
