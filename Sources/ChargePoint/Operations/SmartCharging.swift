import EngineSupport
import OCPP16
import SmartCharging

/// Smart Charging ([CORE] §3.13, §5.5, §5.7, §5.16): the profiles live in the SmartCharging module; the
/// engine installs them, persists them, and lets their limits drive the simulated power.
extension ChargePointEngine {

    var installContext: InstallContext {
        var running: [Int: RunningTransaction] = [:]
        for connector in connectors {
            guard let localId = connector.transactionLocalId else { continue }
            running[connector.id] = RunningTransaction(transactionId: transactions[localId]?.transactionId)
        }
        return InstallContext(
            numberOfConnectors: connectors.count, runningTransactions: running,
            limits: SmartChargingLimits(
                chargeProfileMaxStackLevel: configuration.integer(.chargeProfileMaxStackLevel),
                chargingScheduleMaxPeriods: configuration.integer(.chargingScheduleMaxPeriods),
                maxChargingProfilesInstalled: configuration.integer(.maxChargingProfilesInstalled),
                allowedChargingRateUnits: [.amperes, .watts]))
    }

    /// An unknown connector is a PropertyConstraintViolation, not a refusal ([ERR] 3.39).
    mutating func setChargingProfile(_ request: SetChargingProfileRequest) throws(PayloadError) -> SetChargingProfileResponse {
        guard (0...connectors.count).contains(request.connectorId) else {
            throw PayloadError(kind: .invalidValue, path: "connectorId", message: "there is no connector \(request.connectorId)")
        }
        switch chargingProfiles.install(request.csChargingProfiles, on: request.connectorId, context: installContext) {
        case .accepted:
            persist(.saveChargingProfiles(chargingProfiles))
            logger.info("charging profile \(request.csChargingProfiles.chargingProfileId) installed on connector \(request.connectorId)")
            return SetChargingProfileResponse(status: .accepted)
        case .rejected(let refusal):
            logger.info("charging profile \(request.csChargingProfiles.chargingProfileId) rejected: \(refusal)")
            return SetChargingProfileResponse(status: .rejected)
        }
    }

    mutating func clearChargingProfile(_ request: ClearChargingProfileRequest) -> ClearChargingProfileResponse {
        let cleared = chargingProfiles.clear(
            id: request.id, connectorId: request.connectorId, purpose: request.chargingProfilePurpose,
            stackLevel: request.stackLevel)
        if cleared { persist(.saveChargingProfiles(chargingProfiles)) }
        return ClearChargingProfileResponse(status: cleared ? .accepted : .unknown)
    }

    /// A negative duration names no time span: a PropertyConstraintViolation, not an empty schedule.
    func getCompositeSchedule(_ request: GetCompositeScheduleRequest) throws(PayloadError) -> GetCompositeScheduleResponse {
        guard request.duration >= 0 else {
            throw PayloadError(kind: .invalidValue, path: "duration", message: "duration \(request.duration) is negative")
        }
        guard let schedule = compositeSchedule(connectorId: request.connectorId, duration: request.duration, unit: request.chargingRateUnit ?? .watts)
        else { return GetCompositeScheduleResponse(status: .rejected) }
        return GetCompositeScheduleResponse(
            status: .accepted, connectorId: request.connectorId, scheduleStart: now.wallClock, chargingSchedule: schedule)
    }

    /// From now on, relative to now; nil for a connector that does not exist. Connector 0 is the whole
    /// charge point.
    func compositeSchedule(connectorId: Int, duration: Int, unit: ChargingRateUnit) -> ChargingSchedule? {
        guard (0...connectors.count).contains(connectorId) else { return nil }
        let rated = connectorId == 0 ? settings.simulatedPowerW * Double(connectors.count) : settings.simulatedPowerW
        return chargingProfiles.compositeSchedule(
            connectorId: connectorId, from: now.wallClock, duration: duration, unit: unit,
            transactionStart: transactionStart(connectorId: connectorId), phases: Int(Self.phases), ratedPowerW: rated)
    }

    /// Sets every connector's limit from the profiles in force now. The ChargePointMaxProfile bounds the
    /// sum of all connectors, so when they would draw more together, each gets the same share of it.
    mutating func applyChargingLimits() {
        guard !chargingProfiles.installed.isEmpty else {
            for index in connectors.indices { connectors[index].limitW = nil }
            nextLimitChange = nil
            return
        }
        let time = now.wallClock
        for index in connectors.indices {
            let id = connectors[index].id
            connectors[index].limitW = chargingProfiles.limit(
                connectorId: id, at: time, transactionStart: transactionStart(connectorId: id), phases: Int(Self.phases))
        }
        if let stationLimit = chargingProfiles.limit(connectorId: 0, at: time, transactionStart: nil, phases: Int(Self.phases)) {
            let delivering = connectors.indices.filter { connectors[$0].isDelivering }
            let drawn = delivering.map { connectors[$0].powerW }.reduce(0, +)
            if drawn > stationLimit, !delivering.isEmpty {
                let share = stationLimit / Double(delivering.count)
                for index in delivering { connectors[index].limitW = min(connectors[index].limitW ?? share, share) }
            }
        }
        nextLimitChange = ([0] + connectors.filter(\.isDelivering).map(\.id)).compactMap(nextChange(connectorId:)).min()
    }

    /// When the limit of this connector next changes, from its composite schedule over the next day.
    private func nextChange(connectorId: Int) -> Duration? {
        let schedule = compositeSchedule(connectorId: connectorId, duration: 86_400, unit: .watts)
        return schedule?.chargingSchedulePeriod.first { $0.startPeriod > 0 }.map { now.uptime + .seconds($0.startPeriod) }
    }

    private func transactionStart(connectorId: Int) -> Timestamp? {
        connectors.first { $0.id == connectorId }?.transactionLocalId.flatMap { transactions[$0]?.startedAt }
    }
}
