import OCPP201

extension StationEngine {
    /// How many variables one NotifyReport carries; the specification leaves it to the station.
    static let reportDataPerMessage = 20

    /// [B07]: Accepted, then the report in NotifyReport parts, after this answer.
    mutating func getBaseReport(_ request: GetBaseReportRequest) -> GetBaseReportResponse {
        let variables = deviceModel.variables(for: request.reportBase, live: { liveValue($0, of: $1) })
        guard !variables.isEmpty else { return GetBaseReportResponse(status: .emptyResultSet) }
        queueReport(requestId: request.requestId, variables)
        return GetBaseReportResponse(status: .accepted)
    }

    /// [B08]: the variables of the named components that meet any of the criteria.
    mutating func getReport(_ request: GetReportRequest) -> GetReportResponse {
        let selections = (request.componentVariable ?? []).map(VariableSelection.init)
        let variables = deviceModel.variables(
            matching: selections, criteria: request.componentCriteria ?? [], live: { liveValue($0, of: $1) })
        guard !variables.isEmpty else { return GetReportResponse(status: .emptyResultSet) }
        queueReport(requestId: request.requestId, variables)
        return GetReportResponse(status: .accepted)
    }

    /// NotifyReport parts with the values as they are now: `seqNo` from 0, `tbc` on all but the last
    /// [B07.FR.04/10]. They may go while Pending, since the CSMS asked for them [B02.FR.02].
    private mutating func queueReport(requestId: Int, _ variables: [VariableDescriptor]) {
        let data = variables.map { descriptor in
            descriptor.reportData(value: currentValue(of: descriptor))
        }
        let parts = data.parts(of: Self.reportDataPerMessage)
        for (seqNo, part) in parts.enumerated() {
            outbox.enqueue(
                NotifyReportRequest(
                    requestId: requestId, generatedAt: now.wallClock, reportData: part,
                    tbc: parts.toBeContinued(after: seqNo), seqNo: seqNo),
                purpose: .informational, allowedWhilePending: true)
        }
    }

    /// What a report or the API shows as a variable's value: nothing for a WriteOnly one.
    func currentValue(of descriptor: VariableDescriptor) -> String? {
        guard descriptor.mutability != .writeOnly else { return nil }
        return deviceModel.value(of: descriptor, live: { liveValue($0, of: $1) })
    }
}
