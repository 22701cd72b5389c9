import Glibc

/// A whole file's bytes; nil (errno set) if it cannot be read. Reads to the end rather than trusting the
/// size, which /proc files report as 0.
public func readFile(_ path: String) -> [UInt8]? {
    guard let file = fopen(path, "rb") else { return nil }
    defer { fclose(file) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65536)
    while true {
        let count = fread(&chunk, 1, chunk.count, file)
        if count > 0 { bytes += chunk[..<count] }
        if count < chunk.count {
            if ferror(file) != 0 { return nil }
            return bytes
        }
    }
}
