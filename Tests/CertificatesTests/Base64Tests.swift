import TestFixtures
import Certificates
import Testing

@Suite("Base64")
struct Base64Tests {
    /// RFC 4648 §10.
    static let vectors: [(String, String)] = [
        ("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"),
        ("foob", "Zm9vYg=="), ("fooba", "Zm9vYmE="), ("foobar", "Zm9vYmFy"),
    ]

    @Test("RFC 4648 test vectors, both ways")
    func vectors() {
        for (plain, encoded) in Self.vectors {
            #expect(Base64.encode(Array(plain.utf8)) == encoded)
            #expect(Base64.decode(encoded) == Array(plain.utf8))
        }
    }

    @Test("every length round-trips, all 256 byte values included")
    func roundTrip() {
        for count in 0...70 {
            let bytes = pattern(count, seed: UInt64(count) + 1)
            #expect(Base64.decode(Base64.encode(bytes)) == bytes)
        }
        let all = (0...255).map { UInt8($0) }
        #expect(Base64.decode(Base64.encode(all)) == all)
        #expect(Base64.encode([0xfb, 0xff, 0xbf]) == "+/+/")
    }

    @Test("whitespace anywhere is ignored")
    func whitespace() {
        #expect(Base64.decode(" Zm9v\r\nYmFy\n") == Array("foobar".utf8))
        #expect(Base64.decode("Zm9vYg\t==") == Array("foob".utf8))
        #expect(Base64.decode("  ") == [])
    }

    @Test("the PEM body of a certificate decodes to its DER")
    func pemBody() throws {
        let leaf = try PKI.get().leaf
        let body = leaf.pem.split(separator: "\n").dropFirst().dropLast().joined(separator: "\n")
        #expect(Base64.decode(body) == leaf.der)
    }

    @Test("malformed input is nil", arguments: [
        "Zg", "Zg=", "Z", "Zm9vY", "Zm9v!", "Zm9v-_", "Zg==Zg==", "Zg=a", "====", "=", "Zm=v", "Zm9vYg===", "Zä==",
    ])
    func malformed(text: String) {
        #expect(Base64.decode(text) == nil)
    }
}
