import Testing
import PanelCore
@testable import PanelRelational

/// Query-table records decoded many at once (on every core) come back as one by one would:
/// in order, equal, and failing on the first undecodable row by that order, named.
@Suite("Decoding query-table records")
struct StoreCodingTests {
    func rows(_ count: Int) throws -> [(key: String, text: String)] {
        try (0..<count).map { index in
            let id = "exp-\(index)"
            let member = Member(id: id, name: "Member \(index)", nationality: "KE", group: .african, gender: .female, affiliation: "U\(index)")
            return (id, try StoreCoding.encode(member))
        }
    }

    @Test(arguments: [0, 1, 7, 16, 17, 100])
    func manyAtOnceEqualOneByOne(count: Int) throws {
        let rows = try rows(count)
        let together = try StoreCoding.decodeAll(Member.self, rows, table: "member")
        let oneByOne = try rows.map { try StoreCoding.decode(Member.self, $0.text, table: "member", key: $0.key) }
        #expect(together == oneByOne)
        #expect(together.map(\.id) == (0..<count).map { "exp-\($0)" })
    }

    @Test func theFirstBadRowByOrderIsTheError() throws {
        var rows = try rows(100)
        rows[61].text = "{\"id\": 5}"
        rows[13].text = "not json"
        rows[40].text = String(rows[40].text.dropLast())
        do {
            _ = try StoreCoding.decodeAll(Member.self, rows, table: "member")
            Issue.record("three undecodable rows were decoded")
        } catch StoreError.undecodable(let table, let key, _) {
            #expect(table == "member")
            #expect(key == "exp-13")
        }
    }
}
