import FileTransfer
import HTTPServer
import TestFixtures
import Testing

/// Runs `body`, expecting a TransferError, and returns it (nil, with a recorded issue, otherwise).
private func transferError(_ body: () throws(TransferError) -> Void,
                           sourceLocation: SourceLocation = #_sourceLocation) -> TransferError? {
    do {
        try body()
        Issue.record("expected a TransferError, the transfer succeeded", sourceLocation: sourceLocation)
        return nil
    } catch {
        return error
    }
}

private func elapsed(_ body: () -> Void) -> Double {
    let clock = ContinuousClock()
    let start = clock.now
    body()
    return seconds(clock.now - start)
}

@Suite("FileTransfer downloads", .serialized)
struct DownloadTests {
    @Test("a download writes exactly the served bytes and leaves no .part file")
    func downloadSucceeds() throws {
        let payload = pattern(1_000_003)
        let requests = Shared<[String]>([])
        let server = try startServer { request, responder in
            requests.update { $0.append("\(request.method) \(request.path)") }
            responder.respond(HTTPResponse(status: 200, body: payload))
        }
        defer { server.stop() }
        let directory = try TemporaryDirectory()
        let target = directory.file("firmware.bin")

        let bytes = try FileTransfer.download(from: "http://127.0.0.1:\(server.boundPort)/fw/firmware.bin", to: target)

        #expect(bytes == payload.count)
        #expect(readFile(target) == payload)
        #expect(directory.entries() == ["firmware.bin"])
        #expect(requests.get == ["GET /fw/firmware.bin"])
    }

    @Test("an empty 200 body is a successful download of 0 bytes")
    func emptyDownload() throws {
        let server = try startServer { _, responder in responder.respond(HTTPResponse(status: 200)) }
        defer { server.stop() }
        let directory = try TemporaryDirectory()
        let bytes = try FileTransfer.download(from: "http://127.0.0.1:\(server.boundPort)/empty", to: directory.file("e"))
        #expect(bytes == 0)
        #expect(readFile(directory.file("e")) == [])
    }

    @Test("404 fails with .httpStatus(404), leaves no file and keeps an existing one")
    func notFound() throws {
        let server = try startServer { _, responder in
            responder.respond(HTTPResponse(status: 404, body: Array("no such firmware".utf8)))
        }
        defer { server.stop() }
        let directory = try TemporaryDirectory()
        let url = "http://127.0.0.1:\(server.boundPort)/missing.bin"

        let error = transferError { () throws(TransferError) in
            _ = try FileTransfer.download(from: url, to: directory.file("fw.bin"))
        }
        #expect(error?.kind == .httpStatus(404))
        #expect(error?.message.contains("404") == true)
        #expect(directory.entries() == [])

        writeFile(directory.file("old.bin"), Array("previous".utf8))
        let again = transferError { () throws(TransferError) in
            _ = try FileTransfer.download(from: url, to: directory.file("old.bin"))
        }
        #expect(again?.kind == .httpStatus(404))
        #expect(readFile(directory.file("old.bin")) == Array("previous".utf8))
        #expect(directory.entries() == ["old.bin"])
    }

    @Test("a redirect is followed and the final body is stored")
    func redirectFollowed() throws {
        let payload = pattern(4096, seed: 7)
        let requests = Shared<[String]>([])
        let server = try startServer { request, responder in
            requests.update { $0.append(request.path) }
            if request.path == "/old" {
                responder.respond(HTTPResponse(status: 302, headers: [(name: "Location", value: "/new/fw.bin")]))
            } else {
                responder.respond(HTTPResponse(status: 200, body: payload))
            }
        }
        defer { server.stop() }
        let directory = try TemporaryDirectory()

        let bytes = try FileTransfer.download(from: "http://127.0.0.1:\(server.boundPort)/old", to: directory.file("fw"))

        #expect(bytes == payload.count)
        #expect(readFile(directory.file("fw")) == payload)
        #expect(requests.get == ["/old", "/new/fw.bin"])
    }

