/// What changed between two draft versions, line by line, with the line
/// numbers review comments use in each version.
public enum DraftDiff {
    public struct Line: Sendable, Equatable {
        public enum Change: String, Sendable { case removed = "-", added = "+", same = " " }
        public var change: Change
        /// The line's number in the older version (removed and unchanged lines).
        public var old: Int?
        /// The line's number in the newer version (added and unchanged lines).
        public var new: Int?
        public var text: String
    }

    /// Every line of both versions, in order, marked removed, added or the same.
    public static func lines(from old: [String], to new: [String]) -> [Line] {
        let difference = new.difference(from: old)
        var removed = Set<Int>()
        var inserted = Set<Int>()
        for change in difference {
            switch change {
            case .remove(let offset, _, _): removed.insert(offset)
            case .insert(let offset, _, _): inserted.insert(offset)
            }
        }
        var result: [Line] = []
        var i = 0, j = 0
        while i < old.count || j < new.count {
            if i < old.count, removed.contains(i) {
                result.append(Line(change: .removed, old: i + 1, new: nil, text: old[i]))
                i += 1
            } else if j < new.count, inserted.contains(j) {
                result.append(Line(change: .added, old: nil, new: j + 1, text: new[j]))
                j += 1
            } else if i < old.count, j < new.count {
                result.append(Line(change: .same, old: i + 1, new: j + 1, text: new[j]))
                i += 1
                j += 1
            } else {
                break
            }
        }
        return result
    }

    /// Changed lines with `context` unchanged lines around each, as text with both line numbers.
    public static func render(_ lines: [Line], context: Int = 2) -> String {
        let changed = lines.indices.filter { lines[$0].change != .same }
        guard !changed.isEmpty else { return "no changes\n" }
        var shown = Set<Int>()
        for index in changed { for near in max(0, index - context)...min(lines.count - 1, index + context) { shown.insert(near) } }
        var out = ""
        var previous: Int?
        for index in shown.sorted() {
            if let previous, index > previous + 1 { out += "   ...\n" }
            let line = lines[index]
            let old = line.old.map { String($0) } ?? ""
            let new = line.new.map { String($0) } ?? ""
            out += "\(line.change.rawValue) \(old.leftPadded(5)) \(new.leftPadded(5)) | \(line.text)\n"
            previous = index
        }
        return out
    }
}

extension String {
    public func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
