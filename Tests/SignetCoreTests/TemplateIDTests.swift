import SignetCore
import Testing

struct TemplateIDTests {
    @Test func randomIDsParseBackAndDiffer() {
        let id = TemplateID.random(using: SeededRandomBytes(seed: [9]))
        #expect(TemplateID(id.rawValue) == id)
        #expect(id.rawValue.hasPrefix("t_") && id.rawValue.count == 24)
        #expect(TemplateID.random() != TemplateID.random())
    }

    @Test(arguments: ["", "t_", "t1", "h_AAAAAAAAAAAAAAAAAAAAAA", "t_AAAAAAAAAAAAAAAAAAAAA", "t_AAAAAAAAAAAAAAAAAAAAAAA", "t_AAAAAAAAAAAAAAAAAAAAA=", "t_AAAAAAAAAAAAAAAAAAAA+/"])
    func otherTextIsNoID(_ text: String) {
        #expect(TemplateID(text) == nil)
    }
}
