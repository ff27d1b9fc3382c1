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

    /// Other engines' operators are not passed to the store (no FTS5 or tsquery syntax gets through)
    /// and are not searched as words either, which would quietly match nothing: they are refused.
    @Test func otherEnginesOperatorsAreRefusedNotSearched() throws {
        #expect(throws: SearchSyntaxError(query: "title:model", message:
            "'title:' searches one field, which panel does not do: a search reads all of a reference's text; search the words, and narrow with --from, --to, --keyword, --country or --source")) {
            try SearchExpression.parse("title:model")
        }
        #expect(throws: SearchSyntaxError.self) { try SearchExpression.parse("model NEAR(a b)") }
        // A colon elsewhere is punctuation: 'covid:19' is the phrase "covid 19".
        #expect(try SearchExpression.parse("covid:19") == SearchExpression(required: [[.phrase(["covid", "19"])]]))
    }
}
