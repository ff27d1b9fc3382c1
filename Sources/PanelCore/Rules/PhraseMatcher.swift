/// Finds which of many phrases occur in a text in one pass (Aho-Corasick,
/// compiled to a dense automaton over bytes). ASCII letters are compared
/// case-insensitively; phrases are lower-cased when the matcher is built.
/// Built once per rule set, so the cost per document does not grow with the
/// number of rules.
///
/// A phrase matches from the start of a word ("replicat" finds "replicating"
/// but "ai" does not find "said"); a phrase of up to three letters must be a
/// whole word ("AI" does not find "aim").
struct PhraseMatcher {
    private var transitions: [Int32] = []   // state * 256 + byte
    private var outputs: [[Int]] = []       // phrases ending at each state
    private var ends: [Bool] = []           // whether any phrase ends at each state (the scan's only question per byte)
    private var lengths: [Int] = []
    /// Whether the phrase starts with a word byte (then the byte before must not be one).
    private var anchored: [Bool] = []
    /// Whether the phrase must also end a word.
    private var whole: [Bool] = []
    /// Words in the phrase (for word distances).
    private var words: [Int] = []
    let phraseCount: Int

    /// Letters, digits, and every byte of a multi-byte UTF-8 character.
    @inline(__always) static func isWordByte(_ byte: UInt8) -> Bool {
        byte >= 0x80 || (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
    }

    init(_ phrases: [[UInt8]]) {
        phraseCount = phrases.count
        lengths = phrases.map(\.count)
        anchored = phrases.map { $0.first.map(Self.isWordByte) ?? false }
        whole = phrases.map { $0.count <= 3 && $0.allSatisfy(Self.isWordByte) }
        words = phrases.map { phrase in
            var count = 0
            var previous: UInt8 = 0x20
            for byte in phrase {
                if Self.isWordByte(byte) && !Self.isWordByte(previous) { count += 1 }
                previous = byte
            }
            return max(count, 1)
        }
        var goto: [[Int32]] = [Array(repeating: -1, count: 256)]
        outputs = [[]]
        for (index, phrase) in phrases.enumerated() where !phrase.isEmpty {
            var state = 0
            for byte in phrase {
                let next = goto[state][Int(byte)]
                if next >= 0 {
                    state = Int(next)
                } else {
                    goto.append(Array(repeating: -1, count: 256))
                    outputs.append([])
                    goto[state][Int(byte)] = Int32(goto.count - 1)
                    state = goto.count - 1
                }
            }
            outputs[state].append(index)
        }
        // Breadth-first: failure links folded into a dense transition table.
        var failure = [Int](repeating: 0, count: goto.count)
        var queue: [Int] = []
        for byte in 0..<256 {
            let next = goto[0][byte]
            if next < 0 {
                goto[0][byte] = 0
            } else {
                failure[Int(next)] = 0
                queue.append(Int(next))
            }
        }
        var head = 0
        while head < queue.count {
            let state = queue[head]
            head += 1
            for byte in 0..<256 {
                let next = goto[state][byte]
                if next < 0 {
                    goto[state][byte] = goto[failure[state]][byte]
                } else {
                    failure[Int(next)] = Int(goto[failure[state]][byte])
                    outputs[Int(next)] += outputs[failure[Int(next)]]
                    queue.append(Int(next))
                }
            }
        }
        transitions = goto.flatMap { $0 }
        ends = outputs.map { !$0.isEmpty }
    }

    /// Marks in `found` every phrase that occurs in `text`.
    func scan(_ text: String, into found: inout [Bool]) {
        visit(text) { phrase, _ in found[phrase] = true }
    }

    /// Where every phrase occurs in `text`: the word (0-based) each occurrence starts at.
    func occurrences(in text: String) -> [(phrase: Int, word: Int)] {
        var result: [(phrase: Int, word: Int)] = []
        visit(text, countWords: true) { phrase, word in result.append((phrase, word - words[phrase] + 1)) }
        return result
    }

    /// Calls `found` for each occurrence (at a word start, whole where required) with the
    /// index of the word it ends in (when `countWords`; else 0).
    private func visit(_ text: String, countWords: Bool = false, _ found: (Int, Int) -> Void) {
        var text = text
        text.withUTF8 { bytes in
            var state = 0
            var word = -1
            var previousIsWord = false
            transitions.withUnsafeBufferPointer { table in ends.withUnsafeBufferPointer { ends in
                for index in 0..<bytes.count {
                    var byte = bytes[index]
                    if countWords {
                        let isWord = Self.isWordByte(byte)
                        if isWord && !previousIsWord { word += 1 }
                        previousIsWord = isWord
                    }
                    if byte >= 0x41 && byte <= 0x5A { byte |= 0x20 }
                    state = Int(table[state &* 256 &+ Int(byte)])
                    if ends[state] {
                        for phrase in outputs[state] {
                            let start = index - lengths[phrase] + 1
                            if anchored[phrase] && start > 0 && Self.isWordByte(bytes[start - 1]) { continue }
                            if whole[phrase] && index + 1 < bytes.count && Self.isWordByte(bytes[index + 1]) { continue }
                            found(phrase, word)
                        }
                    }
                }
            } }
        }
    }
}
