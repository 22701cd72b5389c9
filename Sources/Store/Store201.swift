import OCPP201
import Station201

/// The OCPP 2.0.1 station's durable state in the data folder's SQLite database, with the same guarantees as
/// the 1.6 store: a change is on disk when `apply` returns.
///
/// Used under the runtime's lock only (one input at a time), which is why it needs no locking of its own.
public final class Store201 {
    private let database: SQLiteConnection
    private let durability: Durability
    public let path: String

    /// Schema versions, in order; `PRAGMA user_version` says how many are applied.
    private static let migrations = [
        """
        CREATE TABLE variable (
            component TEXT NOT NULL, component_instance TEXT NOT NULL, evse INTEGER NOT NULL, connector INTEGER NOT NULL,
            name TEXT NOT NULL, instance TEXT NOT NULL, value TEXT NOT NULL,
            PRIMARY KEY (component, component_instance, evse, connector, name, instance));
        CREATE TABLE inoperative (target TEXT PRIMARY KEY NOT NULL);
        CREATE TABLE station (id INTEGER PRIMARY KEY NOT NULL CHECK (id = 1), boot_reason TEXT NOT NULL);
        """,
        // Functional blocks C and D: the local list as one record (SendLocalList changes it as a whole), the
        // cache one row per token, keyed as the engine compares tokens (lower-cased value, type).
        """
        CREATE TABLE local_list (id INTEGER PRIMARY KEY NOT NULL CHECK (id = 1), record TEXT NOT NULL);
        CREATE TABLE authorization_cache (
            id_token TEXT NOT NULL, type TEXT NOT NULL, record TEXT NOT NULL, PRIMARY KEY (id_token, type));
        """,
        // Functional block E: the EVSEs' cable and meter, the transactions (ongoing and recent), and the
        // TransactionEvents waiting for delivery, in their order.
        """
        CREATE TABLE evse (id INTEGER PRIMARY KEY NOT NULL, record TEXT NOT NULL);
        CREATE TABLE transactions (id TEXT PRIMARY KEY NOT NULL, record TEXT NOT NULL);
        CREATE TABLE transaction_event (sequence INTEGER PRIMARY KEY NOT NULL, record TEXT NOT NULL);
        """,
        // SetNetworkProfile's profiles, by slot.
        """
        CREATE TABLE network_profile (slot INTEGER PRIMARY KEY NOT NULL, record TEXT NOT NULL);
        """,
        // Functional block O: the display messages SetDisplayMessage stored, by id.
        """
        CREATE TABLE display_message (id INTEGER PRIMARY KEY NOT NULL, record TEXT NOT NULL);
        """,
        // Functional block H: the reservations in force, by id, in the order they were made.
        """
        CREATE TABLE reservation (id INTEGER PRIMARY KEY NOT NULL, placed INTEGER NOT NULL, record TEXT NOT NULL);
        """,
        // Functional block A: the security log, with what the CSMS has not acknowledged yet.
        """
        CREATE TABLE security_event (id INTEGER PRIMARY KEY NOT NULL, record TEXT NOT NULL);
        """,
        // Functional block M and A02: the installed roots in the order they came, the station certificate the
        // CSMS signed, and the CSR waiting for one (each with its key).
        """
        CREATE TABLE installed_certificate (
            use TEXT NOT NULL, pem TEXT NOT NULL, placed INTEGER PRIMARY KEY AUTOINCREMENT, UNIQUE (use, pem));
        CREATE TABLE station_certificate (id INTEGER PRIMARY KEY NOT NULL CHECK (id = 1), record TEXT NOT NULL);
        CREATE TABLE certificate_request (id INTEGER PRIMARY KEY NOT NULL CHECK (id = 1), record TEXT NOT NULL);
        """,
        // Functional block K: the installed charging profiles as one record, in installation order (the engine
        // changes them as a whole, and a handful of profiles is small).
        """
        CREATE TABLE charging_profiles (id INTEGER PRIMARY KEY NOT NULL CHECK (id = 1), record TEXT NOT NULL);
        """,
        // Functional block N: the variable monitors and the monitoring base, as one record.
        """
        CREATE TABLE monitoring (id INTEGER PRIMARY KEY NOT NULL CHECK (id = 1), record TEXT NOT NULL);
        """,
        // Functional block L: the firmware update in progress or last ended, as one record.
        """
        CREATE TABLE firmware_update (id INTEGER PRIMARY KEY NOT NULL CHECK (id = 1), record TEXT NOT NULL);
        """,
        // The notifications the CSMS has not answered yet (NotifyEvent, ReservationStatusUpdate, …), in order.
        """
        CREATE TABLE notification (id INTEGER PRIMARY KEY NOT NULL, record TEXT NOT NULL);
        """,
    ]

    public init(directory: String, durability: Durability = .syncEachCommit) throws(StoreError) {
        self.durability = durability
        (database, path) = try openDatabase(
            directory: directory, for: .v201, migrations: Self.migrations, durability: durability)
    }

