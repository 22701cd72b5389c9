import Glibc
import HTTPServer

/// The web page's files, read once at start-up: a few small files, served from memory with no disk
/// access per request. `/` is `index.html`.
public struct StaticFiles: Sendable {
    private var files: [String: HTTPResponse] = [:]

    /// An empty set: the API works without the page.
    public init() {}

    /// Reads the regular files directly inside `directory` (no subfolders, nothing outside it).
    public init(directory: String) throws(StaticFilesError) {
        guard let handle = opendir(directory) else {
            throw StaticFilesError(description: "cannot read the web folder \(directory): \(String(cString: strerror(errno)))")
        }
        defer { closedir(handle) }
        while let entry = readdir(handle) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            guard !name.hasPrefix("."), let type = Self.contentType(of: name),
                let body = Self.read(directory + "/" + name)
            else { continue }
            files["/" + name] = HTTPResponse(
                status: 200, headers: [(name: "Content-Type", value: type), (name: "Cache-Control", value: "no-cache")],
                body: body)
        }
        files["/"] = files["/index.html"]
    }

    func response(for path: String) -> HTTPResponse? { files[path] }

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
        default: nil
        }
    }

    private static func read(_ path: String) -> [UInt8]? {
        guard let file = fopen(path, "rb") else { return nil }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = fread(&chunk, 1, chunk.count, file)
            if count <= 0 { break }
            bytes += chunk[..<count]
        }
        return bytes
    }
}

public struct StaticFilesError: Error, Sendable, CustomStringConvertible {
    public var description: String
}
