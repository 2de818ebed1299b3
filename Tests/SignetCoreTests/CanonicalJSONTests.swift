import Testing
@testable import SignetCore

struct CanonicalJSONTests {
    /// RFC 8785 Appendix B: IEEE 754 bit patterns and their canonical spelling.
    @Test(arguments: [
        (UInt64(0x0000_0000_0000_0000), "0"),
        (0x8000_0000_0000_0000, "0"),
        (0x0000_0000_0000_0001, "5e-324"),
        (0x8000_0000_0000_0001, "-5e-324"),
        (0x7fef_ffff_ffff_ffff, "1.7976931348623157e+308"),
        (0xffef_ffff_ffff_ffff, "-1.7976931348623157e+308"),
        (0x4340_0000_0000_0000, "9007199254740992"),
        (0xc340_0000_0000_0000, "-9007199254740992"),
        (0x4430_0000_0000_0000, "295147905179352830000"),
        (0x44b5_2d02_c7e1_4af5, "9.999999999999997e+22"),
        (0x44b5_2d02_c7e1_4af6, "1e+23"),
        (0x44b5_2d02_c7e1_4af7, "1.0000000000000001e+23"),
        (0x444b_1ae4_d6e2_ef4e, "999999999999999700000"),
        (0x444b_1ae4_d6e2_ef4f, "999999999999999900000"),
        (0x444b_1ae4_d6e2_ef50, "1e+21"),
        (0x3eb0_c6f7_a0b5_ed8c, "9.999999999999997e-7"),
        (0x3eb0_c6f7_a0b5_ed8d, "0.000001"),
        (0x41b3_de43_5555_5553, "333333333.3333332"),
        (0x41b3_de43_5555_5554, "333333333.33333325"),
        (0x41b3_de43_5555_5555, "333333333.3333333"),
        (0x41b3_de43_5555_5556, "333333333.3333334"),
        (0x41b3_de43_5555_5557, "333333333.33333343"),
        (0xbecb_f647_612f_3696, "-0.0000033333333333333333"),
        (0x4314_3ff3_c1cb_0959, "1424953923781206.2"),
    ])
    func numberSerialisation(_ bits: UInt64, _ expected: String) throws {
        #expect(try CanonicalJSON.serialize(number: Double(bitPattern: bits)) == expected)
    }

    @Test(arguments: [Double.nan, .infinity, -.infinity])
    func nonFiniteNumbersAreRefused(_ d: Double) {
        #expect(throws: CanonicalJSON.NonFiniteNumber.self) { try CanonicalJSON.encode(.array([.number(d)])) }
    }

    @Test func rfcSection323SortingExample() throws {
        // RFC 8785 §3.2.3: property names sorted by UTF-16 code units.
        let value = JSONValue.object([
            "\u{20ac}": .string("Euro Sign"), "\r": .string("Carriage Return"), "\u{fb33}": .string("Hebrew Letter Dalet With Dagesh"),
            "1": .string("One"), "\u{1f600}": .string("Emoji: Grinning Face"), "\u{0080}": .string("Control"),
            "\u{00f6}": .string("Latin Small Letter O With Diaeresis"),
        ])
        let expected = "{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\u{0080}\":\"Control\",\"\u{00f6}\":\"Latin Small Letter O With Diaeresis\",\"\u{20ac}\":\"Euro Sign\",\"\u{1f600}\":\"Emoji: Grinning Face\",\"\u{fb33}\":\"Hebrew Letter Dalet With Dagesh\"}"
        #expect(String(decoding: try CanonicalJSON.encode(value), as: UTF8.self) == expected)
    }

    @Test func rfcSection322Example() throws {
        // RFC 8785 §3.2.2 sample: numbers, string escapes and literals.
        let value = JSONValue.object([
            "numbers": .array([.number(333333333.33333329), .number(1E30), .number(4.50), .number(2e-3), .number(0.000000000000000000000000001)]),
            "string": .string("\u{20ac}$\u{000F}\nA'B\"\\\\\"/"),
            "literals": .array([.null, .bool(true), .bool(false)]),
        ])
        let expected = #"{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"}"#
        #expect(String(decoding: try CanonicalJSON.encode(value), as: UTF8.self) == expected)
    }
}
