import EngineSupport
import OCPP16
import SmartCharging

public enum Input: Sendable {
    /// The websocket is being (re)established.
    case linkConnecting
    case linkUp
    case linkDown(reason: String)
    /// The connection attempt failed for a security reason (reported before its `linkDown`).
    case securityFailure(SecurityEventType, detail: String)
    case received(String)
    /// The deadline reported by `nextDeadline` has passed.
    case tick
    case command(Command, ReplyID)
    /// A file transfer or installation the engine asked for has ended.
    case jobFinished(id: Int, JobOutcome)
}

/// What the runtime must do, in order. `persist` always precedes the sends and replies that depend on it.
public enum Effect: Sendable, Equatable {
    case persist([StoreChange])
    case send(String)
    case reply(ReplyID, CommandResult)
    case setPingInterval(seconds: Int)
    /// Something an observer (the event stream) may want to see; nothing depends on its delivery.
    case publish(Notification)
    /// Reboot: drop the link and start a new engine from what is persisted, as a power cycle would.
    case restart
    /// Start a job; its end comes back as `Input.jobFinished`.
    case start(Job)
    /// Connect with these credentials from now on; `reconnect` drops the current connection for it.
    case configureLink(LinkSecurity, reconnect: Bool)
}

/// A change worth showing live: what the web page and event-stream clients follow.
public enum Notification: Sendable, Equatable {
    case station(StationSnapshot)
    case connector(ConnectorSnapshot)
    case meter(connectorId: Int, energyWh: Double, powerW: Double, time: Timestamp)
    case transaction(TransactionEvent, TransactionSnapshot)
    case configuration(ConfigurationEntry)
    /// Traffic facts for metrics, one per frame.
    case rpc(RPCEvent)
}

extension Notification {
    /// Meter readings and traffic facts change nothing a snapshot shows (energy is advanced on reading).
    var changesState: Bool {
        switch self {
        case .meter, .rpc: false
        case .station, .connector, .transaction, .configuration: true
        }
    }
}

public typealias RPCEvent = EngineSupport.RPCEvent<Action, RPCErrorCode>

public enum TransactionEvent: String, Sendable, Equatable {
    /// Begun locally; its StartTransaction is queued.
    case started
    /// The CSMS answered StartTransaction: the transaction id is known.
    case confirmed
    case stopped
    /// The CSMS answered StopTransaction: nothing of the transaction waits any more.
    case delivered
}

public struct ConfigurationEntry: Sendable, Equatable {
    public var key: String
    /// Nil only for the write-only AuthorizationKey.
    public var value: String?
    public var readonly: Bool
}

/// Requests from the local API and the hardware side.
public enum Command: Sendable, Equatable {
    case station
    case connectors
    case connector(Int)
    case transactions(limit: Int)
    case transaction(localId: Int)
    case authorize(IdToken)
    case start(connector: Int, idTag: IdToken)
    case stop(connector: Int, reason: Reason)
    case plug(connector: Int)
    case unplug(connector: Int)
    case setMeter(connector: Int, energyWh: Double?, powerW: Double?)
    /// A hardware fault (errorCode other than NoError) or its end (NoError).
    case fault(connector: Int, errorCode: ChargePointErrorCode, info: CiString<50>?)
    /// Connector 0 means the whole charge point.
    case changeAvailability(connector: Int, AvailabilityType)
    case unlock(connector: Int)
    case reset(ResetType)
    case trigger(MessageTrigger, connector: Int?)
    case localList
    case reservations
    case chargingProfiles
    case compositeSchedule(connector: Int, duration: Int, unit: ChargingRateUnit)
    case fileTransfers
    case configuration
    case configurationKey(String)
    case changeConfiguration(key: String, value: String)
    case securityEvents
    /// A security event only the hardware can see; `HardwareSecurityEvent` lists which.
    case reportSecurityEvent(SecurityEventType, techInfo: String?)
    /// Everything an event-stream client needs to start from.
    case snapshot
}

public enum CommandResult: Sendable, Equatable {
    case station(StationSnapshot)
    case connector(ConnectorSnapshot)
    case connectors([ConnectorSnapshot])
    case transaction(TransactionSnapshot)
    case transactions([TransactionSnapshot])
    case authorization(idTag: IdToken, IdTagInfo, source: AuthorizationSource)
    case configuration([ConfigurationEntry])
    case configurationEntry(ConfigurationEntry)
    case snapshot(EngineSnapshot)
    case availability(AvailabilityStatus)
    case resetAccepted
    case triggered(TriggerMessageStatus)
    case localList(LocalAuthorizationList)
    case reservations([PlacedReservation])
    case chargingProfiles([InstalledProfile])
    case compositeSchedule(connectorId: Int, start: Timestamp, ChargingSchedule)
    case fileTransfers(FileTransfersSnapshot)
    case unlock(UnlockStatus)
    case securityEvents([SecurityEvent])
    case securityEvent(SecurityEvent)
    case failed(CommandFailure)
}

