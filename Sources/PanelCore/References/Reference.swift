/// The source format a reference came from.
public enum ReferenceFormat: String, Codable, Sendable, CaseIterable {
    case jats, akn, pubmed, crossref, atom, rss, generic
}

/// A stable identifier of the thing a reference describes.
public struct ReferenceIdentifier: Hashable, Codable, Sendable, CustomStringConvertible {
    public enum Scheme: String, Codable, Sendable, CaseIterable {
        case doi, pmid, frbr, symbol, uri, id
    }

    public var scheme: Scheme
    public var value: String

    /// DOIs keep the case the source gives them, without a resolver prefix; they are
    /// compared and looked up case-insensitively (see `key`).
    public init(_ scheme: Scheme, _ value: String) {
        self.scheme = scheme
        var text = value.trimmingCharacters(in: .whitespacesAndNewlines)
        if scheme == .doi {
            for prefix in ["https://doi.org/", "http://doi.org/", "https://dx.doi.org/", "doi:"]
            where text.lowercased().hasPrefix(prefix) {
                text = String(text.dropFirst(prefix.count))
            }
        }
        self.value = text
    }

    /// What identifiers are matched on: a DOI lower-cased (DOIs are case-insensitive), anything else as is.
    public var key: String { scheme == .doi ? value.lowercased() : value }

    public static func == (left: ReferenceIdentifier, right: ReferenceIdentifier) -> Bool {
        left.scheme == right.scheme && left.key == right.key
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(scheme)
        hasher.combine(key)
    }

    public var description: String { "\(scheme.rawValue):\(value)" }

    /// Parses `doi:10.5555/x`, `pmid:123`, or a bare DOI (`10.` prefix).
    public init?(parsing text: String) {
        if text.hasPrefix("10."), text.contains("/") {
            self.init(.doi, text)
            return
        }
        guard let colon = text.firstIndex(of: ":"),
              let scheme = Scheme(rawValue: String(text[..<colon]).lowercased()) else { return nil }
        self.init(scheme, String(text[text.index(after: colon)...]))
    }
}

public struct Author: Codable, Sendable, Equatable, Hashable {
    public var name: String
    public var affiliations: [String]

    public init(name: String, affiliations: [String] = []) {
        self.name = name
        self.affiliations = affiliations
    }
}

/// What an adapter reads out of one document or record.
public struct ReferenceMetadata: Codable, Sendable, Equatable {
    public var identifiers: [ReferenceIdentifier] = []
    public var title: String = ""
    public var authors: [Author] = []
    /// `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    public var published: String?
    /// Journal, feed or issuing body.
    public var container: String?
    /// ISO 3166 alpha-2 (or `un`) where the format gives one.
    public var country: String?
    /// `research-article`, `resolution`, `report`, `feed-entry`, ...
    public var documentType: String?
    public var keywords: [String] = []
    public var abstract: String = ""
    public var body: String = ""
    public var url: String?
    /// The root element's namespace URI as the document wrote it, where the
    /// format has several (which Akoma Ntoso release or draft, say).
    public var namespace: String?
    /// What the adapter found but could not read (a date in no form it knows, say): told to the
    /// person ingesting, never stored.
    public var warnings: [String] = []

    public init() {}

    enum CodingKeys: String, CodingKey {
        case identifiers, title, authors, published, container, country, documentType, keywords, abstract, body, url, namespace
    }

    /// Sets `published` from the first of `candidates` that reads as a date. When the document
    /// gives dates but none reads, the reference is stored undated and a warning says which text
    /// was passed over: a feed whose dates are all unreadable is not left silently undated.
    public mutating func readDate(_ candidates: [(field: String, text: String?, read: (String) -> String?)]) {
        var unread: [String] = []
        for (field, text, read) in candidates {
            guard let text = text?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty else { continue }
            if let date = read(text) {
                published = date
                return
            }
            unread.append("\(field) '\(text.count > 60 ? text.prefix(60) + "…" : text)'")
        }
        published = nil
        if !unread.isEmpty {
            warnings.append("\(unread.joined(separator: " and ")) \(unread.count == 1 ? "is" : "are") not a date in a form this reader knows; stored undated")
        }
    }
}

/// An ingested reference: metadata plus where it came from.
public struct Reference: Codable, Sendable, Equatable {
    public var id: String
    public var format: ReferenceFormat
    public var adapter: String
    public var metadata: ReferenceMetadata
    /// SHA-256 of the record's canonical XML (C14N 1.0).
    public var canonicalHash: String
    /// SHA-256 of the source file's original bytes, kept in the object store.
    public var object: String
    public var source: String
    /// Position of the record within its source file (0 for a single document).
    public var recordIndex: Int
    public var ingestedAt: String

