import Foundation
import Testing
@testable import PanelCore

@Suite("Calibrated language (IPCC AR5)")
struct CalibratedLanguageTests {
    func statements(_ lines: [String]) throws -> [SummaryStatement] {
        let text = lines.enumerated().map { "- \($0.element) {#S\($0.offset + 1)}" }.joined(separator: "\n")
        return try DraftText.read(Array(text.utf8), file: "d.md").get().statements
    }

    @Test func aCleanStatementSetHasNoFindings() throws {
        let read = try statements([
            "Synthetic media rose from 3 to 9 per cent of debunked content (*high confidence*).",
            "It is *likely* that detection will not keep pace before 2028 (*medium confidence*).",
            "It is about as likely as not that comparable behaviour appears within two years.",
            "Provenance standards are supported by robust evidence (very high confidence), as in May 2025.",
        ])
        #expect(CalibratedLanguage.lint(read, rating: .likely).isEmpty)
        #expect(read.map(\.confidence) == [.high, .medium, nil, .veryHigh])
        #expect(read.map(\.likelihood) == [nil, .likely, .aboutAsLikelyAsNot, nil])
    }

    @Test func theLongestTermIsRead() throws {
        let read = try statements([
            "It is very unlikely that X.", "It is extremely likely that Y.", "It is more likely than not that Z.",
            "It is exceptionally unlikely that W (low confidence).", "Unlikely as it is, V is virtually certain.",
        ])
        #expect(read.map(\.likelihood) == [.veryUnlikely, .extremelyLikely, .moreLikelyThanNot, .exceptionallyUnlikely, .virtuallyCertain])
    }

    /// The shipped fixture draft: each kind of finding at its line and column, with the term meant.
    @Test func eachKindOfFindingAtItsLineAndColumn() throws {
        let bytes = try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("drafts/compute-concentration-v1.md")))
        let draft = try DraftText.read([UInt8](bytes), file: "compute.md").get()
        let findings = CalibratedLanguage.lint(draft.statements, rating: nil)
        #expect(findings.map(\.description) == [
            "9:3: S2: no confidence level or likelihood term; add one, e.g. '(*medium confidence*)' or 'It is *likely* that ...'",
            "9:9: S2: 'highly likely' is not on the calibrated scale; did you mean 'very likely' (90-100%)?",
            "10:35: S3: 'may' is an uncalibrated hedge; say how likely with a calibrated term (e.g. 'about as likely as not', 'likely') or give a confidence level",
            "11:3: S4: no confidence level or likelihood term; add one, e.g. '(*medium confidence*)' or 'It is *likely* that ...'",
            "12:3: S5: no confidence level or likelihood term; add one, e.g. '(*medium confidence*)' or 'It is *likely* that ...'",
            "12:46: S5: 'high certainty' is not on the calibrated scale; did you mean 'high confidence'?",
        ])
        #expect(findings.compactMap(\.suggestion) == ["very likely", "high confidence"])
        #expect(Set(findings.map(\.kind)) == [.uncalibrated, .offScale, .hedge])
    }

    @Test func aRatingNoStatementAgreesWithIsReported() throws {
        let read = try statements(["It is *unlikely* that X (medium confidence).", "It is *very unlikely* that Y."])
        let findings = CalibratedLanguage.lint(read, rating: .likely)
        #expect(findings.map(\.description) == [
            "1:1: S1: the assessment's likelihood rating is likely (66-100%), which none of its statements' likelihood terms agrees with (S1: unlikely (0-33%), S2: very unlikely (0-10%))",
        ])
        #expect(CalibratedLanguage.lint(read, rating: .unlikely).isEmpty)
        #expect(CalibratedLanguage.lint(read, rating: nil).isEmpty)
        // Ranges that only touch do not agree: likely (66-100) and about as likely as not (33-66).
        #expect(!CalibratedLanguage.agree(.likely, .aboutAsLikelyAsNot))
        #expect(CalibratedLanguage.agree(.likely, .moreLikelyThanNot))
    }

    @Test func hedgesAreWordsNotParts() throws {
        let read = try statements(["Maybe the mayor could not say (high confidence).", "Possibly; perhaps; might (low confidence)."])
        let findings = CalibratedLanguage.lint(read, rating: nil)
        #expect(findings.map(\.term) == ["could", "Possibly", "perhaps", "might"])
    }

    /// calibrated-statements refuses approval until the lint is clean.
    @Test func theRequirementHoldsOnlyForACleanDraft() throws {
        var assessment = Assessment(id: "A-1", title: "t", kind: .risk, domain: .misinformation, workflow: "w", stage: "s",
                                    stageEnteredAt: "2026-01-01T00:00:00.000Z", openedAt: "2026-01-01T00:00:00.000Z", authors: [],
                                    ratings: Ratings(likelihood: .likely))
        let stage = Stage(id: "s", title: "S", allows: [.drafting], review: nil, deadlineDays: nil, final: false,
                          transitions: [], location: SourceLocation(file: "w", line: 1, column: 1))
        func evaluate() -> RequirementStatus {
            CalibratedStatements().evaluate(RequirementContext(assessment: assessment, stage: stage, members: [], now: Date()))
        }
        #expect(!evaluate().met)
        assessment.drafts = [Draft(version: 1, hash: "h", lines: 2, statementCount: 2, stage: "s", submittedAt: "t", submittedBy: "m")]
        assessment.statements = try statements(["It is highly likely that X.", "It is *likely* that Y (high confidence)."])
        let unmet = evaluate()
        #expect(!unmet.met)
        #expect(unmet.current.hasPrefix("draft 1: 2 findings (S1 line 1:3 uncalibrated; S1 line 1:9 off-scale)"), "\(unmet.current)")
        assessment.statements = try statements(["It is very likely that X.", "It is *likely* that Y (high confidence)."])
        #expect(evaluate().met)
    }
}
