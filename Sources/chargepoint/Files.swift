import Glibc

/// Without surrounding ASCII white space: secrets and versions read from files and tools end in a newline.
func trimmingSpace(_ bytes: some Collection<UInt8>) -> [UInt8] {
    let isSpace: (UInt8) -> Bool = { $0 == 0x20 || ($0 >= 0x09 && $0 <= 0x0D) }
    return Array(bytes.drop(while: isSpace).reversed().drop(while: isSpace).reversed())
}
