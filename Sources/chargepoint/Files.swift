import Glibc

/// The whole file, nil (errno set) if it cannot be read.
func readFile(_ path: String) -> [UInt8]? {
    guard let file = fopen(path, "rb") else { return nil }
    defer { fclose(file) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 16384)
    while true {
        let count = fread(&chunk, 1, chunk.count, file)
        if count > 0 { bytes += chunk[..<count] }
        if count < chunk.count {
            if ferror(file) != 0 { return nil }
            break
        }
    }
    return bytes
}

/// Without surrounding ASCII white space: secrets and versions read from files and tools end in a newline.
func trimmingSpace(_ bytes: some Collection<UInt8>) -> [UInt8] {
    let isSpace: (UInt8) -> Bool = { $0 == 0x20 || ($0 >= 0x09 && $0 <= 0x0D) }
    return Array(bytes.drop(while: isSpace).reversed().drop(while: isSpace).reversed())
}
