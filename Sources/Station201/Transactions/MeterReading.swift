import EngineSupport
import OCPP201

/// The measurands this station's meter gives ([J]): the register, and power, current and voltage derived
/// from the power drawn on a three-phase 230 V supply.
enum MeterReading {
    static let supported: [Measurand] = [.energyActiveImportRegister, .powerActiveImport, .currentImport, .voltage]
    static let nominalVoltage = 230.0
    static let phases = 3.0

    /// One sample of `measurands` (those named in a SampledDataCtrlr variable), or nil when none is named.
    static func sample(
        _ measurands: [String], energyWh: Double, powerW: Double, context: ReadingContext, at time: Timestamp
    ) -> MeterValue? {
        let values = measurands.compactMap(Measurand.init(rawValue:)).map { measurand in
            SampledValue(
                value: rounded(value(of: measurand, energyWh: energyWh, powerW: powerW)), context: context,
                measurand: measurand, unitOfMeasure: UnitOfMeasure(unit: unit(of: measurand)))
        }
        return values.isEmpty ? nil : MeterValue(sampledValue: values, timestamp: time)
    }

    private static func value(of measurand: Measurand, energyWh: Double, powerW: Double) -> Double {
        switch measurand {
        case .powerActiveImport: powerW
        case .currentImport: powerW / (nominalVoltage * phases)
        case .voltage: nominalVoltage
        default: energyWh
        }
    }

    private static func unit(of measurand: Measurand) -> CiString<20> {
        switch measurand {
        case .powerActiveImport: "W"
        case .currentImport: "A"
        case .voltage: "V"
        default: "Wh"
        }
    }

    /// Three decimals: what a meter shows, and a number every JSON reader keeps exactly.
    private static func rounded(_ value: Double) -> Double {
        (value * 1000).rounded() / 1000
    }
}
