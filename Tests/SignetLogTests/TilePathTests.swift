import Testing
@testable import SignetLog
import SignetCore

struct TilePathTests {
    @Test(arguments: [
        ("0/000", TilePath.Kind.hashes(level: 0), UInt64(0), 256),
        ("1/x001/x234/067", .hashes(level: 1), 1_234_067, 256),
        ("0/273.p/112", .hashes(level: 0), 273, 112),
        ("63/999.p/255", .hashes(level: 63), 999, 255),
        ("entries/x001/001.p/44", .entries, 1001, 44),
        ("entries/000", .entries, 0, 256),
    ])
    func parsesCanonicalPaths(_ text: String, _ kind: TilePath.Kind, _ index: UInt64, _ width: Int) throws {
        let path = try TilePath(parsing: text)
        #expect(path.kind == kind)
        #expect(path.index == index)
        #expect(path.width == width)
        #expect(path.description == text)
    }

    @Test(arguments: [
        "00/000",          // level with leading zero
        "64/000",          // level out of range
        "0/0",             // index not 3 digits
        "0/x000/005",      // leading zero group
        "0/001/002",       // missing x prefix
        "0/x001",          // x on the last group
        "0/000.p/0",       // width 0
        "0/000.p/256",     // width 256 is a full tile
        "0/000.p/07",      // width with leading zero
        "0/000.p",         // missing width
        "0/-01",
        "0/00a",
        "entries",
        "x/000",
        "0/000/",
        "0//000",
        "0/x018/x446/x744/x073/x709/x551/616",  // overflows UInt64
    ])
    func refusesNonCanonicalPaths(_ text: String) {
        #expect(throws: LogError(.invalidTilePath, "")) { try TilePath(parsing: text) }
    }

    @Test func tileWidthsForSpecExample() {
        // C2SP tlog-tiles: a tree of 70,000 has 273 full level-0 tiles, a partial of 112,
        // one full level-1 tile, a partial of 17 and a level-2 partial of 1.
        #expect(TileMath.width(level: 0, index: 272, treeSize: 70_000) == 256)
        #expect(TileMath.width(level: 0, index: 273, treeSize: 70_000) == 112)
        #expect(TileMath.width(level: 0, index: 274, treeSize: 70_000) == nil)
        #expect(TileMath.width(level: 1, index: 0, treeSize: 70_000) == 256)
        #expect(TileMath.width(level: 1, index: 1, treeSize: 70_000) == 17)
        #expect(TileMath.width(level: 2, index: 0, treeSize: 70_000) == 1)
        #expect(TileMath.width(level: 3, index: 0, treeSize: 70_000) == nil)
        #expect(TileMath.width(level: 0, index: 0, treeSize: 256) == 256)
        #expect(TileMath.width(level: 1, index: 0, treeSize: 256) == 1)
        #expect(TileMath.tiles(treeSize: 70_000).count == 273 + 1 + 1 + 1 + 1)
    }

    @Test func entryBundleRoundTripAndStrictDecoding() throws {
        let entries: [[UInt8]] = [[1], Array(repeating: 7, count: 300), [UInt8](repeating: 9, count: LogLimits.maxEntrySize)]
        let bundle = EntryBundle.encode(entries)
        #expect(try EntryBundle.decode(bundle, count: 3) == entries)
        #expect(throws: LogError.self) { try EntryBundle.decode(bundle, count: 2) }
        #expect(throws: LogError.self) { try EntryBundle.decode(bundle + [0], count: 3) }
        #expect(throws: LogError.self) { try EntryBundle.decode(Array(bundle.dropLast()), count: 3) }
    }
}
