import OCPP201

/// The TxProfile a RequestStartTransaction brought, kept until the transaction it starts runs [F01.FR.08], or
/// for the transaction already running on the EVSE that the request authorizes [F01.FR.13].
struct StartProfile: Sendable, Equatable {
    var remoteStartId: Int
    var runningTransactionId: String?
    var profile: ChargingProfile

    func belongs(to transaction: TransactionRecord) -> Bool {
        transaction.remoteStartId == remoteStartId || transaction.id == runningTransactionId
    }
}

extension TransactionCause {
    /// The limit on the transaction's EVSE changed [K12.FR.03].
    static let chargingRateChanged = TransactionCause(trigger: .chargingRateChanged, stoppedReason: .local)
}

/// How the installed profiles act on the EVSEs: each input recomputes the limit in force, which caps what the
/// simulated EV draws, as under 1.6 [K01.FR.07/32, K10.FR.05].
extension StationEngine {
    var smartChargingEnabled: Bool {
        deviceModel.boolean(StandardVariables.smartChargingAvailable)
            && deviceModel.boolean(StandardVariables.smartChargingEnabled)
    }

    /// The transaction running on each EVSE, by EVSE id.
    var runningTransactionIds: [Int: String] {
        Dictionary(uniqueKeysWithValues: evses.compactMap { evse in evse.transaction.map { (evse.id, $0.id) } })
    }

    /// What an EVSE delivers at most: `EVSE.Power`'s maxLimit; the station, all of them together.
    func ratingW(evseId: Int) -> Double {
        evseId == 0 ? settings.maximumPowerW * Double(evses.count) : settings.maximumPowerW
    }

    func transactionStart(evseId: Int) -> Timestamp? {
        evseIndex(evseId).flatMap { evses[$0].transaction?.startedAt }
    }

    mutating func saveChargingProfiles() {
        persist(.chargingProfiles(chargingProfiles.entries))
    }

    /// Binds the profiles of started remote starts to their transactions, drops the TxProfiles of ended ones,
    /// then sets each EVSE's limit; a transaction whose limit changes by more than LimitChangeSignificance
    /// reports ChargingRateChanged. A station without profiles, and without a limit left to lift, has nothing
    /// to do: most stations, on every input.
    mutating func applyChargingLimits() {
        guard !chargingProfiles.entries.isEmpty || !startProfiles.isEmpty || nextLimitChange != nil
            || evses.contains(where: { $0.limitW != nil })
        else { return }
        installStartProfiles()
        if chargingProfiles.keepTxProfiles(of: Set(runningTransactionIds.values)) { saveChargingProfiles() }
        let before = evses.map(\.limitW)
        setLimits()
        for index in evses.indices
        where evses[index].transaction != nil && isSignificant(from: before[index], to: evses[index].limitW) {
            queueEvent(index, .updated, .chargingRateChanged)
        }
    }

    /// Sets each EVSE's limit from the profiles in force now. The station-wide limit bounds the sum of the
    /// EVSEs: when they would draw more together, each delivering one gets the same share of it.
    private mutating func setLimits() {
        guard smartChargingEnabled, !chargingProfiles.entries.isEmpty else {
            for index in evses.indices { evses[index].limitW = nil }
            nextLimitChange = nil
            return
        }
        let limits = CompositeLimits(chargingProfiles)
        let time = now.wallClock
        for index in evses.indices {
            let id = evses[index].id
            evses[index].limitW = limits.limitW(evseId: id, at: time, transactionStart: transactionStart(evseId: id))
        }
        if let stationLimit = limits.limitW(evseId: 0, at: time, transactionStart: nil) {
            let delivering = evses.indices.filter { evses[$0].offersEnergy && evses[$0].meter.demandW > 0 }
            let drawn = delivering.map { evses[$0].powerW }.reduce(0, +)
            if drawn > stationLimit, !delivering.isEmpty {
                let share = stationLimit / Double(delivering.count)
                for index in delivering { evses[index].limitW = min(evses[index].limitW ?? share, share) }
            }
        }
        let watched = [0] + evses.filter(\.offersEnergy).map(\.id)
        nextLimitChange = watched.compactMap { nextChange(limits, evseId: $0) }.min()
    }

    /// A limit set or lifted always is (nil: nothing limits); a change by more than LimitChangeSignificance
    /// percent of the previous limit is.
    func isSignificant(from before: Double?, to after: Double?) -> Bool {
        guard let before, let after else { return before != after }
        guard before > 0 else { return after != before }
        let significance = Double(deviceModel.text(StandardVariables.limitChangeSignificance)) ?? 0
        return abs(after - before) / before * 100 > significance
    }

    /// When the limit on `evseId` next changes, from its composite schedule over the next day.
    private func nextChange(_ limits: CompositeLimits, evseId: Int) -> Duration? {
        let schedule = limits.schedule(
            evseId: evseId, from: now.wallClock, duration: 86_400, unit: .watts,
            transactionStart: transactionStart(evseId: evseId), ratingW: ratingW(evseId: evseId))
        return schedule.periods.first { $0.startPeriod > 0 }.map { now.uptime + .seconds($0.startPeriod) }
    }

    /// A remote start's TxProfile becomes its transaction's once that runs authorized; it is forgotten when
    /// the start is given up (no authorization waits on the EVSE any more and no transaction came of it).
    private mutating func installStartProfiles() {
        for (evseId, start) in startProfiles {
            guard let index = evseIndex(evseId) else { continue }
            if let transaction = evses[index].transaction, transaction.authorized, start.belongs(to: transaction) {
                var profile = start.profile
                profile.transactionId = CiString<36>(transaction.id)
                chargingProfiles.install(StationChargingProfile(evseId: evseId, source: .cso, profile: profile))
                saveChargingProfiles()
                startProfiles[evseId] = nil
            } else if evses[index].pending == nil {
                startProfiles[evseId] = nil
            }
        }
    }

    /// The install rules with the station's facts now.
    var profileRules: ProfileRules {
        ProfileRules(
            maximumStackLevel: deviceModel.integer(StandardVariables.profileStackLevel),
            maximumPeriods: deviceModel.integer(StandardVariables.periodsPerSchedule),
            rateUnits: deviceModel.list(StandardVariables.rateUnit),
            phaseSwitching: deviceModel.boolean(StandardVariables.acPhaseSwitchingSupported),
            evseCount: evses.count, runningTransactions: runningTransactionIds, installed: chargingProfiles)
    }
}

extension StationEngine {
    /// RequestStartTransaction's profile is a TxProfile without transactionId [F01.FR.09–11] that passes the
    /// install rules as the profile of a transaction about to run on `evseId`.
    func startProfileRefusal(_ profile: ChargingProfile, evseId: Int) -> ProfileRefusal? {
        guard smartChargingEnabled else { return ProfileRefusal(reasonCode: "NotEnabled", detail: "smart charging is disabled") }
        guard profile.chargingProfilePurpose == .txProfile else {
            return ProfileRefusal(reasonCode: "InvalidProfile", detail: "a remote start carries a TxProfile only")
        }
        guard profile.transactionId == nil else {
            return ProfileRefusal(reasonCode: "InvalidProfile", detail: "a remote start's TxProfile has no transactionId")
        }
        let starting = "(starting)"
        var rules = profileRules
        rules.runningTransactions[evseId] = starting
        var trial = profile
        trial.transactionId = CiString<36>(starting)
        return rules.refusal(for: trial, on: evseId)
    }
}
