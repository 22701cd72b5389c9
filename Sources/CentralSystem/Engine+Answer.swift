import OCPPJ

/// Answering a station's CALL, the same in both versions: the payload is decoded strictly, then the
/// operation's response goes back, or the CALLERROR the version names for the mistake. The receivers say
/// only which request type and which error spelling (`Engine+Receive.swift`, `Engine+Receive201.swift`).
extension CentralSystemEngine {
    struct IncomingCall {
        let messageId: String
        let payload: JSONValue
        let connection: UInt64
        let identity: String
    }

    mutating func answer<Request: Decodable, Response: Encodable>(
        _ call: IncomingCall, with type: Request.Type, action: String, errorCode: (PayloadError.Kind) -> String,
        _ operation: (inout Self, Request) -> Response
    ) {
        let request: Request
        do {
            request = try StrictJSON.decode(Request.self, from: call.payload)
        } catch {
            logger.warning("\(call.identity) sent an invalid \(action): \(error)")
            refuse(call.messageId, code: errorCode(error.kind), error.description, on: call.connection, to: call.identity)
            return
        }
        let response = operation(&self, request)
        send(RPCCodec.callResult(messageId: call.messageId, payload: response), on: call.connection, to: call.identity)
    }

    mutating func refuse(_ messageId: String, code: String, _ description: String, on connection: UInt64, to identity: String) {
        send(RPCCodec.callError(messageId: messageId, code: code, description: description), on: connection, to: identity)
    }

}