    @Test("a redirect to an unsupported scheme fails with .unsupportedScheme")
    func redirectToUnsupportedScheme() throws {
        let server = try startServer { _, responder in
            responder.respond(HTTPResponse(status: 302, headers: [(name: "Location", value: "gopher://127.0.0.1/x")]))
        }
        defer { server.stop() }
        let directory = try TemporaryDirectory()
        let error = transferError { () throws(TransferError) in
            _ = try FileTransfer.download(from: "http://127.0.0.1:\(server.boundPort)/r", to: directory.file("fw"))
        }
        #expect(error?.kind == .unsupportedScheme)
        #expect(directory.entries() == [])
    }

    @Test("endless redirects stop after the limit")
    func redirectLoop() throws {
        let server = try startServer { _, responder in
            responder.respond(HTTPResponse(status: 302, headers: [(name: "Location", value: "/loop")]))
        }
        defer { server.stop() }
        let directory = try TemporaryDirectory()
        let error = transferError { () throws(TransferError) in
            _ = try FileTransfer.download(from: "http://127.0.0.1:\(server.boundPort)/loop", to: directory.file("fw"))
        }
        #expect(error?.kind == .other)
        #expect(error?.message.contains("redirect") == true)
        #expect(directory.entries() == [])
    }

    @Test("a body over the size cap (Content-Length known) fails with .tooLarge and leaves no file")
    func tooLargeAnnounced() throws {
        let server = try startServer { _, responder in responder.respond(HTTPResponse(status: 200, body: pattern(5000))) }
        defer { server.stop() }
        let directory = try TemporaryDirectory()
        let error = transferError { () throws(TransferError) in
            _ = try FileTransfer.download(from: "http://127.0.0.1:\(server.boundPort)/big", to: directory.file("fw"),
                                          limits: TransferLimits(maximumDownloadBytes: 1000))
        }
        #expect(error?.kind == .tooLarge)
        #expect(directory.entries() == [])
    }

    @Test("a streamed body (no Content-Length) over the size cap is aborted with .tooLarge")
    func tooLargeStreamed() throws {
        let server = try startServer { _, responder in
            let stream = HTTPStream(maximumBufferedBytes: 1 << 20)
            responder.respondWithStream(status: 200, stream: stream)
            for _ in 0..<10 { stream.write(pattern(1000)) }
            stream.finish()
        }
        defer { server.stop() }
        let directory = try TemporaryDirectory()
        let error = transferError { () throws(TransferError) in
            _ = try FileTransfer.download(from: "http://127.0.0.1:\(server.boundPort)/stream", to: directory.file("fw"),
                                          limits: TransferLimits(maximumDownloadBytes: 2500))
        }
        #expect(error?.kind == .tooLarge)
        #expect(directory.entries() == [])

        // The same stream under the cap downloads completely.
        let bytes = try FileTransfer.download(from: "http://127.0.0.1:\(server.boundPort)/stream",
                                              to: directory.file("fw"), limits: TransferLimits(maximumDownloadBytes: 10_000))
        #expect(bytes == 10_000)
    }

    @Test("a closed port fails with .connectionFailed")
    func connectionRefused() throws {
        let directory = try TemporaryDirectory()
        let error = transferError { () throws(TransferError) in
            _ = try FileTransfer.download(from: "http://127.0.0.1:\(closedPort())/fw.bin", to: directory.file("fw"))
        }
        #expect(error?.kind == .connectionFailed)
        #expect(directory.entries() == [])
    }

