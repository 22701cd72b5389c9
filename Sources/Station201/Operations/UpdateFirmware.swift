import Certificates
import EngineSupport
import OCPP201

extension StationEngine {
    /// [L01]/[L02]: a secure update (signing certificate and signature) has its certificate checked against the
    /// installed ManufacturerRootCertificates before the answer [L01.FR.21/22]; a failed check answers
    /// InvalidCertificate and raises InvalidFirmwareSigningCertificate [L01.FR.02]. With only one of the two it
    /// is Rejected, since it can be neither kind. Without either it is a plain update [L02] (no signature
    /// check) as long as no ManufacturerRootCertificate is installed; once one is, the station is a secure-update
    /// station and takes only images signed under it, so an unsigned one is Rejected (TC_L_18). An
    /// update in progress is cancelled for the new one: AcceptedCanceled [L01.FR.24], except while the install
    /// hook runs, which cannot be stopped: Rejected [L01.FR.27]. Then the download waits for retrieveDateTime
    /// (DownloadScheduled while it does).
    mutating func updateFirmware(_ request: UpdateFirmwareRequest) -> UpdateFirmwareResponse {
        guard !firmwareInstalling else {
            return UpdateFirmwareResponse(status: .rejected, statusInfo: StatusInfo(reasonCode: "InstallInProgress"))
        }
        let firmware = request.firmware
        let signature: FirmwareSchedule.Signature?
        switch (firmware.signingCertificate, firmware.signature) {
        case (nil, nil):
            guard installedCertificates.certificates(.manufacturerRootCertificate).isEmpty else {
                return UpdateFirmwareResponse(status: .rejected, statusInfo: StatusInfo(reasonCode: "MissingParam"))
            }
            signature = nil
        case (let certificate?, let encoded?):
            if let problem = signingCertificateProblem(certificate.value) {
                logger.warning("UpdateFirmware \(request.requestId): \(problem)")
                raiseSecurityEvent(.invalidFirmwareSigningCertificate, detail: problem)
                return UpdateFirmwareResponse(
                    status: .invalidCertificate, statusInfo: StatusInfo(reasonCode: "InvalidCertificate"))
            }
            guard let bytes = Base64.decode(encoded.value), !bytes.isEmpty else {
                return UpdateFirmwareResponse(status: .rejected, statusInfo: StatusInfo(reasonCode: "InvalidSignature"))
            }
            signature = FirmwareSchedule.Signature(certificatePEM: certificate.value, bytes: bytes)
        default:
            return UpdateFirmwareResponse(status: .rejected, statusInfo: StatusInfo(reasonCode: "MissingParam"))
        }
        guard fileTransferAllows(firmware.location.value) else {
            return UpdateFirmwareResponse(status: .rejected, statusInfo: StatusInfo(reasonCode: "UnsupportedParam"))
        }
        let cancelled = firmwareUpdateRuns
        if cancelled { logger.notice("firmware: update \(self.firmware?.requestId ?? 0) cancelled for \(request.requestId)") }
        if let job = self.firmware?.schedule?.runningJob { emit(.cancel(jobId: job)) }
        let schedule = FirmwareSchedule(
            location: firmware.location.value,
            fileName: TransferPolicy.fileName(in: firmware.location.value, fallback: "firmware.bin"),
            retrieveAt: firmware.retrieveDateTime, installAt: firmware.installDateTime, retries: request.retries,
            retryInterval: request.retryInterval, signature: signature)
        let record = FirmwareUpdateRecord(
            requestId: request.requestId, schedule: schedule, status: .idle,
            installedVersion: self.firmware?.installedVersion)
        self.firmware = record
        persist(.firmwareUpdate(record))
        if firmware.retrieveDateTime > now.wallClock { notifyFirmware(.downloadScheduled) }
        return UpdateFirmwareResponse(status: cancelled ? .acceptedCanceled : .accepted)
    }

    /// Why the signing certificate is not one to trust: not PEM, not valid now, or not issued under an
    /// installed ManufacturerRootCertificate. Revocation is not checked: the station has no CRL or OCSP
    /// source, so RevokedCertificate is never answered.
    private func signingCertificateProblem(_ pem: String) -> String? {
        let roots = installedCertificates.certificates(.manufacturerRootCertificate)
        do throws(CertificateError) {
            guard !roots.isEmpty else { throw .untrusted(reason: "no ManufacturerRootCertificate is installed") }
            let chain = try Certificate.parseChain(pem: pem)
            try TrustStore.verify(chain, roots: roots, at: now.wallClock.millisecondsSince1970 / 1000)
            return nil
        } catch {
            return "the signing certificate is not trusted: \(error)"
        }
    }

    /// The URL's scheme is one OCPPCommCtrlr.FileTransferProtocols lists.
    func fileTransferAllows(_ location: String) -> Bool {
        guard let colon = location.firstIndex(of: ":") else { return false }
        let scheme = location[..<colon].uppercased()
        return deviceModel.text(StandardVariables.fileTransferProtocols).split(separator: ",").contains { $0 == scheme }
    }
}
