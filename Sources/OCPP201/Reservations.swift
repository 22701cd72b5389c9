/// The enumerations of functional block H, Reservation ([SCH]), kept with the block rather than in
/// `Enumerations.swift` so that the block's vocabulary reads in one place.

/// [SCH] ReserveNowStatusEnumType. Only Accepted makes a reservation; the others say why not: the targeted
/// EVSEs are Occupied (or Reserved), Faulted or Unavailable, or the station takes no such reservation
/// (Rejected) [H01.FR.01/11–14/19].
public enum ReserveNowStatus: String, Codable, JSONScalar, Sendable, CaseIterable {
    case accepted = "Accepted"
    case faulted = "Faulted"
    case occupied = "Occupied"
    case rejected = "Rejected"
    case unavailable = "Unavailable"
}

/// [SCH] CancelReservationStatusEnumType. Rejected when no reservation has the id [H02.FR.01].
public enum CancelReservationStatus: String, Codable, JSONScalar, Sendable, CaseIterable {
    case accepted = "Accepted"
    case rejected = "Rejected"
}

/// [SCH] ReservationUpdateStatusEnumType. Why a reservation ended without being used: its expiryDateTime passed
/// [H04.FR.01], or the station removed it because its EVSE turned Faulted or Unavailable [H01.FR.16/17].
public enum ReservationUpdateStatus: String, Codable, JSONScalar, Sendable, CaseIterable {
    case expired = "Expired"
    case removed = "Removed"
}

/// [SCH] ConnectorEnumType: the plug types a reservation can ask for. `Connector.ConnectorType` in the device
/// model may name more (cGBT, cChaoJi, OppCharge), which no reservation can ask for.
public enum ConnectorType: String, Codable, JSONScalar, Sendable, CaseIterable {
    case cCCS1, cCCS2, cG105, cTesla, cType1, cType2
    case s309_1P_16A = "s309-1P-16A"
    case s309_1P_32A = "s309-1P-32A"
    case s309_3P_16A = "s309-3P-16A"
    case s309_3P_32A = "s309-3P-32A"
    case sBS1361
    case sCEE_7_7 = "sCEE-7-7"
    case sType2, sType3
    case other1PhMax16A = "Other1PhMax16A"
    case other1PhOver16A = "Other1PhOver16A"
    case other3Ph = "Other3Ph"
    case pan = "Pan"
    case wInductive, wResonant
    case undetermined = "Undetermined"
    case unknown = "Unknown"
}