    @Test("a server that never answers hits totalTimeout (.timedOut)")
    func timeout() throws {
        let parked = Shared<[HTTPResponder]>([])
        let server = try startServer { _, responder in parked.update { $0.append(responder) } }
        defer {
            server.stop()
            parked.update { $0.removeAll() }  // the responders hold the server (a cycle otherwise)
        }
        let directory = try TemporaryDirectory()
        var error: TransferError?
        let took = elapsed {
            error = transferError { () throws(TransferError) in
                _ = try FileTransfer.download(from: "http://127.0.0.1:\(server.boundPort)/slow", to: directory.file("fw"),
                                              limits: TransferLimits(totalTimeout: .milliseconds(500)))
            }
        }
        #expect(error?.kind == .timedOut)
        #expect(took >= 0.45 && took < 2.0, "took \(took) s")
        #expect(directory.entries() == [])
        #expect(parked.get.count == 1)
    }

    @Test("cancel() from another thread stops a running download with .cancelled")
    func cancellation() throws {
        let cancellation = TransferCancellation()
        let parked = Shared<[HTTPResponder]>([])
        let server = try startServer { _, responder in
            parked.update { $0.append(responder) }
            cancellation.cancel()  // on an MHD thread, while the client waits for the answer
        }
        defer {
            server.stop()
            parked.update { $0.removeAll() }  // the responders hold the server (a cycle otherwise)
        }
        let directory = try TemporaryDirectory()
        var error: TransferError?
        let took = elapsed {
            error = transferError { () throws(TransferError) in
                _ = try FileTransfer.download(from: "http://127.0.0.1:\(server.boundPort)/slow", to: directory.file("fw"),
                                              cancellation: cancellation)
            }
        }
        #expect(error?.kind == .cancelled)
        #expect(took < 1.0, "took \(took) s")
        #expect(directory.entries() == [])
        #expect(parked.get.count == 1)
    }

    @Test("an already cancelled token fails at once, without a request")
    func cancelledBeforeStart() throws {
        let requests = Shared(0)
        let server = try startServer { _, responder in
            requests.update { $0 += 1 }
            responder.respond(HTTPResponse(status: 200))
        }
        defer { server.stop() }
        let cancellation = TransferCancellation()
        cancellation.cancel()
        let directory = try TemporaryDirectory()
        let error = transferError { () throws(TransferError) in
            _ = try FileTransfer.download(from: "http://127.0.0.1:\(server.boundPort)/fw", to: directory.file("fw"),
                                          cancellation: cancellation)
        }
        #expect(error?.kind == .cancelled)
        #expect(requests.get == 0)
        #expect(directory.entries() == [])
    }

    @Test("a target in a missing directory fails with .fileSystem before any request")
    func missingTargetDirectory() throws {
        let requests = Shared(0)
        let server = try startServer { _, responder in
            requests.update { $0 += 1 }
            responder.respond(HTTPResponse(status: 200))
        }
        defer { server.stop() }
        let error = transferError { () throws(TransferError) in
            _ = try FileTransfer.download(from: "http://127.0.0.1:\(server.boundPort)/fw",
                                          to: "/nonexistent-dir-for-filetransfer-tests/fw.bin")
        }
        #expect(error?.kind == .fileSystem)
        #expect(requests.get == 0)
    }
}

@Suite("FileTransfer uploads", .serialized)
struct UploadTests {
    @Test("upload PUTs the exact bytes to directory/name (name percent-encoded, query kept)")
    func uploadSucceeds() throws {
        let payload = pattern(300_001, seed: 42)
        let received = Shared<[HTTPRequest]>([])
        let server = try startServer { request, responder in
            received.update { $0.append(request) }
            responder.respond(HTTPResponse(status: 201))
        }
        defer { server.stop() }
        let directory = try TemporaryDirectory()
        writeFile(directory.file("diag.tar.gz"), payload)

        try FileTransfer.upload(file: directory.file("diag.tar.gz"), to: "http://127.0.0.1:\(server.boundPort)/dir",
                                as: "diagnostics-CP001.tar.gz")
        try FileTransfer.upload(file: directory.file("diag.tar.gz"),
                                to: "http://127.0.0.1:\(server.boundPort)/up/load/?token=abc", as: "diag 1.txt")

        let requests = received.get
        #expect(requests.count == 2)
        #expect(requests.first?.method == "PUT")
        #expect(requests.first?.path == "/dir/diagnostics-CP001.tar.gz")
        #expect(requests.first?.body == payload)
        #expect(requests.last?.method == "PUT")
        #expect(requests.last?.path == "/up/load/diag%201.txt")
        #expect(requests.last?.query["token"] == "abc")
        #expect(requests.last?.body == payload)
    }

