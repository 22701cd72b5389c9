import OCPP16
import Testing

@testable import ControlAPI

@Suite("The frame log behind GET /api/v1/messages")
struct EventHubTests {
    let time = Timestamp(millisecondsSince1970: 1_700_000_000_000)

    @Test("an answer is named after the CALL it answers, which went the other way; both sides may use one id")
    func answersAreNamedAfterTheirCall() {
        let hub = EventHub(csmsURL: "ws://csms", version: "test")
        hub.frame(.outgoing, #"[2,"7","Heartbeat",{}]"#, at: time)
        hub.frame(.incoming, #"[2,"7","GetConfiguration",{}]"#, at: time)
        hub.frame(.outgoing, #"[3,"7",{"configurationKey":[]}]"#, at: time)
        hub.frame(.incoming, #"[3,"7",{"currentTime":"2023-11-14T22:13:20Z"}]"#, at: time)
        hub.frame(.incoming, #"[3,"unknown",{}]"#, at: time)
        let frames = hub.recentFrames(limit: 3)
        #expect(frames.map(\.type) == ["CALLRESULT", "CALLRESULT", "CALLRESULT"])
        #expect(frames.map(\.action) == ["GetConfiguration", "Heartbeat", nil])
    }

    @Test("the CALL of an answer is found even when it is older than the frames asked for")
    func callBeforeTheWindow() {
        let hub = EventHub(csmsURL: "ws://csms", version: "test")
        hub.frame(.incoming, #"[2,"1","Reset",{"type":"Soft"}]"#, at: time)
        hub.frame(.outgoing, #"[3,"1",{"status":"Accepted"}]"#, at: time)
        #expect(hub.recentFrames(limit: 1).map(\.action) == ["Reset"])
    }

    @Test("the frame is kept as received and shown with the AuthorizationKey hidden")
    func secretsAreHiddenWhenShown() {
        let hub = EventHub(csmsURL: "ws://csms", version: "test")
        hub.frame(.incoming, #"[2,"9","ChangeConfiguration",{"key":"AuthorizationKey","value":"0011223344556677"}]"#, at: time)
        let frame = hub.recentFrames(limit: 1)[0]
        #expect(frame.action == "ChangeConfiguration")
        #expect(frame.payload == .object(["key": .string("AuthorizationKey"), "value": .string("(hidden)")]))
    }
}
