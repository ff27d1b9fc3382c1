// swift-tools-version: 6.2
import PackageDescription

/// Our code builds without warnings (dependencies are theirs to keep): one build enforces it.
/// (The install build in the README adds a code-generation flag for every module, the packages'
/// too, on the command line: set here it would reach only ours, and a library target with unsafe
/// flags cannot be depended on.)
let strict: [SwiftSetting] = [.treatAllWarnings(as: .error)]
/// Where libxml2's headers are, for the modules that read them (through CLibXML2).
let libxml2Headers: [SwiftSetting] = [.unsafeFlags(["-Xcc", "-I/usr/include/libxml2"])]

/// Start-up of the release tool on Linux. The Swift driver exports every symbol of an executable
/// (44,000 here, with the runtime linked in), and the runtime's first act, finding its own path with
/// dladdr, scans them one by one: a millisecond of every command. Nothing looks our symbols up by
/// name, so the release tool exports none. (It stays position-independent: address randomisation
/// of a tool that parses publishers' XML is worth more than the millisecond more it would save.)
let startUp: [LinkerSetting] = [
    .unsafeFlags(["-Xlinker", "--no-export-dynamic"], .when(platforms: [.linux], configuration: .release)),
]

let package = Package(
    name: "panel",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "panel", targets: ["panel"]),
        .executable(name: "panel-bench", targets: ["panel-bench"]),
        .library(name: "PanelCore", targets: ["PanelCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", exact: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", exact: "6.2.2"),
        .package(url: "https://github.com/apple/swift-crypto", exact: "4.5.2"),
        // .xlsx workbooks are ZIP archives (the IPCC's comment template is one).
        .package(url: "https://github.com/weichsel/ZIPFoundation", exact: "0.9.20"),
        // The PostgreSQL store (one panel, many machines) speaks the wire protocol through it.
        .package(url: "https://github.com/vapor/postgres-nio", exact: "1.33.2"),
        .package(url: "https://github.com/apple/swift-log", exact: "1.16.2"),
    ],
    targets: [
        // The only door to libxml2: its headers (a modulemap and a shim header) and a loader that
        // opens the library on first use (CLibXML2Loader), so that the commands that read no XML
        // do not load it, and ICU with it, at start-up. Nothing links libxml2 (pkg-config would),
        // so its headers' folder is named here.
        .systemLibrary(name: "CLibXML2", providers: [.apt(["libxml2-dev"])]),
        .target(
            name: "CLibXML2Loader",
            dependencies: ["CLibXML2"],
            cSettings: [.unsafeFlags(["-I/usr/include/libxml2"])],
            linkerSettings: [.linkedLibrary("dl", .when(platforms: [.linux]))]),
        // Hardened wrapper: no libxml2 pointer leaves this module.
        .target(
            name: "PanelXML",
            dependencies: [
                "CLibXML2",
                "CLibXML2Loader",
                .product(name: "Crypto", package: "swift-crypto"),
            ], swiftSettings: strict + libxml2Headers),
        // The only door to ZIP: a workbook's first (or named) sheet as rows of text,
        // every part bounded, the sheet XML read through PanelXML.
        .target(
            name: "PanelWorkbook",
            dependencies: [
                "PanelXML",
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ], swiftSettings: strict),
        // The functional core: model, events, decisions, references, adapters.
        .target(
            name: "PanelCore",
            dependencies: [
                "PanelXML",
                "PanelWorkbook",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Crypto", package: "swift-crypto"),
                // RSA signature verification for SSH-signed review files (Ed25519 and P-256 are in Crypto).
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ], swiftSettings: strict),
        // The only door to SQLite.
        .target(
            name: "PanelSQLite",
            dependencies: [
                "PanelCore",
                "PanelRelational",
                .product(name: "GRDB", package: "GRDB.swift"),
                // SQLite's C interface, for reading rows' values as the statement steps.
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
            ], swiftSettings: strict),
        // The query tables and the chain, written once over a small SQL session
        // that the SQLite and PostgreSQL stores each provide.
        .target(name: "PanelRelational", dependencies: ["PanelCore"], swiftSettings: strict),
        // The only door to PostgreSQL.
        .target(
            name: "PanelPostgres",
            dependencies: [
                "PanelCore",
                "PanelRelational",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ], swiftSettings: strict),
        .executableTarget(
            name: "panel",
            dependencies: [
                "PanelCore",
                "PanelSQLite",
                "PanelPostgres",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ], swiftSettings: strict, linkerSettings: startUp),
        .executableTarget(
            name: "panel-bench",
            dependencies: [
                "PanelCore",
                "PanelSQLite",
                "PanelPostgres",
                "PanelXML",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ], swiftSettings: strict),
        // Helpers the test targets share (keys and signatures made by the real ssh-keygen).
        .target(name: "PanelTestSupport", path: "Tests/PanelTestSupport", swiftSettings: strict),
        .testTarget(name: "PanelXMLTests", dependencies: ["PanelXML", "PanelTestSupport"], swiftSettings: strict),
        .testTarget(name: "PanelWorkbookTests", dependencies: ["PanelWorkbook", .product(name: "ZIPFoundation", package: "ZIPFoundation")], swiftSettings: strict),
        .testTarget(name: "PanelCoreTests", dependencies: ["PanelCore", "PanelXML", "PanelTestSupport", .product(name: "Yams", package: "Yams")], swiftSettings: strict),
        .testTarget(
            name: "PanelSQLiteTests",
            dependencies: [
                "PanelSQLite", "PanelPostgres", "PanelRelational", "PanelCore", "PanelTestSupport", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ], swiftSettings: strict),
        .testTarget(
            name: "PanelCLITests",
            dependencies: ["PanelCore", "PanelSQLite", "PanelPostgres", "PanelTestSupport", .product(name: "GRDB", package: "GRDB.swift")], swiftSettings: strict),
    ],
    swiftLanguageModes: [.v6]
)
