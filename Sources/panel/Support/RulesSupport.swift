import ArgumentParser
import Foundation
import PanelCore

extension CommandContext {
    var rules: [Rule] {
        get throws {
            if let loaded = definitions.rules { return loaded }
            let loaded = try Console.run { try workspace.rules() }
            definitions.rules = loaded
            return loaded
        }
    }

    func runner() throws -> RuleRunner {
        RuleRunner(store: store, rules: try rules, workflows: try workflows, clock: clock, actor: actor)
    }
}

/// `7d`, `2w`, `24h` as whole days (hours round up).
enum Duration {
    static func days(_ text: String) -> Int? {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        guard let unit = trimmed.last, let value = Int(trimmed.dropLast()), value > 0 else { return nil }
        switch unit {
        case "d": return value
        case "w": return value * 7
        case "h": return (value + 23) / 24
        default: return nil
        }
    }

    static func seconds(_ text: String) -> Double? {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        guard let unit = trimmed.last, let value = Double(trimmed.dropLast()), value > 0 else { return nil }
        switch unit {
        case "d": return value * 86_400
        case "w": return value * 7 * 86_400
        case "h": return value * 3_600
        case "m": return value * 60
        default: return nil
        }
    }
}

extension FlagState: ExpressibleByArgument {}
