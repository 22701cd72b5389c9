/// Every array in the 2.0.1 schemas has `minItems: 1` ([P4] §4.1.5: an absent list is omitted, never `[]`) and
/// some have a `maxItems`. Synthesized decoders do not count items, so the types holding arrays decode them here.
extension KeyedDecodingContainer {
    func decodeItems<Item: Decodable>(_ type: [Item].Type, forKey key: Key, atMost maxCount: Int = .max) throws
        -> [Item]
    {
        let items = try decode(type, forKey: key)
        try checkCount(of: items, forKey: key, atMost: maxCount)
        return items
    }

    func decodeItemsIfPresent<Item: Decodable>(_ type: [Item].Type, forKey key: Key, atMost maxCount: Int = .max)
        throws -> [Item]?
    {
        guard let items = try decodeIfPresent(type, forKey: key) else {
            return nil
        }
        try checkCount(of: items, forKey: key, atMost: maxCount)
        return items
    }

    /// Too many items is an `invalidValue`: `PayloadError` has no kind for it, and adding one would reopen the
    /// exhaustive CALLERROR mapping of OCPP 1.6.
    private func checkCount<Item>(of items: [Item], forKey key: Key, atMost maxCount: Int) throws {
        if items.isEmpty {
            throw payloadError(.tooFewItems, forKey: key, "must hold at least one item")
        }
        if items.count > maxCount {
            throw payloadError(
                .invalidValue, forKey: key, "holds \(items.count) items, at most \(maxCount) are allowed")
        }
    }
}
