import Testing
@testable import PanelCore

@Suite("Search expressions")
struct SearchExpressionTests {
    @Test func wordsAreAllRequired() throws {
        #expect(try SearchExpression.parse("Election  disinformation") == SearchExpression(required: [
            [.word("election", prefix: false)], [.word("disinformation", prefix: false)],
        ]))
    }

    @Test func phrasesAlternativesExclusionsAndPrefixes() throws {
        let expression = try SearchExpression.parse(#""voice cloning" OR deepfake -satire NOT parody evalu* covid-19 AND risk"#)
        #expect(expression == SearchExpression(
            required: [
                [.phrase(["voice", "cloning"]), .word("deepfake", prefix: false)],
                [.word("evalu", prefix: true)], [.phrase(["covid", "19"])], [.word("risk", prefix: false)],
            ],
            excluded: [.word("satire", prefix: false), .word("parody", prefix: false)]))
        #expect(expression.description == #""voice cloning" OR deepfake evalu* "covid 19" risk -satire -parody"#)
    }

    @Test(arguments: [
        ("", "nothing to search for"),
        ("OR deepfake", "OR needs a word or phrase on each side"),
        ("deepfake OR", "OR needs a word or phrase on each side"),
        (#""voice cloning"#, "a quoted phrase is not closed"),
        ("-satire", "a search needs at least one word that is not excluded"),
        ("deepfake NOT", "NOT must be followed by a word or phrase to exclude"),
        (#"a """#, "an empty phrase \"\" matches nothing"),
    ])
    func malformedQueriesSayWhy(query: String, message: String) {
        #expect(throws: SearchSyntaxError(query: query, message: message)) { try SearchExpression.parse(query) }
    }

    @Test func storeOperatorsAreJustWords() throws {
        // FTS5's column filters and NEAR groups are not operators here.
        #expect(try SearchExpression.parse("title:model NEAR(a b)") == SearchExpression(required: [
            [.phrase(["title", "model"])], [.phrase(["near", "a"])], [.word("b", prefix: false)],
        ]))
    }
}
