import Foundation
import PackagePlugin

/// Embeds the web page and the REST contract in the binary at build time: the `embed-files` tool writes the
/// files directly in the folder of the target this plugin is applied to (`Web/`, target WebContent) and the
/// package's `openapi.yaml` into one Swift source in the plugin's work folder, so the binary serves them
/// whatever its working directory. Nothing generated is committed. The source also carries the version of
/// the Swift compiler that builds it.
@main
struct EmbedFiles: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: any Target) async throws -> [Command] {
        // The folder is listed here rather than taken from the target's files, which are its Swift sources only.
        let folder = context.package.directoryURL.appending(path: "Web")
        var page: [(name: String, url: URL)] = []
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path()).sorted() where !name.hasPrefix(".") {
            let url = folder.appending(path: name)
            guard !name.hasSuffix(".swift"),
                try FileManager.default.attributesOfItem(atPath: url.path())[.type] as? FileAttributeType == .typeRegular
            else { continue }
            // Named by their path in the package, so a page file can never pass for the contract.
            page.append(("Web/" + name, url))
        }
        let files = [(name: "openapi.yaml", url: context.package.directoryURL.appending(path: "openapi.yaml"))] + page
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedFiles.swift")
        let swiftVersion = try Self.swiftVersion(compiler: try context.tool(named: "swiftc").url)
        return [
            .buildCommand(
                displayName: "Embedding openapi.yaml and \(page.count) files of Web/ in \(target.name)",
                executable: try context.tool(named: "embed-files").url,
                arguments: [output.path(), swiftVersion] + files.flatMap { [$0.name, $0.url.path()] },
                inputFiles: files.map(\.url),
                outputFiles: [output])
        ]
    }

    /// "6.3.1" from `swiftc --version` ("Swift version 6.3.1 (swift-6.3.1-RELEASE)").
    private static func swiftVersion(compiler: URL) throws -> String {
        let process = Process()
        let pipe = Pipe()
        process.executableURL = compiler
        process.arguments = ["--version"]
        process.standardOutput = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let words = output.split(whereSeparator: \.isWhitespace)
        guard let index = words.firstIndex(of: "version"), index + 1 < words.count else {
            throw EmbedFilesError(description: "\(compiler.path()) --version printed no version: \(output)")
        }
        return String(words[index + 1])
    }
}

struct EmbedFilesError: Error, CustomStringConvertible {
    var description: String
}
