import Foundation
import Testing
@testable import PanelCore

@Suite("Workflow definitions")
struct WorkflowTests {
    static let repository = Fixtures.root.deletingLastPathComponent()

    func load(_ relative: String) throws -> Workflow {
        let text = try String(contentsOf: Self.repository.appendingPathComponent(relative), encoding: .utf8)
        return try WorkflowFile.parse(text, file: relative)
    }

    func problems(_ relative: String) -> [String] {
        do {
            _ = try load(relative)
            return []
        } catch let failure as ValidationFailure {
            return failure.problems.map(\.description)
        } catch {
            return ["\(error)"]
        }
    }

    @Test func annualReportValidates() throws {
        let workflow = try load("workflows/annual-report.yaml")
        #expect(workflow.id == "annual-report")
        #expect(workflow.stages.map(\.id) == ["scoping", "first-order-draft", "second-order-draft", "final-draft", "summary-approval", "approved"])
        #expect(workflow.initial == "scoping")
        #expect(workflow.stage("approved")?.final == true)
        #expect(workflow.stage("first-order-draft")?.review == ReviewSettings(windowDays: 56, blinding: .single, late: .reject))
        let toSecond = try #require(workflow.stage("first-order-draft")?.transitions.first)
        #expect(toSecond.requires.map(\.name) == ["role-filled", "min-reviews", "min-regional-groups", "all-substantive-answered", "review-editor-signoff", "no-open-conflict"])
    }

    @Test func rapidAssessmentValidates() throws {
        let workflow = try load("workflows/rapid-assessment.yaml")
        #expect(workflow.stages.map(\.id) == ["draft", "expert-review", "approval", "approved"])
        #expect(workflow.stage("expert-review")?.review?.blinding == .double)
    }

    @Test(arguments: [
        ("fixtures/workflows/bad/unknown-names.yaml", [
            "4:5: stage 'draft' has no path to a final stage",
            "5:13: unknown activity 'dancing' (one of: drafting, review, voting, government-review, evidence)",
            "7:9: transition to unknown stage 'reviw'",
            "8:13: unknown role 'president' (one of: co-chair, vice-chair, member, coordinating-lead-author, lead-author, contributing-author, review-editor, reviewer)",
            "11:13: unknown requirement 'quorum-of-cats' (known: \(RequirementRegistry.names.joined(separator: ", ")))",
            "12:5: stage 'done' cannot be reached from the initial stage 'draft'",
        ]),
        ("fixtures/workflows/bad/unreachable.yaml", [
            "8:5: stage 'orphan' cannot be reached from the initial stage 'draft'",
        ]),
        ("fixtures/workflows/bad/no-final.yaml", [
            "1:1: no final stage: mark the last stage 'final: true'",
        ]),
        ("fixtures/workflows/bad/dead-end.yaml", [
            "10:5: stage 'limbo' is not final and has no transitions: assessments would be stuck there",
            "12:5: stage 'loop-a' cannot be reached from the initial stage 'draft'",
            "12:5: stage 'loop-a' has no path to a final stage",
            "16:5: stage 'loop-b' cannot be reached from the initial stage 'draft'",
            "16:5: stage 'loop-b' has no path to a final stage",
        ]),
        ("fixtures/workflows/bad/bad-keys-and-values.yaml", [
            "1:5: workflow id 'Bad_Id' must be lower-case letters, digits and dashes",
            "2:1: unknown key 'colour'",
            "4:5: stage allows 'review' but has no 'review' settings (window-days, blinding)",
            "6:20: 'deadline-days' must be between 1 and 3650, not 0",
            "11:26: 'min-reviews' must be a whole number of at least 1",
            "12:44: 'threshold' must be one of consensus, two-thirds, majority, not 'unanimity'",
            "13:33: 'role' must be one of coordinating-lead-author, lead-author, contributing-author, review-editor, reviewer, not 'janitor'",
            "14:31: 'no-open-conflict' takes no value",
            "15:5: duplicate stage id 'draft' (first at line 4)",
            "19:5: final stage 'done' cannot have transitions",
        ]),
        ("fixtures/workflows/bad/not-yaml.yaml", [
            "3:3: not valid YAML: did not find expected node content (a value is missing here, or a '- ' list item is inside a '[ ]' list)",
        ]),
    ])
    func brokenDefinitionsReportEveryProblem(file: String, expected: [String]) {
        #expect(problems(file) == expected.map { "\(file):\($0)" })
    }

    @Test func graphsCarryRequirementsOnTheEdges() throws {
        let workflow = try load("workflows/rapid-assessment.yaml")
        let dot = WorkflowGraph.dot(workflow)
        #expect(dot.hasPrefix("digraph \"rapid-assessment\" {"))
        #expect(dot.contains("\"expert-review\" -> \"approval\" [label=\"by coordinating-lead-author, co-chair\\nat least 2 reviews\\nreviewers from at least 2 regional groups"))
        #expect(dot.contains("\"approved\" [label=\"Approved\", peripheries=2];"))
        let mermaid = WorkflowGraph.mermaid(workflow)
        #expect(mermaid.hasPrefix("flowchart LR"))
        #expect(mermaid.contains("approval -->|\"by co-chair, vice-chair<br/>no bracketed summary statements<br/>every summary statement decided<br/>vote passed (two-thirds, quorum 50% of members)\"| approved"))
        #expect(mermaid.contains("approved([\"Approved\"])"))
    }

    @Test func everyRequirementHasANameSummaryAndIsUnique() {
        let names = RequirementRegistry.names
        #expect(Set(names).count == names.count)
        #expect(names.count == RequirementRegistry.all.count && names.count >= 13)
        #expect(RequirementRegistry.all.allSatisfy { !$0.summary.isEmpty })
    }
}

