import OCPP201

extension StationEngine {
    /// [P01]: this station knows no vendor extensions [P01.FR.06].
    mutating func dataTransfer(_ request: DataTransferRequest) -> DataTransferResponse {
        DataTransferResponse(status: .unknownVendorId)
    }
}
