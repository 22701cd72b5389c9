/// This folder is also the Swift target WebContent: at build time the EmbedFiles plugin (Plugins/EmbedFiles)
/// turns the page's files beside this one and the package's openapi.yaml into a Swift source of it, so the
/// binary carries them. Being the target's folder, Web/ is watched by SwiftPM: a file added or taken away
/// here is embedded or dropped at the next build. This file is not served (`.swift` is no page type).
public enum WebContent {
    /// Each file by its path in the package (`openapi.yaml`, `Web/index.html`, ...), its bytes in base64.
    public static var files: [(name: String, base64: String)] { embeddedFiles }

    /// The version of the Swift compiler that built the binary, e.g. `6.3.1`.
    public static var swiftVersion: String { embeddedSwiftVersion }
}
