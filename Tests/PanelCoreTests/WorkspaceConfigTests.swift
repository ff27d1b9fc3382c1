import Foundation
import Testing
@testable import PanelCore

@Suite("panel.yaml")
struct WorkspaceConfigTests {
    @Test func shippedFixtureConfigIsValid() throws {
        let text = try String(contentsOfFile: Fixtures.path("panel.yaml"), encoding: .utf8)
        let config = try WorkspaceConfig.parse(text, file: "panel.yaml")
        #expect(config.mappings.count == 1)
        #expect(config.mappings.first?.record == ["incident"])
    }

    /// `store:` is a path, a postgresql:// URL (any case), or {postgres: URL}; never a mistyped
    /// scheme taken for a file name, never a password (and a password is never repeated).
    @Test func theStoreIsAPathOrAPostgreSQLURL() throws {
        func store(_ value: String) throws(ValidationFailure) -> String {
            try WorkspaceConfig.parse("version: 1\nname: x\nstore: \(value)\n", file: "p.yaml").store
        }
        #expect(try store(".panel/panel.sqlite") == ".panel/panel.sqlite")
        #expect(try store("\"PostgreSQL://panel@db/un\"") == "PostgreSQL://panel@db/un")
        #expect(try store("{postgres: \"postgresql://panel@db/un?schema=p\"}") == "postgresql://panel@db/un?schema=p")
        for (value, message) in [
            ("\"postgresq://panel@db/un\"", "p.yaml:3:8: 'store': 'postgresq://' is not a store: give a path for the embedded SQLite file or a postgresql:// URL"),
            ("\"postgresql://panel:hunter2@db/un\"", "p.yaml:3:8: 'store': a store URL must not carry a password: set PGPASSWORD or use a .pgpass file"),
            ("\"postgresql://panel@db/un?password=hunter2\"", "p.yaml:3:8: 'store': a store URL must not carry a password: set PGPASSWORD or use a .pgpass file"),
            ("{postgres: 5}", "p.yaml:3:19: 'postgres' must be a postgresql://USER@HOST:PORT/DATABASE URL"),
        ] {
            #expect(throws: ValidationFailure.self) { try store(value) }
            do {
                _ = try store(value)
            } catch {
                #expect(error.problems.map(\.description) == [message])
            }
        }
    }

    @Test func defaultConfigRoundTrips() throws {
        let config = WorkspaceConfig(name: "Panel \"quoted\"")
        #expect(try WorkspaceConfig.parse(config.yaml(), file: "p.yaml") == config)
    }

    @Test func everyProblemIsReportedWithItsPosition() {
        let text = """
            version: 1
            name: x
            colour: blue
            references:
              mappings:
                - name: m
                  root: r
                  fields:
                    title: "count(//["
                    shoe-size: "1"
            """
        #expect(throws: ValidationFailure.self) { try WorkspaceConfig.parse(text, file: "p.yaml") }
        do {
            _ = try WorkspaceConfig.parse(text, file: "p.yaml")
        } catch {
            let lines = error.problems.map(\.description)
            #expect(lines.contains("p.yaml:3:1: unknown key 'colour'"))
            #expect(lines.contains { $0.hasPrefix("p.yaml:9:16: invalid XPath 'count(//['") })
            #expect(lines.contains { $0.hasPrefix("p.yaml:10:9: unknown field 'shoe-size'") })
            #expect(lines.count == 3)
        }
    }

    @Test func notYAMLIsReportedWithItsLine() {
        do {
            _ = try WorkspaceConfig.parse("version: 1\nname: [unclosed\n", file: "p.yaml")
            Issue.record("accepted broken YAML")
        } catch {
            #expect(error.problems.count == 1)
            #expect(error.problems[0].description.hasPrefix("p.yaml:"))
            #expect(error.problems[0].message.hasPrefix("not valid YAML"))
        }
    }

    @Test func missingNameAndWrongVersion() {
        do {
            _ = try WorkspaceConfig.parse("version: 2\n", file: "p.yaml")
            Issue.record("accepted")
        } catch {
            let messages = error.problems.map(\.message)
            #expect(messages.contains("unsupported version 2; this panel reads version 1"))
            #expect(messages.contains("missing required key 'name'"))
        }
    }
}

@Suite("YAML errors where they are")
struct YAMLPositionTests {
    @Test func aControlCharacterIsReportedAtItsLineAndColumn() {
        #expect(throws: ValidationFailure([Problem(SourceLocation(file: "p.yaml", line: 2, column: 9),
                                                   "not valid YAML: control characters are not allowed (0x01)")])) {
            try WorkspaceConfig.parse("version: 1\nname: \"x\u{01}y\"\n", file: "p.yaml")
        }
    }
}

/// YAML is composed without Yams's regular-expression resolver: this reader reads booleans,
/// numbers and nulls from the text itself, as the resolver did (YAML 1.1's words, plain scalars only).
@Suite("YAML scalars read from their text")
struct YAMLScalarTests {
    func requireSignature(_ value: String) throws(ValidationFailure) -> Bool {
        try WorkspaceConfig.parse("version: 1\nname: x\nreviews:\n  require-signature: \(value)\n", file: "p.yaml").requireSignature
    }

