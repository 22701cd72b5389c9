extension String.UTF8View {
    /// Whether `needle` (lower-case ASCII) occurs in any letter case. It runs on every frame a station
    /// receives, to find the few whose secrets are hidden before anyone is shown them, so it allocates nothing.
    public func contains(ignoringASCIICase needle: StaticString) -> Bool {
        needle.withUTF8Buffer { needle in
            var matched = 0
            for byte in self {
                let lower = byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
                if lower == needle[matched] {
                    matched += 1
                    if matched == needle.count { return true }
                } else {
                    matched = lower == needle[0] ? 1 : 0
                }
            }
            return false
        }
    }
}
