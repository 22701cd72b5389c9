import OCPP16

extension ChargePointEngine {
    /// No vendor extensions are installed, so every vendorId is unknown ([CORE] §4.3): a normal result,
    /// not a CALLERROR.
    func dataTransfer(_ request: DataTransferRequest) -> DataTransferResponse {
        DataTransferResponse(status: .unknownVendorId)
    }
}
