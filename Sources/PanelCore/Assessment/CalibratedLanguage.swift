import Foundation

/// IPCC AR5 confidence levels (Mastrandrea et al. 2010), in scale order.
public enum ConfidenceLevel: String, CaseIterable, Codable, Sendable, Comparable {
    case veryLow = "very-low"
    case low
    case medium
    case high
    case veryHigh = "very-high"

    /// As written in a draft: "very high confidence".
    public var phrase: String { rawValue.replacingOccurrences(of: "-", with: " ") + " confidence" }

    public static func < (lhs: ConfidenceLevel, rhs: ConfidenceLevel) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

extension Likelihood {
    /// As written in a draft: "about as likely as not".
    public var phrase: String { rawValue.replacingOccurrences(of: "-", with: " ") }

    /// "likely (66-100%)".
    public var phraseWithRange: String { "\(phrase) (\(rangeText))" }

    /// "66-100%".
    public var rangeText: String {
        let low = range.lowerBound, high = range.upperBound
        return "\(low == 50 ? ">50" : String(Int(low)))-\(Int(high))%"
    }
}

/// What the language lint found in one summary statement.
public struct LanguageFinding: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable, CaseIterable {
        /// Neither a confidence level nor a likelihood term.
        case uncalibrated
        /// A term that sounds calibrated but is not on the scale ("highly likely").
        case offScale = "off-scale"
        /// An uncalibrated hedge ("may", "could").
        case hedge
        /// The assessment's likelihood rating agrees with none of its statements' terms.
        case ratingDisagrees = "rating-disagrees"
    }

    public var kind: Kind
    public var statement: String
    public var line: Int
    /// 1-based, in characters of the draft line.
    public var column: Int
    /// The words found (empty for `uncalibrated`).
    public var term: String
    /// The calibrated term meant, where there is one.
    public var suggestion: String?
    public var message: String

    public init(kind: Kind, statement: String, line: Int, column: Int, term: String, suggestion: String?, message: String) {
        self.kind = kind
        self.statement = statement
        self.line = line
        self.column = column
        self.term = term
        self.suggestion = suggestion
        self.message = message
    }

    /// `7:12: S2: message`.
    public var description: String { "\(line):\(column): \(statement): \(message)" }
}

/// The IPCC AR5 uncertainty guidance as a lint over summary statements: each
/// statement carries a confidence level or a likelihood term (or both), terms
/// off the scale are named with the calibrated term meant, and hedges that
/// carry no calibrated meaning are reported. Pure: text in, values out.
public enum CalibratedLanguage {
    /// Terms that sound calibrated but are not on the scale, with the calibrated term meant.
    static let offScale: [(term: String, meant: String)] = [
        ("very high certainty", "very high confidence"),
        ("high certainty", "high confidence"),
        ("medium certainty", "medium confidence"),
        ("moderate certainty", "medium confidence"),
        ("low certainty", "low confidence"),
        ("moderate confidence", "medium confidence"),
        ("highly likely", "very likely"),
        ("highly unlikely", "very unlikely"),
        ("highly probable", "very likely"),
        ("very probable", "very likely"),
        ("almost certain", "virtually certain"),
        ("almost certainly", "virtually certain"),
        ("near certain", "virtually certain"),
        ("most likely", "likely"),
        ("quite likely", "likely"),
        ("fairly likely", "likely"),
        ("somewhat likely", "more likely than not"),
        ("improbable", "unlikely"),
        ("probable", "likely"),
    ]

    static let hedges = ["may", "might", "could", "possibly", "probably", "perhaps"]

