@testable import SignetCore
import Testing

struct BoundedCacheTests {
    @Test func evictsFirstInFirstOutByCost() {
        let cache = BoundedCache<String, [UInt8]>(capacity: 10, cost: \.count)
        cache.put("a", [1, 1, 1, 1])
        cache.put("b", [2, 2, 2, 2])
        #expect(cache.get("a") == [1, 1, 1, 1])
        cache.put("c", [3, 3, 3, 3])  // 12 > 10: the oldest goes, even though it was just read
        #expect(cache.get("a") == nil)
        #expect(cache.get("b") == [2, 2, 2, 2])
        #expect(cache.get("c") == [3, 3, 3, 3])
    }

    @Test func keepsTheFirstValueAndRefusesOversizedOnes() {
        let cache = BoundedCache<Int, [UInt8]>(capacity: 4, cost: \.count)
        cache.put(1, [1])
        cache.put(1, [9])
        #expect(cache.get(1) == [1])
        cache.put(2, [0, 0, 0, 0, 0])
        #expect(cache.get(2) == nil)
        #expect(cache.get(1) == [1])
    }

    @Test func countsEntriesByDefaultAndSurvivesManyEvictions() {
        let cache = BoundedCache<Int, Int>(capacity: 100)
        for i in 0..<10_000 { cache.put(i, i * 2) }
        #expect(cache.get(9_999) == 19_998)
        #expect(cache.get(9_900) == 19_800)
        #expect(cache.get(9_899) == nil)
    }

    /// A key removed and put again, as the key cache does every few seconds, must not grow the
    /// eviction order without bound.
    @Test func removingAndPuttingAgainStaysBounded() {
        let cache = BoundedCache<String, Int>(capacity: 100_000)
        for round in 0..<50_000 {
            cache.remove("h_alice")
            cache.put("h_alice", round)
            cache.put("h_bob", round)
        }
        #expect(cache.get("h_alice") == 49_999)
        #expect(cache.get("h_bob") == 0)
        #expect(cache.orderedPlaces <= 2 * 2 + 4096 + 1)
    }
}
