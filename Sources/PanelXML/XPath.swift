import Foundation
import CLibXML2

/// A failed XPath compilation or evaluation.
public struct XPathError: Error, Sendable, Equatable, CustomStringConvertible {
    public var expression: String
    public var message: String

    public init(expression: String, message: String) {
        self.expression = expression
        self.message = message
    }

    public var description: String { "invalid XPath '\(expression)': \(message)" }
}

/// An XPath 1.0 expression compiled once by libxml2 and reused on any number
/// of documents. Prefixes used in it resolve through `namespaces`.
public final class XPathExpression {
    public let source: String
    public let namespaces: [(prefix: String, uri: String)]
    let compiled: xmlXPathCompExprPtr

    public init(_ source: String, namespaces: [String: String] = [:]) throws(XPathError) {
        LibXML.prepareThread()
        self.source = source
        self.namespaces = namespaces.sorted { $0.key < $1.key }.map { (prefix: $0.key, uri: $0.value) }
        guard let context = xmlXPathNewContext(nil) else {
            throw XPathError(expression: source, message: "cannot create an XPath context")
        }
        defer { xmlXPathFreeContext(context) }
        context.pointee.error = { _, _ in }
        guard var compiled = xmlXPathCtxtCompile(context, source) else {
            throw XPathError(expression: source, message: Self.message(context.pointee.lastError))
        }
        // libxml2 evaluates a plain path with `//` (no predicate, call or attribute) by streaming
        // it over every node of the document, whatever the steps before `//` say:
        // `/article/front/journal-meta//journal-title` walked the whole body of each article. In
        // parentheses the same expression is evaluated step by step and looks under journal-meta only.
        if source.contains("//"), !source.contains(where: { "[(@".contains($0) }),
           let stepwise = xmlXPathCtxtCompile(context, "(\(source))") {
            xmlXPathFreeCompExpr(compiled)
            compiled = stepwise
        }
        self.compiled = compiled
        try dryRun()
    }

    /// Evaluates once on an empty document, so unknown prefixes and functions
    /// fail here, at load time, rather than on the first real document.
    private func dryRun() throws(XPathError) {
        guard let document = xmlNewDoc("1.0") else { return }
        defer { xmlFreeDoc(document) }
        xmlDocSetRootElement(document, xmlNewDocNode(document, nil, "empty", nil))
        guard let context = xmlXPathNewContext(document) else { return }
        defer { xmlXPathFreeContext(context) }
        context.pointee.error = { _, _ in }
        for (prefix, uri) in namespaces { xmlXPathRegisterNs(context, prefix, uri) }
        context.pointee.node = xmlDocGetRootElement(document)
        if let result = xmlXPathCompiledEval(compiled, context) {
            xmlXPathFreeObject(result)
        } else if context.pointee.lastError.code != 0 {
            throw XPathError(expression: source, message: Self.message(context.pointee.lastError))
        }
    }

    private static let messages = [
        "ok", "number encoding", "unfinished literal", "start of literal", "expected $ for variable reference",
        "undefined variable", "invalid predicate", "invalid expression", "missing closing curly brace",
        "unregistered function", "invalid operand", "invalid type", "invalid number of arguments",
        "invalid context size", "invalid context position", "memory allocation error", "syntax error",
        "resource error", "sub resource error", "undefined namespace prefix", "encoding error",
        "character out of XML range", "invalid or incomplete context", "stack usage error", "forbidden variable",
    ]

    /// libxml2 leaves the message of XPath errors empty and keeps only the
    /// code and the offending offset; this spells them out.
    private static func message(_ error: xmlError) -> String {
        if let text = error.message {
            return String(cString: text).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        let index = Int(error.code) - Int(XML_XPATH_EXPRESSION_OK.rawValue)
        let what = messages.indices.contains(index) ? messages[index] : "error \(error.code)"
        return error.int1 > 0 ? "\(what) at character \(error.int1 + 1)" : what
    }

    deinit { xmlXPathFreeCompExpr(compiled) }
}

/// The result of an XPath evaluation, converted to Swift values except for
/// nodes, which stay views into their (retained) document.
public enum XPathValue {
    case nodes([XMLNode])
    case string(String)
    case number(Double)
    case boolean(Bool)

    init(_ object: xmlXPathObjectPtr, document: PanelXMLDocument) {
        switch object.pointee.type {
        case XPATH_NODESET:
            var nodes: [XMLNode] = []
            if let set = object.pointee.nodesetval, set.pointee.nodeNr > 0, let table = set.pointee.nodeTab {
                nodes.reserveCapacity(Int(set.pointee.nodeNr))
                for index in 0..<Int(set.pointee.nodeNr) {
                    if let node = table[index], node.pointee.type != XML_NAMESPACE_DECL {
                        nodes.append(XMLNode(document: document, pointer: node))
                    }
                }
            }
            self = .nodes(nodes)
        case XPATH_BOOLEAN:
            self = .boolean(object.pointee.boolval != 0)
        case XPATH_NUMBER:
            self = .number(object.pointee.floatval)
        case XPATH_STRING:
            self = .string(LibXML.string(object.pointee.stringval) ?? "")
        default:
            self = .string("")
        }
    }

    /// XPath `string()`: for nodes, the first node's string-value.
    public var stringValue: String {
        switch self {
        case .nodes(let nodes): nodes.first?.stringValue ?? ""
        case .string(let text): text
        case .number(let number):
            number.isNaN ? "NaN" : (number == number.rounded() && abs(number) < 1e15 ? String(Int64(number)) : String(number))
        case .boolean(let flag): flag ? "true" : "false"
        }
    }

    /// XPath `boolean()`.
    public var booleanValue: Bool {
        switch self {
        case .nodes(let nodes): !nodes.isEmpty
        case .string(let text): !text.isEmpty
        case .number(let number): number != 0 && !number.isNaN
        case .boolean(let flag): flag
        }
    }

    /// XPath `number()`; for node-sets, the node count is more useful and is what this gives.
    public var count: Int {
        if case .nodes(let nodes) = self { return nodes.count }
        return booleanValue ? 1 : 0
    }
}