    /// A statement's calibrated values and what the lint finds in its line.
    public static func read(statement id: String, line: Int, text lineText: String) -> (confidence: ConfidenceLevel?, likelihood: Likelihood?, findings: [LanguageFinding]) {
        var taken: [Range<String.Index>] = []
        var findings: [LanguageFinding] = []
        func column(_ index: String.Index) -> Int { lineText.distance(from: lineText.startIndex, to: index) + 1 }
        func free(_ range: Range<String.Index>) -> Bool { !taken.contains { $0.overlaps(range) } }

        // Off-scale terms first: "highly likely" is not "likely".
        for (term, meant) in offScale {
            for range in wordRanges(of: term, in: lineText) where free(range) {
                taken.append(range)
                let scale = Likelihood.allCases.first { $0.phrase == meant }.map { " (\($0.rangeText))" } ?? ""
                findings.append(LanguageFinding(
                    kind: .offScale, statement: id, line: line, column: column(range.lowerBound), term: String(lineText[range]),
                    suggestion: meant,
                    message: "'\(lineText[range])' is not on the calibrated scale; did you mean '\(meant)'\(scale)?"))
            }
        }
        var confidence: ConfidenceLevel?
        for level in ConfidenceLevel.allCases.reversed() {   // "very high" before "high"
            for range in wordRanges(of: level.phrase, in: lineText) where free(range) {
                taken.append(range)
                confidence = confidence ?? level
            }
        }
        var likelihood: Likelihood?
        // Longest first, so "very unlikely" is not read as "unlikely".
        for term in Likelihood.allCases.sorted(by: { $0.phrase.count > $1.phrase.count }) {
            for range in wordRanges(of: term.phrase, in: lineText) where free(range) {
                taken.append(range)
                likelihood = likelihood ?? term
            }
        }
        for hedge in hedges {
            for range in wordRanges(of: hedge, in: lineText) where free(range) {
                // "May 2026" is a month.
                if hedge == "may", lineText[range] == "May",
                   lineText[range.upperBound...].drop(while: { $0 == " " }).first?.isNumber == true { continue }
                findings.append(LanguageFinding(
                    kind: .hedge, statement: id, line: line, column: column(range.lowerBound), term: String(lineText[range]),
                    suggestion: nil,
                    message: "'\(lineText[range])' is an uncalibrated hedge; say how likely with a calibrated term (e.g. 'about as likely as not', 'likely') or give a confidence level"))
            }
        }
        if confidence == nil && likelihood == nil {
            let start = lineText.firstIndex { !" \t-*+".contains($0) } ?? lineText.startIndex
            findings.append(LanguageFinding(
                kind: .uncalibrated, statement: id, line: line, column: column(start), term: "", suggestion: nil,
                message: "no confidence level or likelihood term; add one, e.g. '(*medium confidence*)' or 'It is *likely* that ...'"))
        }
        findings.sort { ($0.column, $0.kind.rawValue) < ($1.column, $1.kind.rawValue) }
        return (confidence, likelihood, findings)
    }

    /// Every finding for a draft's statements, with the assessment's likelihood rating checked
    /// against the statements' likelihood terms (they agree when their ranges overlap).
    public static func lint(_ statements: [SummaryStatement], rating: Likelihood?) -> [LanguageFinding] {
        var findings = statements.flatMap { $0.findings ?? [] }
        if let rating {
            let rated = statements.filter { $0.likelihood != nil }
            if let first = rated.first, !rated.contains(where: { agree(rating, $0.likelihood!) }) {
                let terms = rated.map { "\($0.id): \($0.likelihood!.phraseWithRange)" }.joined(separator: ", ")
                findings.append(LanguageFinding(
                    kind: .ratingDisagrees, statement: first.id, line: first.line, column: 1, term: first.likelihood!.phrase,
                    suggestion: nil,
                    message: "the assessment's likelihood rating is \(rating.phraseWithRange), which none of its statements' likelihood terms agrees with (\(terms))"))
            }
        }
        return findings.sorted { ($0.line, $0.column) < ($1.line, $1.column) }
    }

    /// Two likelihood terms agree when their probability ranges overlap by more than a point.
    static func agree(_ a: Likelihood, _ b: Likelihood) -> Bool {
        min(a.range.upperBound, b.range.upperBound) > max(a.range.lowerBound, b.range.lowerBound)
    }

    /// Case-insensitive occurrences of `phrase` as whole words (any run of spaces between its words).
    static func wordRanges(of phrase: String, in text: String) -> [Range<String.Index>] {
        var result: [Range<String.Index>] = []
        var searchStart = text.startIndex
        while let found = text.range(of: phrase, options: [.caseInsensitive], range: searchStart..<text.endIndex) {
            let before = found.lowerBound == text.startIndex ? nil : text[text.index(before: found.lowerBound)]
            let after = found.upperBound == text.endIndex ? nil : text[found.upperBound]
            if !(before.map(isWordCharacter) ?? false) && !(after.map(isWordCharacter) ?? false) {
                result.append(found)
            }
            searchStart = found.upperBound
        }
        return result
    }

    static func isWordCharacter(_ character: Character) -> Bool {
        character.isLetter || character.isNumber || character == "-"
    }
}
