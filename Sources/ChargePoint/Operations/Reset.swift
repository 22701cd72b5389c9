import OCPP16

/// A reset in progress: its transactions are stopped, the reboot waits for their StopTransactions.
struct PendingReset: Sendable, Equatable {
    var type: ResetType
    var deadline: Duration
}

extension ChargePointEngine {
    /// Answers first, then stops every transaction (SoftReset/HardReset) and reboots ([CORE] §5.14,
    /// [ERR] 3.36). A soft reset waits until the StopTransactions are delivered (at most MessageTimeout);
    /// a hard one reboots at once and delivers them after the new BootNotification.
    mutating func reset(_ request: ResetRequest) -> ResetResponse {
        reset(request.type)
        return ResetResponse(status: .accepted)
    }

    mutating func reset(_ type: ResetType) {
        logger.notice("\(type.rawValue) reset")
        let reason: Reason = type == .hard ? .hardReset : .softReset
        for localId in transactions.values.filter(\.isActive).map(\.localId).sorted() {
            stopTransaction(localId: localId, reason: reason, idTag: nil)
        }
        raiseSecurityEvent(.resetOrReboot, techInfo: "\(type.rawValue) reset")
        pendingReset = PendingReset(type: type, deadline: now.uptime + (type == .soft ? messageTimeout : .zero))
    }

    /// True once a pending reset may reboot: nothing more may be sent then. A soft one waits until
    /// everything queued has been delivered and answered (or the link is gone, or the deadline passed).
    mutating func resetIsDue() -> Bool {
        guard let reset = pendingReset else { return false }
        let delivered = !isOnline || (transactionQueue.isEmpty && plainOutbox.isEmpty && inFlight == nil)
        guard reset.type == .hard || delivered || reset.deadline <= now.uptime else { return false }
        pendingReset = nil
        return true
    }
}
