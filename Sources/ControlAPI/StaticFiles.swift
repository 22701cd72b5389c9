import Certificates
import Glibc
import HTTPServer
import Threads
import WebContent

/// The web page's files, served from memory with no disk access per request. `/` is `index.html`.
///
/// By default they are the files of `Web/` embedded in the binary at build time (the EmbedFiles plugin), so
/// the page is served whatever the working directory; a folder given with `--web-root` replaces them, for
/// working on the page without rebuilding.
public struct StaticFiles: Sendable {
    /// nil for the embedded files, which are decoded at the first request for one of them rather than at
    /// start: decoding them took a millisecond of every start, also of the stations nobody opens the page of.
    private var files: [String: HTTPResponse]?

    /// The page as `Web/` held it when the binary was built.
    public static let embedded = StaticFiles(files: nil)

    private static let embeddedFiles = files(
        WebContent.files.compactMap { file in
            file.name.hasPrefix(webFolder) ? (String(file.name.dropFirst(webFolder.count)), decoded(file)) : nil
        })

    /// `openapi.yaml` as it was when the binary was built: the contract this binary follows.
    static let contract: HTTPResponse = {
        guard let file = WebContent.files.first(where: { $0.name == "openapi.yaml" }), let type = contentType(of: file.name)
        else { preconditionFailure("the EmbedFiles plugin embedded no openapi.yaml") }
        return response(type, decoded(file))
    }()

    private static let webFolder = "Web/"

    /// Reads the regular files directly inside `directory` (no subfolders, nothing outside it).
    public init(directory: String) throws(StaticFilesError) {
        guard let handle = opendir(directory) else {
            throw StaticFilesError(description: "cannot read the web folder \(directory): \(String(cString: strerror(errno)))")
        }
        defer { closedir(handle) }
        var found: [(name: String, body: [UInt8])] = []
        while let entry = readdir(handle) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            guard !name.hasPrefix("."), let body = readFile(directory + "/" + name) else { continue }
            found.append((name, body))
        }
        self.init(files: Self.files(found))
    }

    private init(files: [String: HTTPResponse]?) {
        self.files = files
    }

    /// Files by name; those of an unknown type and hidden ones are left out.
    private static func files(_ named: [(name: String, body: [UInt8])]) -> [String: HTTPResponse] {
        var files: [String: HTTPResponse] = [:]
        for (name, body) in named where !name.hasPrefix(".") {
            guard let type = contentType(of: name) else { continue }
            files["/" + name] = response(type, body)
        }
        files["/"] = files["/index.html"]
        return files
    }

    func response(for path: String) -> HTTPResponse? { (files ?? Self.embeddedFiles)[path] }

    private static func response(_ contentType: String, _ body: [UInt8]) -> HTTPResponse {
        HTTPResponse(
            status: 200, headers: [(name: "Content-Type", value: contentType), (name: "Cache-Control", value: "no-cache")],
            body: body)
    }

    private static func decoded(_ file: (name: String, base64: String)) -> [UInt8] {
        guard let bytes = Base64.decode(file.base64) else {
            preconditionFailure("the EmbedFiles plugin wrote invalid base64 for \(file.name)")
        }
        return bytes
    }

    private static func contentType(of name: String) -> String? {
        guard let dot = name.lastIndex(of: ".") else { return nil }
        return switch name[name.index(after: dot)...] {
        case "html": "text/html; charset=utf-8"
        case "js": "text/javascript; charset=utf-8"
        case "css": "text/css; charset=utf-8"
        case "svg": "image/svg+xml"
        case "png": "image/png"
        case "ico": "image/x-icon"
        case "json": "application/json"
        case "yaml": "application/yaml"
        default: nil
        }
    }
}

public struct StaticFilesError: Error, Sendable, CustomStringConvertible {
    public var description: String
}
