import PanelXML

/// Checks user-written XPath at load time, so a bad expression is a
/// validation error with its location, never a failure at run time.
enum PanelXMLBridge {
    static func compile(_ source: String, namespaces: [String: String]) throws -> XPathExpression {
        try XPathExpression(source, namespaces: namespaces)
    }
}
