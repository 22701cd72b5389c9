import Testing
@testable import Transport

/// Reassembly without lws: pieces, the cap and the UTF-8 check, as both websocket ends use it.
@Suite struct MessageReassemblerTests {
    func feed(_ reassembler: inout MessageReassembler, _ bytes: [UInt8], binary: Bool = false, last: Bool)
        -> MessageReassembler.Outcome {
        bytes.withUnsafeBytes { reassembler.receive($0, isBinary: binary, isLast: last) }
    }

    @Test func aWholeMessageInOnePieceIsText() {
        var r = MessageReassembler(maximumSize: 16)
        #expect(feed(&r, Array("hello".utf8), last: true) == .text("hello"))
        #expect(feed(&r, [], last: true) == .text(""))
    }

    @Test func piecesSplitInsideMultiByteCharactersAreJoined() {
        var r = MessageReassembler(maximumSize: 64)
        let bytes = Array("Grüße €".utf8)
        #expect(feed(&r, Array(bytes[0..<3]), last: false) == .incomplete)
        #expect(feed(&r, Array(bytes[3..<9]), last: false) == .incomplete)
        #expect(feed(&r, Array(bytes[9...]), last: true) == .text("Grüße €"))
        #expect(feed(&r, Array("next".utf8), last: true) == .text("next"))
    }

    @Test func theCapIsInclusiveAndAnOversizedMessageIsDropped() {
        var r = MessageReassembler(maximumSize: 4)
        #expect(feed(&r, Array("abcd".utf8), last: true) == .text("abcd"))
        #expect(feed(&r, Array("abcde".utf8), last: true) == .tooLarge)
        #expect(feed(&r, Array("abc".utf8), last: false) == .incomplete)
        #expect(feed(&r, Array("de".utf8), last: false) == .tooLarge)
        // What was collected is gone: the next message starts afresh.
        #expect(feed(&r, Array("xy".utf8), last: true) == .text("xy"))
    }

    @Test func invalidUTF8IsReportedWithItsSize() {
        var r = MessageReassembler(maximumSize: 16)
        #expect(feed(&r, [0x66, 0xFF, 0xFE], last: true) == .invalidUTF8(size: 3))
        #expect(feed(&r, [0x66], last: false) == .incomplete)
        #expect(feed(&r, [0xC3], last: true) == .invalidUTF8(size: 2))
    }

    @Test func binaryMessagesAreReportedNotDecoded() {
        var r = MessageReassembler(maximumSize: 16)
        #expect(feed(&r, [1, 2, 3], binary: true, last: true) == .binary(size: 3))
        // The first piece decides; later pieces of the message are not asked.
        #expect(feed(&r, [0xFF], binary: true, last: false) == .incomplete)
        #expect(feed(&r, [0xFE], binary: false, last: true) == .binary(size: 2))
    }

    @Test func discardDropsAPartialMessage() {
        var r = MessageReassembler(maximumSize: 16)
        #expect(feed(&r, Array("part".utf8), last: false) == .incomplete)
        r.discard()
        #expect(feed(&r, Array("whole".utf8), last: true) == .text("whole"))
    }
}
