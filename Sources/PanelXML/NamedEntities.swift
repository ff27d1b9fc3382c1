import CLibXML2
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Named character entities that JATS and other publishing DTDs define (the
/// HTML 4 / ISO sets), so `&nbsp;` reads as U+00A0 without loading any DTD.
enum NamedEntities {
    private static let latin1: [String] = """
        nbsp iexcl cent pound curren yen brvbar sect uml copy ordf laquo not shy reg macr \
        deg plusmn sup2 sup3 acute micro para middot cedil sup1 ordm raquo frac14 frac12 frac34 iquest \
        Agrave Aacute Acirc Atilde Auml Aring AElig Ccedil Egrave Eacute Ecirc Euml Igrave Iacute Icirc Iuml \
        ETH Ntilde Ograve Oacute Ocirc Otilde Ouml times Oslash Ugrave Uacute Ucirc Uuml Yacute THORN szlig \
        agrave aacute acirc atilde auml aring aelig ccedil egrave eacute ecirc euml igrave iacute icirc iuml \
        eth ntilde ograve oacute ocirc otilde ouml divide oslash ugrave uacute ucirc uuml yacute thorn yuml
        """.split(separator: " ").map(String.init)

    private static let greekUpper = "Alpha Beta Gamma Delta Epsilon Zeta Eta Theta Iota Kappa Lambda Mu Nu Xi Omicron Pi Rho"
    private static let greekLower = "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho sigmaf sigma tau upsilon phi chi psi omega"

    private static let others: [String: UInt32] = [
        "Sigma": 931, "Tau": 932, "Upsilon": 933, "Phi": 934, "Chi": 935, "Psi": 936, "Omega": 937,
        "thetasym": 977, "upsih": 978, "piv": 982,
        "OElig": 338, "oelig": 339, "Scaron": 352, "scaron": 353, "Yuml": 376, "fnof": 402,
        "circ": 710, "tilde": 732, "ensp": 8194, "emsp": 8195, "numsp": 8199, "puncsp": 8200,
        "thinsp": 8201, "hairsp": 8202, "zwnj": 8204, "zwj": 8205, "lrm": 8206, "rlm": 8207,
        "hyphen": 8208, "dash": 8208, "ndash": 8211, "mdash": 8212, "horbar": 8213,
        "lsquo": 8216, "rsquo": 8217, "sbquo": 8218, "ldquo": 8220, "rdquo": 8221, "bdquo": 8222,
        "dagger": 8224, "Dagger": 8225, "bull": 8226, "hellip": 8230, "permil": 8240,
        "prime": 8242, "Prime": 8243, "lsaquo": 8249, "rsaquo": 8250, "oline": 8254, "frasl": 8260,
        "euro": 8364, "image": 8465, "weierp": 8472, "real": 8476, "trade": 8482, "alefsym": 8501,
        "larr": 8592, "uarr": 8593, "rarr": 8594, "darr": 8595, "harr": 8596, "crarr": 8629,
        "lArr": 8656, "uArr": 8657, "rArr": 8658, "dArr": 8659, "hArr": 8660,
        "forall": 8704, "part": 8706, "exist": 8707, "empty": 8709, "nabla": 8711, "isin": 8712,
        "notin": 8713, "ni": 8715, "prod": 8719, "sum": 8721, "minus": 8722, "lowast": 8727,
        "radic": 8730, "prop": 8733, "infin": 8734, "ang": 8736, "and": 8743, "or": 8744,
        "cap": 8745, "cup": 8746, "int": 8747, "there4": 8756, "sim": 8764, "cong": 8773,
        "asymp": 8776, "ne": 8800, "equiv": 8801, "le": 8804, "ge": 8805, "sub": 8834, "sup": 8835,
        "nsub": 8836, "sube": 8838, "supe": 8839, "oplus": 8853, "otimes": 8855, "perp": 8869,
        "sdot": 8901, "lceil": 8968, "rceil": 8969, "lfloor": 8970, "rfloor": 8971,
        "lang": 9001, "rang": 9002, "loz": 9674, "spades": 9824, "clubs": 9827, "hearts": 9829,
        "diams": 9830,
    ]

    /// Name to Unicode scalar.
    static let codePoints: [String: UInt32] = {
        var table = others
        for (offset, name) in latin1.enumerated() { table[name] = 160 + UInt32(offset) }
        for (offset, name) in greekUpper.split(separator: " ").enumerated() { table[String(name)] = 913 + UInt32(offset) }
        for (offset, name) in greekLower.split(separator: " ").enumerated() { table[String(name)] = 945 + UInt32(offset) }
        return table
    }()

    /// Stand-in entities handed to the parser: typed as predefined, so libxml2
    /// emits their text as characters and never parses or expands them.
    /// Built once, never freed, read-only after construction.
    nonisolated(unsafe) private static let table: [String: UnsafeMutablePointer<xmlEntity>] = {
        var result: [String: UnsafeMutablePointer<xmlEntity>] = [:]
        for (name, scalar) in codePoints {
            guard let character = Unicode.Scalar(scalar) else { continue }
            result[name] = makeEntity(name: name, content: String(Character(character)))
        }
        return result
    }()

    static func entity(named name: String) -> UnsafeMutablePointer<xmlEntity>? {
        table[name]
    }

    /// A predefined-typed entity whose replacement text is `content`. The
    /// caller owns it and releases it with `free(entity:)`.
    static func makeEntity(name: String, content: String) -> UnsafeMutablePointer<xmlEntity> {
        let entity = UnsafeMutablePointer<xmlEntity>.allocate(capacity: 1)
        memset(entity, 0, MemoryLayout<xmlEntity>.size)
        entity.pointee.type = XML_ENTITY_DECL
        entity.pointee.etype = XML_INTERNAL_PREDEFINED_ENTITY
        entity.pointee.name = UnsafePointer(duplicate(name))
        let text = duplicate(content)
        entity.pointee.content = text
        entity.pointee.orig = duplicate(content)
        entity.pointee.length = Int32(content.utf8.count)
        return entity
    }

    static func release(_ entity: UnsafeMutablePointer<xmlEntity>) {
        UnsafeMutablePointer(mutating: entity.pointee.name)?.deallocate()
        entity.pointee.content?.deallocate()
        entity.pointee.orig?.deallocate()
        entity.deallocate()
    }

    private static func duplicate(_ text: String) -> UnsafeMutablePointer<xmlChar> {
        let bytes = Array(text.utf8)
        let copy = UnsafeMutablePointer<xmlChar>.allocate(capacity: bytes.count + 1)
        copy.initialize(from: bytes, count: bytes.count)
        copy[bytes.count] = 0
        return copy
    }
}
