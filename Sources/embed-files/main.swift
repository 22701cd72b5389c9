import Foundation

/// The build tool of the EmbedFiles plugin:
/// `embed-files OUTPUT SWIFT_VERSION NAME PATH [NAME PATH ...]` writes OUTPUT, a Swift source that holds
/// each file as base64 under its name, and the compiler version. Base64 in one string literal keeps any
/// file (images too) and compiles fast, unlike a byte array literal.
let arguments = CommandLine.arguments
guard arguments.count >= 3, arguments.count % 2 == 1 else {
    FileHandle.standardError.write(Data("usage: embed-files OUTPUT SWIFT_VERSION [NAME PATH]...\n".utf8))
    exit(2)
}
var source = """
    // Generated at build time by the EmbedFiles plugin (Plugins/EmbedFiles): do not edit.

    let embeddedSwiftVersion = "\(arguments[2])"

    let embeddedFiles: [(name: String, base64: String)] = [

    """
for index in stride(from: 3, to: arguments.count, by: 2) {
    let (name, path) = (arguments[index], arguments[index + 1])
    guard let contents = FileManager.default.contents(atPath: path) else {
        FileHandle.standardError.write(Data("embed-files: cannot read \(path)\n".utf8))
        exit(1)
    }
    guard !name.contains(where: { $0 == "\"" || $0 == "\\" || $0.isNewline }) else {
        FileHandle.standardError.write(Data("embed-files: \(path): a name with quotes, backslashes or line breaks cannot be served\n".utf8))
        exit(1)
    }
    source += "    (\"\(name)\", \"\(contents.base64EncodedString())\"),\n"
}
source += "]\n"
do {
    try Data(source.utf8).write(to: URL(filePath: arguments[1]), options: .atomic)
} catch {
    FileHandle.standardError.write(Data("embed-files: cannot write \(arguments[1]): \(error)\n".utf8))
    exit(1)
}
