/// The text a reader sees in a fragment of HTML, as feeds carry it (an RSS description, an Atom
/// `type="html"` summary): tags removed, with the edges of block elements (a paragraph, a cell, a
/// line break) ending words and inline ones (emphasis, links) not; entities decoded, named and
/// numeric, whatever the fragment double-escaped; scripts, styles and comments dropped; whitespace
/// collapsed. A `<` that does not open a tag (`x < 5`) is text.
public enum HTMLText {
    public static func plain(_ html: String) -> String {
        guard html.contains("<") || html.contains("&") else { return html.collapsingWhitespace }
        let scalars = Array(html.unicodeScalars)
        var out = String.UnicodeScalarView()
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            if scalar == "<", let tag = Tag.read(scalars, at: index) {
                index = tag.end
                switch tag.kind {
                case .comment, .declaration:
                    out.append(" ")
                case .open(let name) where name == "script" || name == "style":
                    // Their content is code, not text: skip to the closing tag (or the end).
                    index = Tag.closing(name, in: scalars, from: index)
                    out.append(" ")
                case .open(let name), .close(let name):
                    if !InlineNames.inline.contains(name) { out.append(" ") }
                }
                continue
            }
            if scalar == "&", let (decoded, end) = entity(scalars, at: index) {
                out.append(decoded)
                index = end
                continue
            }
            out.append(scalar)
            index += 1
        }
        return String(out).collapsingWhitespace
    }

    /// `&amp;`, `&mdash;`, `&#8212;`, `&#x2014;` at `start`: the character and the index after `;`.
    static func entity(_ scalars: [Unicode.Scalar], at start: Int) -> (Unicode.Scalar, Int)? {
        var end = start + 1
        while end < scalars.count, end - start <= 32, scalars[end] != ";" {
            guard scalars[end].properties.isAlphabetic || ("0"..."9").contains(scalars[end]) || scalars[end] == "#" else { return nil }
            end += 1
        }
        guard end < scalars.count, scalars[end] == ";", end > start + 1 else { return nil }
        let name = String(String.UnicodeScalarView(scalars[(start + 1)..<end]))
        let value: UInt32?
        if name.hasPrefix("#x") || name.hasPrefix("#X") {
            value = UInt32(name.dropFirst(2), radix: 16)
        } else if name.hasPrefix("#") {
            value = UInt32(name.dropFirst())
        } else {
            value = ["amp": 38, "lt": 60, "gt": 62, "quot": 34, "apos": 39][name] ?? NamedEntities.codePoints[name]
        }
        guard let value, value != 0, let scalar = Unicode.Scalar(value) else { return nil }
        return (scalar, end + 1)
    }

    struct Tag {
        enum Kind { case open(String), close(String), comment, declaration }
        var kind: Kind
        /// The index after the tag's `>`.
        var end: Int

        /// A tag opening at `start` (`<p>`, `</p>`, `<br/>`, `<a href="x">`, `<!-- -->`, `<!DOCTYPE>`),
        /// or nil when the `<` opens none.
        static func read(_ scalars: [Unicode.Scalar], at start: Int) -> Tag? {
            var index = start + 1
            guard index < scalars.count else { return nil }
            if scalars[index] == "!" || scalars[index] == "?" {
                if scalars[index...].starts(with: "!--".unicodeScalars) {
                    var probe = index + 3
                    while probe + 2 < scalars.count, !(scalars[probe] == "-" && scalars[probe + 1] == "-" && scalars[probe + 2] == ">") { probe += 1 }
                    return Tag(kind: .comment, end: min(probe + 3, scalars.count))
                }
                guard let close = scalars[index...].firstIndex(of: ">") else { return nil }
                return Tag(kind: .declaration, end: close + 1)
            }
            let closing = scalars[index] == "/"
            if closing { index += 1 }
            guard index < scalars.count, scalars[index].properties.isAlphabetic, scalars[index].isASCII else { return nil }
            var name = ""
            while index < scalars.count, scalars[index].isASCII,
                  scalars[index].properties.isAlphabetic || ("0"..."9").contains(scalars[index]) || scalars[index] == "-" || scalars[index] == ":" {
                name.unicodeScalars.append(scalars[index])
                index += 1
            }
            // Attributes, quoted values (which may hold '>') included, up to the tag's end.
            var quote: Unicode.Scalar?
            while index < scalars.count {
                let scalar = scalars[index]
                if let open = quote {
                    if scalar == open { quote = nil }
                } else if scalar == "\"" || scalar == "'" {
                    quote = scalar
                } else if scalar == ">" {
                    let local = String(name.lowercased().split(separator: ":").last ?? "")
                    return Tag(kind: closing ? .close(local) : .open(local), end: index + 1)
                } else if scalar == "<" {
                    return nil
                }
                index += 1
            }
            return nil
        }

        /// The index after `</name>` at or after `start`, or the end.
        static func closing(_ name: String, in scalars: [Unicode.Scalar], from start: Int) -> Int {
            var index = start
            while index < scalars.count {
                if scalars[index] == "<", let tag = read(scalars, at: index), case .close(let closed) = tag.kind, closed == name { return tag.end }
                index += 1
            }
            return scalars.count
        }
    }
}