    public func load() throws(StoreError) -> PersistedState {
        var state = PersistedState()
        let variables = try database.rows(
            "SELECT component, component_instance, evse, connector, name, instance, value FROM variable", []
        ) { row in
            (VariableAddress(
                ComponentAddress(
                    row.text(0), instance: row.text(1).nonEmpty, evseId: row.integer(2).nonZero,
                    connectorId: row.integer(3).nonZero),
                row.text(4), instance: row.text(5).nonEmpty), row.text(6))
        }
        for (address, value) in variables { state.variables[address] = value }
        for text in try database.rows("SELECT target FROM inoperative", [], { $0.text(0) }) {
            guard let target = AvailabilityTarget(storedForm: text) else {
                throw StoreError(description: "a stored availability target cannot be read: \(text)")
            }
            state.inoperative.insert(target)
        }
        if let reason = try database.rows("SELECT boot_reason FROM station", [], { $0.text(0) }).first {
            guard let bootReason = BootReason(rawValue: reason) else {
                throw StoreError(description: "a stored boot reason cannot be read: \(reason)")
            }
            state.bootReason = bootReason
        }
        state.localList = try database.records(LocalAuthorizationList.self, "SELECT record FROM local_list").first ?? LocalAuthorizationList()
        state.authorizationCache = try database.records(AuthorizationCacheEntry.self, "SELECT record FROM authorization_cache")
        state.evses = try database.records(EVSERecord.self, "SELECT record FROM evse ORDER BY id")
        state.transactions = try database.records(TransactionRecord.self, "SELECT record FROM transactions")
        state.transactionEvents = try database.records(
            QueuedTransactionEvent.self, "SELECT record FROM transaction_event ORDER BY sequence")
        let slots = try database.rows("SELECT slot FROM network_profile ORDER BY slot", [], { $0.integer(0) })
        let profiles = try database.records(NetworkConnectionProfile.self, "SELECT record FROM network_profile ORDER BY slot")
        state.networkProfiles = Dictionary(uniqueKeysWithValues: zip(slots, profiles))
        state.displayMessages = try database.records(MessageInfo.self, "SELECT record FROM display_message ORDER BY id")
        state.reservations = try database.records(Reservation.self, "SELECT record FROM reservation ORDER BY placed")
        state.securityLog = try database.records(SecurityLogEntry.self, "SELECT record FROM security_event ORDER BY id")
        for (use, pem) in try database.rows("SELECT use, pem FROM installed_certificate ORDER BY placed", [], { ($0.text(0), $0.text(1)) }) {
            guard let certificateUse = InstallCertificateUse(rawValue: use) else {
                throw StoreError(description: "a stored certificate use cannot be read: \(use)")
            }
            state.installedCertificates.append(InstalledCertificate(use: certificateUse, pem: pem))
        }
        state.stationCertificate = try database.records(
            SignedStationCertificate.self, "SELECT record FROM station_certificate").first
        state.pendingCertificateRequest = try database.records(
            PendingCertificateRequest.self, "SELECT record FROM certificate_request").first
        state.chargingProfiles = try database.records(
            [StationChargingProfile].self, "SELECT record FROM charging_profiles").first ?? []
        state.monitors = try database.records(VariableMonitors.self, "SELECT record FROM monitoring").first ?? VariableMonitors()
        state.firmwareUpdate = try database.records(FirmwareUpdateRecord.self, "SELECT record FROM firmware_update").first
        state.notifications = try database.records(StoredNotification.self, "SELECT record FROM notification ORDER BY id")
        return state
    }

    /// Commits a batch of changes as one SQLite transaction, on disk before it returns.
    public func apply(_ changes: [StoreChange]) throws(StoreError) {
        do {
            try database.commit(durability) { () throws(StoreError) in
                for change in changes { try apply(change) }
            }
        } catch {
            throw StoreError(description: "cannot write to \(path): \(error)")
        }
    }

