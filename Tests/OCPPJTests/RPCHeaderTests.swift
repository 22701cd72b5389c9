import Testing

@testable import OCPPJ

@Suite struct RPCHeaderTests {
    @Test func readsTypeIdAndActionWithoutParsingThePayload() {
        #expect(RPCCodec.header(of: #"[2,"m-1","Heartbeat",{}]"#)! == (2, "m-1", "Heartbeat"))
        #expect(RPCCodec.header(of: #" [ 3 , "m-2" , {"currentTime":"x"}]"#)! == (3, "m-2", nil))
        #expect(RPCCodec.header(of: #"[4,"m-3","GenericError","",{}]"#)! == (4, "m-3", nil))
        #expect(RPCCodec.header(of: #"[2,"m-4","Heartbeat""#)! == (2, "m-4", "Heartbeat"))
    }

    @Test(arguments: [#"not json"#, #"[5,"x",{}]"#, #"[2,"a\"b","X",{}]"#, #"[2,5,"X",{}]"#, #"{}"#, ""])
    func refusesWhatDoesNotStartLikeAnRPCMessage(text: String) {
        #expect(RPCCodec.header(of: text) == nil)
    }
}
