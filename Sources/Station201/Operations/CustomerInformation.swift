import OCPP201

extension StationEngine {
    /// [N09], [N10]: what the station holds about one customer. Only a token names anything here: its local
    /// list entry, its cache entry and its transactions; a customer certificate or the CSMS's customer
    /// identifier name nothing this station keeps. The report is taken before the clear, and goes in
    /// NotifyCustomerInformation parts after the answer [N09.FR.05/06]. A clear keeps the local list, which
    /// belongs to the CSMS [N10.FR.06], a running transaction, and an ended one whose events still wait for
    /// delivery.
    mutating func customerInformation(_ request: CustomerInformationRequest) -> CustomerInformationResponse {
        let references = [request.idToken != nil, request.customerCertificate != nil, request.customerIdentifier != nil]
        guard references.filter({ $0 }).count == 1 else {
            return CustomerInformationResponse(
                status: .invalid,
                statusInfo: StatusInfo(
                    reasonCode: "InvalidValue",
                    additionalInfo: "exactly one of idToken, customerCertificate and customerIdentifier"))
        }
        let token = request.idToken.map(IdTokenKey.init)
        if request.report {
            let lines = token.map(customerData(for:)) ?? []
            reportCustomerData(lines.isEmpty ? ["No data held for this customer."] : lines, requestId: request.requestId)
        }
        if request.clear, let token {
            clearCustomerData(for: token)
        }
        return CustomerInformationResponse(status: .accepted)
    }

    private func customerData(for token: IdTokenKey) -> [String] {
        var lines: [String] = []
        for entry in localList.entries where IdTokenKey(entry.idToken) == token {
            lines.append("Local authorization list: \(describe(entry.idToken)), \(entry.idTokenInfo?.status.rawValue ?? "no status")")
        }
        if let entry = authorizationCache.entries[token] {
            lines.append("Authorization cache: \(describe(entry.idToken)), \(entry.info.status.rawValue), updated \(entry.updatedAt.iso8601)")
        }
        let transactions = evses.compactMap(\.transaction) + recentTransactions
        for transaction in transactions where transaction.idToken.map(IdTokenKey.init) == token {
            let end = transaction.ended.map { "ended \($0.at.iso8601) (\($0.reason.rawValue)) at \(Int($0.meterStopWh)) Wh" } ?? "ongoing"
            lines.append("Transaction \(transaction.id) on EVSE \(transaction.evseId): started \(transaction.startedAt.iso8601) at \(Int(transaction.meterStartWh)) Wh, \(end)")
        }
        return lines
    }

    private func describe(_ token: IdToken) -> String {
        "\(token.type.rawValue) \(token.idToken.value)"
    }

    /// The lines in parts of at most 512 characters, whole lines where they fit (a line is far shorter: its
    /// tokens, ids and statuses are bounded by the schema).
    private mutating func reportCustomerData(_ lines: [String], requestId: Int) {
        var parts: [String] = []
        for line in lines {
            if let last = parts.last, last.utf8.count + 1 + line.utf8.count <= 512 {
                parts[parts.count - 1] = last + "\n" + line
            } else {
                parts.append(line)
            }
        }
        for (seqNo, part) in parts.enumerated() {
            guard let data = CiString<512>(part) else { continue }
            outbox.enqueue(
                NotifyCustomerInformationRequest(
                    data: data, tbc: parts.toBeContinued(after: seqNo), seqNo: seqNo,
                    generatedAt: now.wallClock, requestId: requestId),
                purpose: .informational)
        }
    }

    private mutating func clearCustomerData(for token: IdTokenKey) {
        if authorizationCache.forget(token) { persist(.cacheEntryRemoved(token)) }
        let cleared = recentTransactions.filter {
            $0.idToken.map(IdTokenKey.init) == token && !transactionEvents.contains(transaction: $0.id)
        }
        recentTransactions.removeAll { transaction in cleared.contains { $0.id == transaction.id } }
        for transaction in cleared { persist(.transactionRemoved(transaction.id)) }
    }
}
