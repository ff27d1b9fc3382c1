/// Finds which of many phrases occur in a text in one pass (Aho-Corasick,
/// compiled to a dense automaton over bytes). ASCII letters are compared
/// case-insensitively; phrases are lower-cased when the matcher is built.
/// Built once per rule set, so the cost per document does not grow with the
/// number of rules.
struct PhraseMatcher {
    private var transitions: [Int32] = []   // state * 256 + byte
    private var outputs: [[Int]] = []       // phrases ending at each state
    let phraseCount: Int

    init(_ phrases: [[UInt8]]) {
        phraseCount = phrases.count
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
    }

    /// Marks in `found` every phrase that occurs in `text`.
    func scan(_ text: String, into found: inout [Bool]) {
        var text = text
        text.withUTF8 { bytes in
            var state = 0
            transitions.withUnsafeBufferPointer { table in
                for var byte in bytes {
                    if byte >= 0x41 && byte <= 0x5A { byte |= 0x20 }
                    state = Int(table[state &* 256 &+ Int(byte)])
                    if !outputs[state].isEmpty {
                        for phrase in outputs[state] { found[phrase] = true }
                    }
                }
            }
        }
    }
}
