/// Counts the attributes of each start tag in the raw bytes before libxml2 sees them. libxml2
/// checks an element's attributes for duplicates in quadratic time, so an element with 100,000
/// attributes would cost many seconds of CPU before the attribute limit could reject it; this
/// guard stops at the first element past the limit, having read only that far, in one linear pass.
/// It is a conservative count: every `=` outside quotes in a start tag. Text and quoted values are
/// skipped with `memchr`, so the pass costs little next to parsing.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

struct AttributeGuard {
    private enum State {
        case text, open, tag, quoted(UInt8), endTag, comment, cdata, instruction, declaration
    }

    private var state = State.text
    private var equals = 0
    /// The last bytes seen, to recognise `-->`, `]]>` and `?>` across chunk boundaries.
    private var previous: (UInt8, UInt8) = (0, 0)
    /// After `<!`: the next bytes decide between a comment, CDATA and a declaration.
    private var bang = 0

    let limit: Int

    init(limit: Int) { self.limit = limit }

    /// Scans the next bytes; true when a start tag has more attributes than the limit.
    mutating func exceeds(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard let base = bytes.baseAddress else { return false }
        var index = 0
        let count = bytes.count
        while index < count {
            // Most bytes are text or quoted values: jump to the byte that ends them.
            switch state {
            case .text, .quoted:
                let wanted: Int32
                if case .quoted(let quote) = state { wanted = Int32(quote) } else { wanted = Int32(UInt8(ascii: "<")) }
                guard let found = memchr(base + index, wanted, count - index) else {
                    previous = (0, 0)
                    return false
                }
                index = base.distance(to: UnsafeRawPointer(found))
            default:
                break
            }
            let byte = bytes[index]
            index += 1
            switch state {
            case .text:
                if byte == UInt8(ascii: "<") { state = .open }
            case .open:
                switch byte {
                case UInt8(ascii: "/"): state = .endTag
                case UInt8(ascii: "?"): state = .instruction
                case UInt8(ascii: "!"): state = .declaration; bang = 1
                default: state = .tag; equals = 0
                }
            case .tag:
                switch byte {
                case UInt8(ascii: "\""), UInt8(ascii: "'"): state = .quoted(byte)
                case UInt8(ascii: "="):
                    equals += 1
                    if equals > limit { return true }
                case UInt8(ascii: ">"): state = .text
                default: break
                }
            case .quoted(let quote):
                if byte == quote { state = .tag }
            case .endTag:
                if byte == UInt8(ascii: ">") { state = .text }
            case .comment:
                if byte == UInt8(ascii: ">"), previous == (UInt8(ascii: "-"), UInt8(ascii: "-")) { state = .text }
            case .cdata:
                if byte == UInt8(ascii: ">"), previous == (UInt8(ascii: "]"), UInt8(ascii: "]")) { state = .text }
            case .instruction:
                if byte == UInt8(ascii: ">"), previous.1 == UInt8(ascii: "?") { state = .text }
            case .declaration:
                if bang == 1 {
                    bang = 0
                    if byte == UInt8(ascii: "-") { state = .comment; previous = (0, 0); continue }
                    if byte == UInt8(ascii: "[") { state = .cdata; previous = (0, 0); continue }
                }
                if byte == UInt8(ascii: ">") { state = .text }
            }
            previous = (previous.1, byte)
        }
        return false
    }
}
