import HTTPServer
import Testing
import Threads
import WebContent

@testable import ControlAPI

@Suite("The page and the contract built into the binary")
struct StaticFilesTests {
    /// The repository's root, from this file's path.
    static let root = "/" + #filePath.split(separator: "/").dropLast(3).joined(separator: "/")

    static func contents(_ path: String) throws -> [UInt8] {
        try #require(readFile(root + "/" + path), "cannot read \(path)")
    }

    @Test("every file of Web/ is served as it is in the checkout, / is index.html", arguments: ["index.html", "app.js", "style.css", "fleet.html", "fleet.js", "token.js"])
    func page(name: String) throws {
        let response = try #require(StaticFiles.embedded.response(for: "/" + name))
        #expect(response.body == (try Self.contents("Web/" + name)), "\(name) changed since the build: rebuild")
        #expect(response.headers.contains { $0.name == "Cache-Control" && $0.value == "no-cache" })
        #expect(StaticFiles.embedded.response(for: "/")?.body == (try Self.contents("Web/index.html")))
    }

    @Test("openapi.yaml is the contract, not a page file")
    func contract() throws {
        #expect(StaticFiles.contract.body == (try Self.contents("openapi.yaml")))
        #expect(StaticFiles.contract.headers.contains { $0.name == "Content-Type" && $0.value == "application/yaml" })
        #expect(StaticFiles.embedded.response(for: "/openapi.yaml") == nil)
    }

    @Test("the compiler's version is known")
    func swiftVersion() {
        #expect(WebContent.swiftVersion.first?.isNumber == true)
        #expect(WebContent.swiftVersion.contains("."))
    }
}