    @Test func booleansAreYAMLWordsWrittenPlain() throws {
        for word in ["true", "True", "TRUE", "yes", "Yes", "on", "ON"] { #expect(try requireSignature(word) == true, "\(word)") }
        for word in ["false", "False", "no", "NO", "off", "Off"] { #expect(try requireSignature(word) == false, "\(word)") }
        for value in ["\"true\"", "'yes'", "1", "tRuE", "y"] {
            #expect(throws: ValidationFailure.self, "\(value)") { try requireSignature(value) }
        }
        do {
            _ = try requireSignature("\"true\"")
        } catch {
            #expect(error.shown == ["p.yaml:4:22: 'require-signature' must be true or false"])
        }
    }

    @Test func wholeNumbersAndRangesStillRead() throws {
        let config = try WorkspaceConfig.parse("version: 1\nname: x\nreviews:\n  max-comments: 0x10\n  max-file-mb: 2\n", file: "p.yaml")
        #expect(config.reviewLimits.maxComments == 16)
        #expect(config.reviewLimits.maxFileBytes == 2 << 20)
        #expect(throws: ValidationFailure.self) {
            try WorkspaceConfig.parse("version: 1\nname: x\nreviews:\n  max-comments: many\n", file: "p.yaml")
        }
    }
}

@Suite("Shapes of ids, codes and dates")
struct TextPatternTests {
    @Test func slugs() {
        for good in ["a", "exp-01", "annual-report", "a-"] { #expect(TextPatterns.isSlug(good), "\(good)") }
        for bad in ["", "Exp-01", "1a", "-a", "exp_01", "exp-01\n", "exp 01", "café", "exp-０1"] { #expect(!TextPatterns.isSlug(bad), "\(bad)") }
    }

    @Test func countryCodes() {
        for good in ["KE", "FR"] { #expect(TextPatterns.isCountryCode(good)) }
        for bad in ["", "K", "KEN", "ke", "KE\n", "Ké"] { #expect(!TextPatterns.isCountryCode(bad), "\(bad)") }
    }

    @Test func logins() {
        for good in ["jdoe", "_svc", "j.doe-2", "a_b"] { #expect(TextPatterns.isLogin(good), "\(good)") }
        for bad in ["", "JDoe", "1abc", ".x", "j doe", "jdoe\n"] { #expect(!TextPatterns.isLogin(bad), "\(bad)") }
    }

    @Test func partialDates() {
        for good in ["2026", "2026-11", "2026-11-30"] { #expect(TextPatterns.isPartialDate(good), "\(good)") }
        for bad in ["", "26", "2026-1", "2026-11-3", "2026/11/30", "2026-11-30\n", "٢٠٢٦", "2026-11-30T00"] {
            #expect(!TextPatterns.isPartialDate(bad), "\(bad)")
        }
    }
}

/// The folders panel.yaml names are read or refused, never taken as empty: a cron job whose
/// rules folder went missing must not go on issuing nothing.
@Suite("Workflow and rule folders")
struct WorkspaceFolderTests {
    func workspace() throws -> (Workspace, URL) {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("panel-folders-\(UUID().uuidString)")
        return (try Workspace.create(at: root, name: "folders"), root)
    }

    @Test func aNewWorkspaceHasEmptyFoldersAndNoRules() throws {
        let (workspace, root) = try workspace()
        defer { try? FileManager.default.removeItem(at: root) }
        #expect(try workspace.rules().isEmpty)
        #expect(try workspace.workflows().isEmpty)
    }

    @Test func aMissingRulesFolderIsAnError() throws {
        let (workspace, root) = try workspace()
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.removeItem(at: workspace.rulesURL)
        do {
            _ = try workspace.rules()
            Issue.record("a missing rules folder was read as no rules")
        } catch let error as ValidationFailure {
            #expect(error.shown == ["\(workspace.rulesURL.path): the rules folder does not exist (panel.yaml's 'rules'; an empty folder is allowed)"])
        }
    }

    @Test func anUnreadableWorkflowFileIsNamed() throws {
        let (workspace, root) = try workspace()
        defer { try? FileManager.default.removeItem(at: root) }
        let broken = workspace.workflowsURL.appendingPathComponent("broken.yaml")
        try FileManager.default.createSymbolicLink(atPath: broken.path, withDestinationPath: root.appendingPathComponent("gone").path)
        do {
            _ = try workspace.workflows()
            Issue.record("an unreadable workflow file was skipped")
        } catch let error as ValidationFailure {
            #expect(error.shown == ["\(broken.path):1:1: cannot read the file"])
        }
    }
}

/// Finding the workspace: --workspace, then PANEL_WORKSPACE, then the nearest panel.yaml upward.
@Suite("Locating the workspace")
struct WorkspaceLocationTests {
    @Test func theWorkspaceIsFoundByFlagEnvironmentOrUpward() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("panel-locate-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let workspace = try Workspace.create(at: root.appendingPathComponent("ws"), name: "located")
        let nested = root.appendingPathComponent("ws/inbox/deeper")
        try FileManager.default.createDirectory(at: nested, withIntermediateDirectories: true)
        let expected = workspace.root.path
        #expect(try Workspace.locate(explicit: "../ws/./", environment: [:], currentDirectory: root.appendingPathComponent("ws").path).root.path == expected)
        #expect(try Workspace.locate(explicit: nil, environment: ["PANEL_WORKSPACE": "ws"], currentDirectory: root.path).root.path == expected)
        #expect(try Workspace.locate(explicit: nil, environment: [:], currentDirectory: nested.path).root.path == expected)
        #expect(try Workspace.locate(explicit: nil, environment: [:], currentDirectory: nested.path + "/../deeper/.").config.name == "located")
        #expect(throws: WorkspaceError.self) { try Workspace.locate(explicit: nil, environment: [:], currentDirectory: root.path) }
        #expect(throws: WorkspaceError.self) { try Workspace.locate(explicit: root.path, environment: [:], currentDirectory: "/") }
    }
}