    @Test("an empty file uploads as an empty PUT")
    func uploadEmpty() throws {
        let received = Shared<[HTTPRequest]>([])
        let server = try startServer { request, responder in
            received.update { $0.append(request) }
            responder.respond(HTTPResponse(status: 204))
        }
        defer { server.stop() }
        let directory = try TemporaryDirectory()
        writeFile(directory.file("empty.log"), [])
        try FileTransfer.upload(file: directory.file("empty.log"), to: "http://127.0.0.1:\(server.boundPort)/logs/",
                                as: "empty.log")
        #expect(received.get.map(\.path) == ["/logs/empty.log"])
        #expect(received.get.first?.body == [])
    }

    @Test("a 307 redirect re-sends the PUT with the body to the new location")
    func uploadRedirect() throws {
        let payload = pattern(20_000, seed: 3)
        let received = Shared<[HTTPRequest]>([])
        let server = try startServer { request, responder in
            received.update { $0.append(request) }
            if request.path.hasPrefix("/old/") {
                responder.respond(HTTPResponse(status: 307, headers: [(name: "Location", value: "/new/diag.zip")]))
            } else {
                responder.respond(HTTPResponse(status: 200))
            }
        }
        defer { server.stop() }
        let directory = try TemporaryDirectory()
        writeFile(directory.file("diag.zip"), payload)
        try FileTransfer.upload(file: directory.file("diag.zip"), to: "http://127.0.0.1:\(server.boundPort)/old",
                                as: "diag.zip")
        let requests = received.get
        #expect(requests.map(\.path) == ["/old/diag.zip", "/new/diag.zip"])
        #expect(requests.last?.method == "PUT")
        #expect(requests.last?.body == payload)
    }

    @Test("a 500 answer fails with .httpStatus(500)")
    func uploadServerError() throws {
        let server = try startServer { _, responder in responder.respond(HTTPResponse(status: 500)) }
        defer { server.stop() }
        let directory = try TemporaryDirectory()
        writeFile(directory.file("d.txt"), pattern(1000))
        let error = transferError { () throws(TransferError) in
            try FileTransfer.upload(file: directory.file("d.txt"), to: "http://127.0.0.1:\(server.boundPort)/dir", as: "d.txt")
        }
        #expect(error?.kind == .httpStatus(500))
    }

    @Test("a missing source file fails with .fileSystem")
    func uploadMissingFile() {
        let error = transferError { () throws(TransferError) in
            try FileTransfer.upload(file: "/nonexistent-dir-for-filetransfer-tests/d.txt",
                                    to: "http://127.0.0.1:\(closedPort())/dir", as: "d.txt")
        }
        #expect(error?.kind == .fileSystem)
    }

    @Test("unusable file names fail with .invalidURL", arguments: ["", ".", "..", "a/b", "x\ny"])
    func uploadBadName(name: String) {
        let error = transferError { () throws(TransferError) in
            try FileTransfer.upload(file: "/etc/hostname", to: "http://127.0.0.1:\(closedPort())/dir", as: name)
        }
        #expect(error?.kind == .invalidURL)
        #expect(error?.message.contains("\n") == false)
    }
}

@Suite("FileTransfer URLs")
struct URLTests {
    @Test("supported schemes follow SupportedFileTransferProtocols order")
    func schemes() {
        #expect(FileTransfer.supportedSchemes == ["ftp", "ftps", "http", "https"])
    }

