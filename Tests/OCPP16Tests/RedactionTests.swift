import Testing

@testable import OCPP16

@Suite struct RedactionTests {
    @Test(arguments: ["AuthorizationKey", "authorizationkey", "AUTHORIZATIONKEY", "authorizationKey"])
    func authorizationKeyValueIsHiddenWhateverTheCase(key: String) throws {
        let frame = #"[2,"c1","ChangeConfiguration",{"key":"\#(key)","value":"0123456789abcdef0123"}]"#
        let redacted = RPCCodec.redactingSecrets(frame)
        #expect(!redacted.contains("0123456789abcdef0123"))
        let parsed = try JSONValue.parse(redacted)
        #expect(parsed == .array([
            .integer(2), .string("c1"), .string("ChangeConfiguration"),
            .object(["key": .string(key), "value": .string("(hidden)")]),
        ]))
    }

    @Test(arguments: [
        #"[2,"c1","ChangeConfiguration",{"key":"HeartbeatInterval","value":"60"}]"#,
        #"[2,"c2","ChangeConfiguration",{"key":"CpoName","value":"AuthorizationKey"}]"#,
        #"[2,"c3","DataTransfer",{"vendorId":"x","data":"{\"key\":\"AuthorizationKey\",\"value\":\"s\"}"}]"#,
        #"[3,"c4",{"key":"AuthorizationKey","value":"secret"}]"#,
        #"[4,"c5","GenericError","AuthorizationKey",{}]"#,
        #"  [2, "c6", "ChangeConfiguration", {"key": "MeterValueSampleInterval", "value": "10"}]"#,
        #"not json AuthorizationKey"#,
    ])
    func otherFramesPassByteIdentical(frame: String) {
        #expect(Array(RPCCodec.redactingSecrets(frame).utf8) == Array(frame.utf8))
    }
}
