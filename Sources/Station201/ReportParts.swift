extension Array {
    /// The elements in consecutive parts of `size` (the last may be shorter): how a report too long for one
    /// message (NotifyReport, NotifyDisplayMessages) is split.
    func parts(of size: Int) -> [[Element]] {
        stride(from: 0, to: count, by: size).map { Array(self[$0..<Swift.min($0 + size, count)]) }
    }
}