    @Test("unsupported schemes fail without network", arguments: [
        "gopher://user:pw@example.invalid/x", "sftp://example.invalid/fw.bin", "file:///etc/passwd",
        "scp://example.invalid/x", "HTTPX://example.invalid/",
    ])
    func unsupportedScheme(url: String) {
        let error = transferError { () throws(TransferError) in
            _ = try FileTransfer.download(from: url, to: "/nonexistent-dir-for-filetransfer-tests/x")
        }
        #expect(error?.kind == .unsupportedScheme)
        #expect(error?.message.contains("pw") == false)
        let uploadError = transferError { () throws(TransferError) in
            try FileTransfer.upload(file: "/nonexistent-dir-for-filetransfer-tests/x", to: url, as: "x")
        }
        #expect(uploadError?.kind == .unsupportedScheme)
    }

    @Test("invalid URLs fail with .invalidURL", arguments: [
        "", "fw.bin", "example.com/fw.bin", "://x", "http://", "http:///path", "http://exa mple.com/fw",
        "https://example.com/fw\n.bin",
    ])
    func invalidURL(url: String) {
        let error = transferError { () throws(TransferError) in
            _ = try FileTransfer.download(from: url, to: "/nonexistent-dir-for-filetransfer-tests/x")
        }
        #expect(error?.kind == .invalidURL)
        #expect(error?.message.contains("\n") == false)
    }

    @Test("schemes are case-insensitive")
    func schemeCase() throws {
        let server = try startServer { _, responder in responder.respond(HTTPResponse(status: 200, body: [1, 2, 3])) }
        defer { server.stop() }
        let directory = try TemporaryDirectory()
        #expect(try FileTransfer.download(from: "HTTP://127.0.0.1:\(server.boundPort)/x", to: directory.file("x")) == 3)
    }

    @Test("redactedURL hides user:password and the query string", arguments: [
        ("ftp://user:s3cret@ftp.example.com/diag/", "ftp://***@ftp.example.com/diag/"),
        ("https://example.com/fw.bin?X-Amz-Signature=abc&X-Amz-Credential=k", "https://example.com/fw.bin?***"),
        ("https://tok@example.com:8443/a#frag", "https://***@example.com:8443/a"),
        ("http://example.com/plain.bin", "http://example.com/plain.bin"),
        ("user:pw@host/x", "***@host/x"),
        ("http://a:b@c@host/x", "http://***@host/x"),
        ("http://host/a\r\nInjected: 1", "http://host/a%0D%0AInjected: 1"),
    ])
    func redaction(url: String, expected: String) {
        #expect(FileTransfer.redactedURL(url) == expected)
    }

    @Test("error messages never carry the password or the query string")
    func errorMessagesAreRedacted() {
        let port = closedPort()
        let download = transferError { () throws(TransferError) in
            _ = try FileTransfer.download(from: "http://admin:s3cretPW@127.0.0.1:\(port)/fw.bin?sig=t0pSecret",
                                          to: "/tmp/filetransfer-tests-never-created")
        }
        #expect(download?.kind == .connectionFailed)
        let message = download?.message ?? ""
        #expect(!message.contains("s3cretPW"))
        #expect(!message.contains("t0pSecret"))
        #expect(!message.contains("admin"))
        #expect(message.contains("http://***@127.0.0.1:\(port)/fw.bin?***"))

        let upload = transferError { () throws(TransferError) in
            try FileTransfer.upload(file: "/etc/hostname", to: "ftp://cp:pa%24%24word@127.0.0.1:\(port)/diag?x=secretQ",
                                    as: "d.txt")
        }
        #expect(upload?.kind == .connectionFailed)
        let uploadMessage = upload?.message ?? ""
        #expect(!uploadMessage.contains("pa%24%24word") && !uploadMessage.contains("pa$$word"))
        #expect(!uploadMessage.contains("secretQ"))
        #expect(uploadMessage.contains("ftp://***@127.0.0.1:\(port)/diag/d.txt?***"))
    }
}