@Suite("Typos in declarative files")
struct TypoTests {
    @Test func anUnknownKeyNamesTheKeyThatWasMeant() {
        let text = """
            id: typo
            title: Typo
            inital: draft
            stages:
              - id: draft
                title: Draft
                allows: [drafting]
                transitons:
                  - to: done
                    by: [co-chair]
                    requires: []
              - id: done
                title: Done
                final: true
            """
        #expect(throws: ValidationFailure.self) { try WorkflowFile.parse(text, file: "typo.yaml") }
        do {
            _ = try WorkflowFile.parse(text, file: "typo.yaml")
        } catch {
            let lines = error.problems.map(\.description)
            #expect(lines.contains("typo.yaml:3:1: unknown key 'inital' (did you mean 'initial'?)"), "\(lines)")
            #expect(lines.contains("typo.yaml:8:5: unknown key 'transitons' (did you mean 'transitions'?)"), "\(lines)")
        }
    }

    func problems(_ parse: () throws -> Void) -> [String] {
        do {
            try parse()
            return []
        } catch {
            return (error as? ValidationFailure)?.problems.map(\.description) ?? ["not a ValidationFailure: \(error)"]
        }
    }

    @Test func aReviewFileTypoGetsTheKeyAndTheValueMeant() {
        let lines = problems {
            _ = try ReviewFile.parse("""
                assessment: A-2026-002
                draft: 1
                reviewer: exp-12
                recomendation: accept
                confidence: hihg
                comments:
                  - lines: 7
                    kind: substantve
                    text: Report the number of runs.
                """, file: "r.yaml")
        }
        #expect(lines.contains("r.yaml:4:1: unknown key 'recomendation' (did you mean 'recommendation'?)"), "\(lines)")
        #expect(!lines.contains { $0.contains("missing required key") }, "the misspelt key is reported once: \(lines)")
        #expect(lines.contains { $0.hasPrefix("r.yaml:5:13: 'confidence' must be one of") && $0.hasSuffix("not 'hihg' (did you mean 'high'?)") }, "\(lines)")
        #expect(lines.contains { $0.hasPrefix("r.yaml:8:11:") && $0.hasSuffix("not 'substantve' (did you mean 'substantive'?)") }, "\(lines)")
    }

    @Test func aRosterTypoGetsTheKeyAndTheValueMeant() {
        let lines = problems {
            _ = try RosterFile.parse("""
                members:
                  - id: exp-01
                    name: "Wanjiru Kamau"
                    nationality: KE
                    group: Africn
                    gender: female
                    afiliation: "Nairobi Institute for Data Policy"
                    expertise: [ai-governance]
                    roles: [co-chair]
                """, file: "roster.yaml")
        }
        #expect(lines.contains { $0.hasPrefix("roster.yaml:5:5: unknown regional group 'Africn' (did you mean 'African'?)") }, "\(lines)")
        #expect(lines.contains("roster.yaml:7:5: unknown key 'afiliation' (did you mean 'affiliation'?)"), "\(lines)")
    }

    @Test func aRuleTypoGetsTheKeyAndTheValueMeant() {
        let lines = problems {
            _ = try RuleFile.parse("""
                rules:
                  - id: replication
                    title: Replication
                    status: stable
                    severty: critical
                    watch: reference
                    match:
                      text: ["self-replicat"]
                      formats: [jast]
                    message: "{{title}}"
                """, file: "rules.yaml")
        }
        #expect(lines.contains("rules.yaml:5:5: unknown key 'severty' (did you mean 'severity'?)"), "\(lines)")
        #expect(lines.contains { $0.hasPrefix("rules.yaml:9:") && $0.contains("unknown format 'jast' (did you mean 'jats'?)") }, "\(lines)")
    }

    @Test func aPanelYAMLTypoGetsTheKeyAndTheValueMeant() {
        let lines = problems {
            _ = try WorkspaceConfig.parse("""
                version: 1
                name: Panel
                identiy: os-user
                clock: sytem
                """, file: "panel.yaml")
        }
        #expect(lines.contains("panel.yaml:3:1: unknown key 'identiy' (did you mean 'identity'?)"), "\(lines)")
        #expect(lines.contains { $0.hasPrefix("panel.yaml:4:8: ") && $0.hasSuffix("not 'sytem' (did you mean 'system'?)") }, "\(lines)")
    }

    /// A syntax error, a key typo and a bad value: one pass reports all three,
    /// the syntax error in words.
    @Test func aSyntaxErrorDoesNotHideTheRestOfTheFile() {
        let lines = problems {
            _ = try WorkspaceConfig.parse("version: 1\nname: Panel\n\tinbox: drop\nidentiy: os-user\nclock: sytem\n", file: "panel.yaml")
        }
        #expect(lines.count == 3, "\(lines)")
        #expect(lines.first?.hasPrefix("panel.yaml:3:1: not valid YAML: ") == true, "\(lines)")
        #expect(lines.first?.hasSuffix("(a tab character: YAML indents with spaces only)") == true, "\(lines)")
        #expect(lines.contains("panel.yaml:4:1: unknown key 'identiy' (did you mean 'identity'?)"), "\(lines)")
        #expect(lines.contains { $0.hasPrefix("panel.yaml:5:8: ") && $0.contains("'sytem'") }, "\(lines)")
    }

    /// An unclosed bracket makes every later line an error: only the first is reported.
    @Test func aCascadeOfSyntaxErrorsIsReportedOnce() {
        let lines = problems {
            _ = try WorkspaceConfig.parse("version: 1\nname: [unclosed\ninbox: drop\nidentity: os-user\n", file: "panel.yaml")
        }
        #expect(lines.count == 1, "\(lines)")
    }
}
