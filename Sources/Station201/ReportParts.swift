extension Array {
    /// The elements in consecutive parts of `size` (the last may be shorter): how a report too long for one
    /// message (NotifyReport, NotifyDisplayMessages) is split.
    func parts(of size: Int) -> [[Element]] {
        stride(from: 0, to: count, by: size).map { Array(self[$0..<Swift.min($0 + size, count)]) }
    }

    /// The `tbc` of the part at `index` among these parts: true on all but the last, left out on the last
    /// [B07.FR.04], as every message sent in parts marks it.
    func toBeContinued(after index: Int) -> Bool? {
        index < count - 1 ? true : nil
    }
}
