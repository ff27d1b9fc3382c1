import CLibXML2

/// Process-wide libxml2 set-up, done once: initialise the library and install
/// the deny-all external entity loader (a true global in libxml2).
enum LibXML {
    private static let ready: Void = {
        xmlInitParser()
        panel_xml_install_deny_loader()
    }()

    /// Call before any libxml2 work on the current thread: libxml2 keeps its
    /// error channels per thread, so each thread silences its own.
    static func prepareThread() {
        _ = ready
        panel_xml_silence_generic_errors()
        xmlSetStructuredErrorFunc(nil, { _, _ in })
    }

    /// A Swift string from a libxml2 string that the caller still owns.
    static func string(_ pointer: UnsafePointer<xmlChar>?) -> String? {
        guard let pointer else { return nil }
        return String(cString: pointer)
    }

    /// A Swift string from a libxml2 string that must be freed with xmlFree.
    static func takeString(_ pointer: UnsafeMutablePointer<xmlChar>?) -> String? {
        guard let pointer else { return nil }
        defer { panel_xml_free(pointer) }
        return String(cString: pointer)
    }

    static func diagnostic(from error: UnsafePointer<xmlError>) -> XMLDiagnostic {
        let severity: XMLDiagnostic.Severity
        switch error.pointee.level {
        case XML_ERR_WARNING: severity = .warning
        case XML_ERR_ERROR: severity = .error
        default: severity = .fatal
        }
        var message = error.pointee.message.map { String(cString: $0) } ?? "unknown XML error"
        while message.last == "\n" || message.last == " " { message.removeLast() }
        // One line, whatever libxml2 says: a message may go on with a second line of detail.
        let lines = message.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
        if lines.first == "Input is not proper UTF-8, indicate encoding !" {
            let bytes = lines.dropFirst().joined(separator: " ").replacingOccurrences(of: "Bytes: ", with: "")
            message = "not valid UTF-8 (bytes \(bytes)); save the file as UTF-8 or declare its encoding"
        } else {
            message = lines.filter { !$0.isEmpty }.joined(separator: "; ")
        }
        return XMLDiagnostic(
            severity: severity,
            line: Int(error.pointee.line),
            column: Int(error.pointee.int2),
            message: message
        )
    }
}