    private func apply(_ change: StoreChange) throws(StoreError) {
        switch change {
        case .variable(let address, let value):
            let component = address.component
            try database.run(
                "INSERT OR REPLACE INTO variable VALUES (?, ?, ?, ?, ?, ?, ?)",
                [.text(component.name), .text(component.instance ?? ""), .integer(component.evseId ?? 0),
                 .integer(component.connectorId ?? 0), .text(address.name), .text(address.instance ?? ""), .text(value)])
        case .availability(let target, let operative):
            try database.run(
                operative ? "DELETE FROM inoperative WHERE target = ?" : "INSERT OR IGNORE INTO inoperative VALUES (?)",
                [.text(target.storedForm)])
        case .bootReason(let reason):
            try database.run("INSERT OR REPLACE INTO station (id, boot_reason) VALUES (1, ?)", [.text(reason.rawValue)])
        case .localList(let list):
            try database.run("INSERT OR REPLACE INTO local_list (id, record) VALUES (1, ?)", [.json(list)])
        case .cacheEntry(let entry):
            let key = IdTokenKey(entry.idToken)
            try database.run(
                "INSERT OR REPLACE INTO authorization_cache VALUES (?, ?, ?)",
                [.text(key.value), .text(key.type.rawValue), .json(entry)])
        case .cacheEntryRemoved(let key):
            try database.run(
                "DELETE FROM authorization_cache WHERE id_token = ? AND type = ?", [.text(key.value), .text(key.type.rawValue)])
        case .cacheCleared:
            try database.run("DELETE FROM authorization_cache", [])
        case .evse(let record):
            try database.run("INSERT OR REPLACE INTO evse VALUES (?, ?)", [.integer(record.id), .json(record)])
        case .transaction(let record):
            try database.run("INSERT OR REPLACE INTO transactions VALUES (?, ?)", [.text(record.id), .json(record)])
        case .transactionRemoved(let id):
            try database.run("DELETE FROM transactions WHERE id = ?", [.text(id)])
        case .transactionEventQueued(let event):
            try database.run(
                "INSERT OR REPLACE INTO transaction_event VALUES (?, ?)", [.integer(event.sequence), .json(event)])
        case .networkProfile(let slot, let profile):
            try database.run("INSERT OR REPLACE INTO network_profile VALUES (?, ?)", [.integer(slot), .json(profile)])
        case .networkProfileRemoved(let slot):
            try database.run("DELETE FROM network_profile WHERE slot = ?", [.integer(slot)])
        case .transactionEventRemoved(let sequence):
            try database.run("DELETE FROM transaction_event WHERE sequence = ?", [.integer(sequence)])
        case .displayMessage(let message):
            try database.run("INSERT OR REPLACE INTO display_message VALUES (?, ?)", [.integer(message.id), .json(message)])
        case .displayMessageRemoved(let id):
            try database.run("DELETE FROM display_message WHERE id = ?", [.integer(id)])
        case .reservation(let reservation):
            // A replaced reservation counts as made now, as the engine orders it.
            try database.run("DELETE FROM reservation WHERE id = ?", [.integer(reservation.id)])
            try database.run(
                "INSERT INTO reservation VALUES (?, (SELECT COALESCE(MAX(placed), 0) + 1 FROM reservation), ?)",
                [.integer(reservation.id), .json(reservation)])
        case .reservationRemoved(let id):
            try database.run("DELETE FROM reservation WHERE id = ?", [.integer(id)])
        case .securityLogEntry(let entry):
            try database.run("INSERT OR REPLACE INTO security_event VALUES (?, ?)", [.integer(entry.id), .json(entry)])
            try database.run(
                "DELETE FROM security_event WHERE id <= (SELECT max(id) FROM security_event) - ?",
                [.integer(StationEngine.securityLogCapacity)])
        case .installedCertificate(let certificate):
            try database.run(
                "INSERT OR IGNORE INTO installed_certificate (use, pem) VALUES (?, ?)",
                [.text(certificate.use.rawValue), .text(certificate.pem)])
        case .installedCertificateRemoved(let certificate):
            try database.run(
                "DELETE FROM installed_certificate WHERE use = ? AND pem = ?", [.text(certificate.use.rawValue), .text(certificate.pem)])
        case .stationCertificate(let certificate):
            try database.run("INSERT OR REPLACE INTO station_certificate (id, record) VALUES (1, ?)", [.json(certificate)])
        case .pendingCertificateRequest(let request?):
            try database.run("INSERT OR REPLACE INTO certificate_request (id, record) VALUES (1, ?)", [.json(request)])
        case .pendingCertificateRequest(nil):
            try database.run("DELETE FROM certificate_request", [])
        case .chargingProfiles(let profiles):
            try database.run("INSERT OR REPLACE INTO charging_profiles (id, record) VALUES (1, ?)", [.json(profiles)])
        case .monitors(let monitors):
            try database.run("INSERT OR REPLACE INTO monitoring (id, record) VALUES (1, ?)", [.json(monitors)])
        case .firmwareUpdate(let record):
            try database.run("INSERT OR REPLACE INTO firmware_update (id, record) VALUES (1, ?)", [.json(record)])
        case .notification(let notification):
            try database.run(
                "INSERT OR REPLACE INTO notification (id, record) VALUES (?, ?)",
                [.integer(notification.id), .json(notification)])
        case .notificationDelivered(let id):
            try database.run("DELETE FROM notification WHERE id = ?", [.integer(id)])
        }
    }
}

extension AvailabilityTarget {
    /// `station`, `evse/2`, `connector/2/1`.
    var storedForm: String {
        switch self {
        case .station: "station"
        case .evse(let id): "evse/\(id)"
        case .connector(let evseId, let connectorId): "connector/\(evseId)/\(connectorId)"
        }
    }

    init?(storedForm: String) {
        let parts = storedForm.split(separator: "/").map(String.init)
        switch (parts.first, parts.count) {
        case ("station", 1): self = .station
        case ("evse", 2): guard let id = Int(parts[1]) else { return nil }; self = .evse(id)
        case ("connector", 3):
            guard let evseId = Int(parts[1]), let connectorId = Int(parts[2]) else { return nil }
            self = .connector(evseId: evseId, connectorId: connectorId)
        default: return nil
        }
    }
}

extension String {
    fileprivate var nonEmpty: String? { isEmpty ? nil : self }
}

extension Int {
    fileprivate var nonZero: Int? { self == 0 ? nil : self }
}