/// Why a command could not be carried out, with what the caller needs to act on it.
public enum CommandFailure: Error, Sendable, Equatable {
    case unknownConnector(Int)
    case unknownTransaction(Int)
    case connectorBusy(connector: Int, status: ChargePointStatus)
    case connectorInoperative(connector: Int, status: ChargePointStatus)
    case connectorReserved(connector: Int)
    case noTransaction(connector: Int)
    case offline
    case offlineStartNotAllowed
    case notRegistered(RegistrationStatus?)
    case refused(AuthorizationStatus)
    case centralSystemError(code: String, description: String)
    case centralSystemTimeout
    case meterWouldDecrease(currentWh: Double, requestedWh: Double)
    case configurationRefused(ConfigurationRefusal)
    /// The charge point rebooted before it could answer.
    case restarted
    /// The data folder does not take writes (full, or read-only): nothing that must be stored is accepted.
    case storageUnavailable(String)
}

public struct StationSnapshot: Sendable, Equatable {
    public var identity: String
    public var link: LinkState
    public var registration: RegistrationStatus?
    public var heartbeatInterval: Int
    public var uptime: Duration
    public var firmwareVersion: String?
    public var connectorCount: Int
    public var queuedMessages: Int
}

public struct ConnectorSnapshot: Sendable, Equatable {
    public var id: Int
    public var status: ChargePointStatus
    public var errorCode: ChargePointErrorCode
    public var plugged: Bool
    public var energyWh: Double
    public var powerW: Double
    /// What the charging profiles allow now (W); nil without a limit.
    public var limitW: Double?
    public var transaction: TransactionSnapshot?
    /// The power the simulator integrates into the register (0 for a real meter's register).
    public var simulatedPowerW: Double = 0
    /// How far the simulated register may go before the engine stores more (`Meter`).
    public var energyCeilingWh: Double = .infinity
    /// A driver is authorized here (a remote start, say) and the cable is not in yet.
    public var awaitingCable = false
}

public struct TransactionSnapshot: Sendable, Equatable {
    public var record: TransactionRecord
    /// Energy delivered so far (or in total, once stopped).
    public var energyWh: Double
    /// True while a message of this transaction waits undelivered.
    public var pendingDelivery: Bool
}

/// A reservation and where it holds (connector 0 = any connector).
public struct PlacedReservation: Sendable, Equatable {
    public var connectorId: Int
    public var reservation: Reservation
}

/// Everything an observer needs to start from: the event stream's first event, /metrics, diagnostics, and
/// the read model that answers GETs without taking the runtime's lock.
public struct EngineSnapshot: Sendable, Equatable {
    public var station: StationSnapshot
    public var connectors: [ConnectorSnapshot]
    /// The ongoing ones.
    public var transactions: [TransactionSnapshot]
    /// Listed only when asked (`configuration`): a snapshot is taken after every change that an observer
    /// can see, a delivered message of a backlog included; a listing is rare.
    public var configurationValues: Configuration
    /// When it was taken, on the uptime clock.
    public var takenAt: Duration

    /// The answer to a read that this snapshot holds: what was last committed, for the times the engine
    /// itself cannot be asked (a store that refuses writes); nil for anything else.
    public func answer(_ command: Command) -> CommandResult? {
        switch command {
        case .station:
            return .station(station)
        case .connectors:
            return .connectors(connectors)
        case .connector(let id):
            return connectors.first { $0.id == id }.map(CommandResult.connector) ?? .failed(.unknownConnector(id))
        case .configuration:
            return .configuration(configuration)
        case .configurationKey(let name):
            return configuration.first { $0.key == name }.map(CommandResult.configurationEntry)
        default:
            return nil
        }
    }

    public var configuration: [ConfigurationEntry] { configurationValues.entries }

    /// True while energy flows into a simulated register: readings then move with time.
    public var isChanging: Bool { connectors.contains { $0.simulatedPowerW > 0 } }

    /// The snapshot as it stands at `uptime`: uptime and simulated energy registers advanced, what the
    /// engine itself would report, since nothing else can change without a new snapshot.
    public func advanced(to uptime: Duration) -> EngineSnapshot {
        let elapsed = max(.zero, uptime - takenAt)
        guard elapsed > .zero else { return self }
        var copy = self
        copy.takenAt = uptime
        copy.station.uptime += elapsed
        for index in copy.connectors.indices {
            let connector = copy.connectors[index]
            let added = min(connector.simulatedPowerW * elapsed.seconds / 3600,
                            max(0, connector.energyCeilingWh - connector.energyWh))
            guard added > 0 else { continue }
            copy.connectors[index].energyWh += added
            copy.connectors[index].transaction?.energyWh += added
            if let localId = copy.connectors[index].transaction?.record.localId,
                let position = copy.transactions.firstIndex(where: { $0.record.localId == localId })
            {
                copy.transactions[position].energyWh += added
            }
        }
        return copy
    }
}

/// The last firmware update and diagnostics upload, as far as they got.
public struct FileTransfersSnapshot: Sendable, Equatable {
    public var firmwareStatus: FirmwareStatus
    public var firmwareLocation: String?
    public var diagnosticsStatus: DiagnosticsStatus
    public var diagnosticsFileName: String?
}