    public init(id: String, format: ReferenceFormat, adapter: String, metadata: ReferenceMetadata,
                canonicalHash: String, object: String, source: String, recordIndex: Int, ingestedAt: String) {
        self.id = id
        self.format = format
        self.adapter = adapter
        self.metadata = metadata
        self.canonicalHash = canonicalHash
        self.object = object
        self.source = source
        self.recordIndex = recordIndex
        self.ingestedAt = ingestedAt
    }

    /// References are named by their content: `ref-` and 12 hex digits of the canonical hash.
    public static func id(canonicalHash: String) -> String {
        "ref-" + canonicalHash.prefix(12)
    }
}

/// Dates as the formats give them, normalised to `YYYY[-MM[-DD]]`.
public enum PartialDate {
    private static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

    public static func make(year: String?, month: String? = nil, day: String? = nil) -> String? {
        guard let year = year?.trimmingCharacters(in: .whitespaces), year.count == 4, Int(year) != nil else { return nil }
        guard let month = month.flatMap(monthNumber) else { return year }
        let monthText = month < 10 ? "0\(month)" : "\(month)"
        // A day the month does not have (31 February) is not stored: the date keeps the precision
        // it can vouch for, the month, so it can still be searched for.
        guard let dayText = day?.trimmingCharacters(in: .whitespaces), let dayNumber = Int(dayText) else { return "\(year)-\(monthText)" }
        let full = "\(year)-\(monthText)-\(dayNumber < 10 ? "0" : "")\(dayNumber)"
        return isReal(full) ? full : "\(year)-\(monthText)"
    }

    static func monthNumber(_ text: String) -> Int? {
        let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
        if let number = Int(trimmed), (1...12).contains(number) { return number }
        guard trimmed.count >= 3, let index = months.firstIndex(of: String(trimmed.prefix(3))) else { return nil }
        return index + 1
    }

    /// PubMed's free-text `<MedlineDate>`, for issues that span a range or a season
    /// (`1998 Dec-1999 Jan`, `2002 Nov 15-Dec 1`, `1999 Jul-Aug`, `2000 Spring`, `1975-1976`):
    /// the range's first date, as precisely as it is written (a season keeps the year only).
    public static func fromMedline(_ text: String?) -> String? {
        guard let text else { return nil }
        let first = text.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? text
        let words = first.split(whereSeparator: \.isWhitespace).map(String.init)
        guard let year = words.first, year.count == 4, Int(year) != nil else {
            // Not year first (`Spring 2000`): the first year it names, alone.
            return make(year: text.split(whereSeparator: { !$0.isNumber }).first { $0.count == 4 }.map(String.init))
        }
        // The month is a word that names one (a season does not), the day the number after it.
        guard words.count > 1, words[1].first?.isLetter == true, monthNumber(words[1]) != nil else { return make(year: year) }
        return make(year: year, month: words[1], day: words.count > 2 && words[2].allSatisfy(\.isNumber) ? words[2] : nil)
    }

    /// The date part of an ISO 8601 timestamp or date (`2025-06-02T10:00:00Z` → `2025-06-02`).
    public static func fromISO(_ text: String?) -> String? {
        guard let text = text?.trimmingCharacters(in: .whitespacesAndNewlines), text.count >= 4 else { return nil }
        let parts = text.prefix(10).split(separator: "-").map(String.init)
        return make(year: parts.first, month: parts.count > 1 ? parts[1] : nil, day: parts.count > 2 ? parts[2] : nil)
    }

    /// RFC 822 dates as RSS uses them (`Tue, 04 Nov 2025 09:30:00 +0000`), and the forms feeds
    /// write instead: `Nov 4 2025`, `November 4, 2025`, `4 November 2025`, ISO 8601. The month is
    /// the word that names one, the day the number beside it; when no word names the month
    /// (`04 11 2025`: the fourth of November or the eleventh of April?) only the year is kept.
    public static func fromRFC822(_ text: String?) -> String? {
        guard let text else { return nil }
        let words = text.replacingOccurrences(of: ",", with: " ").split(whereSeparator: \.isWhitespace).map(String.init)
        guard let yearIndex = words.firstIndex(where: { $0.count == 4 && Int($0) != nil }) else { return fromISO(text) }
        let before = words[max(0, yearIndex - 2)..<yearIndex]
        guard let month = before.last(where: { $0.first?.isLetter == true && monthNumber($0) != nil }) else {
            return make(year: words[yearIndex])
        }
        let day = before.last { Int($0).map { (1...31).contains($0) } ?? false }
        return make(year: words[yearIndex], month: month, day: day)
    }
}

import Foundation

extension PartialDate {
    /// The month exists and the day exists in that month (leap years included).
    public static func isReal(_ text: String) -> Bool {
        let parts = text.split(separator: "-").compactMap { Int($0) }
        guard parts.count == text.split(separator: "-").count, let year = parts.first, year >= 1 else { return false }
        guard parts.count > 1 else { return true }
        let month = parts[1]
        guard (1...12).contains(month) else { return false }
        guard parts.count > 2 else { return true }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
        return (1...days).contains(parts[2])
    }
}
