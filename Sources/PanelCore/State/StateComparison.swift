/// A place where the store's query tables disagree with the fold of the log.
public struct StateDifference: Sendable, Equatable, CustomStringConvertible {
    /// The query table (as the store names it) and the key of the row.
    public var table: String
    public var key: String
    public var detail: String

    public init(table: String, key: String, detail: String) {
        self.table = table
        self.key = key
        self.detail = detail
    }

    public var description: String {
        key.isEmpty ? "\(table): \(detail)" : "\(table) '\(key)': \(detail)"
    }
}

/// Compares what a store answers with the fold of its log, table by table.
public enum StateComparison {
    public static func differences(fold state: PanelState, store reader: any StoreReader) throws -> [StateDifference] {
        var found: [StateDifference] = []
        func compare<Key: Hashable & Comparable, Value: Equatable>(
            _ table: String, fold: [Key: Value], store: [Key: Value], key describe: (Key) -> String
        ) {
            for key in Set(fold.keys).union(store.keys).sorted() {
                switch (fold[key], store[key]) {
                case (nil, _?): found.append(StateDifference(table: table, key: describe(key), detail: "in the table but not in the log"))
                case (_?, nil): found.append(StateDifference(table: table, key: describe(key), detail: "in the log but missing from the table"))
                case (let a?, let b?) where a != b:
                    found.append(StateDifference(table: table, key: describe(key), detail: "differs from the log"))
                default: break
                }
            }
        }
        func keyed<T>(_ items: [T], by key: (T) -> String) -> [String: T] {
            var result: [String: T] = [:]
            for item in items { result[key(item)] = item }
            return result
        }
        let members = try reader.members()
        compare("member", fold: keyed(state.members, by: \.id), store: keyed(members, by: \.id), key: { $0 })
        if found.isEmpty && members.map(\.id) != state.members.map(\.id) {
            found.append(StateDifference(table: "member", key: "", detail: "the roster's order differs from the log"))
        }

        let stored = try reader.assessments()
        let storedByID = keyed(stored, by: \.id)
        let foldByID = keyed(state.assessments, by: \.id)
        // The assessment record and each table of its drafts and review state, so the report names the table that was changed.
        let parts: [(table: String, project: (Assessment) -> String)] = [
            ("assignment", { "\($0.assignments)" }),
            ("review", { "\($0.reviews)" }),
            ("comment", { "\($0.commentCount)" }),
            ("signoff", { "\($0.signOffs)" }),
            ("vote", { "\($0.votes)" }),
            ("statement_decision", { "\($0.statementDecisions.sorted { $0.key < $1.key })" }),
            ("draft", { "\($0.drafts)" }),
        ]
        for id in Set(foldByID.keys).union(storedByID.keys).sorted() {
            guard let fold = foldByID[id], let store = storedByID[id] else {
                let detail = foldByID[id] == nil ? "in the table but not in the log" : "in the log but missing from the table"
                found.append(StateDifference(table: "assessment", key: id, detail: detail))
                continue
            }
            if fold.core != store.core { found.append(StateDifference(table: "assessment", key: id, detail: "differs from the log")) }
            for part in parts where part.project(fold) != part.project(store) {
                found.append(StateDifference(table: part.table, key: id, detail: "differs from the log"))
            }
            let comments = try reader.comments(of: id)
            compare("comment", fold: keyed(state.comments[id] ?? [], by: { "\(id):\($0.id)" }),
                    store: keyed(comments, by: { "\(id):\($0.id)" }), key: { $0 })
            let reviews = try reader.reviews(of: id)
            compare("review", fold: keyed(state.reviews[id] ?? [], by: \.id), store: keyed(reviews, by: \.id), key: { $0 })
        }
        if stored.map(\.id) != state.assessments.map(\.id) && found.isEmpty {
            found.append(StateDifference(table: "assessment", key: "", detail: "the order differs from the log"))
        }
        compare("flag", fold: state.flags, store: try reader.flags(), key: { $0 })
        compare("silence", fold: state.silences, store: keyed(try reader.silences(), by: \.id), key: { $0 })
        compare("notification", fold: state.notifications, store: try reader.notifications(), key: { $0 })
        let files = try reader.receivedFiles()
        for hash in state.receivedFiles.symmetricDifference(files).sorted() {
            found.append(StateDifference(table: "received_file", key: hash,
                                         detail: files.contains(hash) ? "in the table but not in the log" : "in the log but missing from the table"))
        }
        return found
    }
}
