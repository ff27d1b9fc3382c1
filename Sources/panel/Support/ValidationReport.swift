import PanelCore

/// What `workflow validate` and `rules validate` print with `--format json`.
struct ValidationReport: Encodable {
    struct File: Encodable {
        var file: String
        var ok: Bool
        var summary: String?
        var problems: [Problem]
    }

    var ok: Bool { files.allSatisfy(\.ok) }
    var files: [File]

    enum CodingKeys: String, CodingKey { case ok, files }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(ok, forKey: .ok)
        try container.encode(files, forKey: .files)
    }
}
