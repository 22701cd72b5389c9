// swift-tools-version:6.0
import PackageDescription

let strict: [SwiftSetting] = [.enableUpcomingFeature("ExistentialAny")]

let package = Package(
    name: "chargepoint",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "chargepoint", targets: ["chargepoint"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        .systemLibrary(
            name: "CLibWebSockets",
            pkgConfig: "libwebsockets",
            providers: [.apt(["libwebsockets-dev"])]
        ),
        .systemLibrary(
            name: "CMicroHTTPD",
            pkgConfig: "libmicrohttpd",
            providers: [.apt(["libmicrohttpd-dev"])]
        ),
        .systemLibrary(
            name: "CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        .systemLibrary(
            name: "COpenSSL",
            pkgConfig: "libcrypto",
            providers: [.apt(["libssl-dev"])]
        ),
        /// libmicrohttpd's own error answers as problem documents (the file says how, and why in C).
        .target(name: "CMicroHTTPDProblems", dependencies: ["CMicroHTTPD"]),
        // libcurl's headers only (Debian libcurl4-openssl-dev); the library is loaded at the first transfer.
        .target(name: "CCurl"),
        /// What every OCPP version's JSON-over-websocket needs: the strict JSON codec and the RPC framing.
        .target(name: "OCPPJ", swiftSettings: strict),
        .target(name: "OCPP16", dependencies: ["OCPPJ"], swiftSettings: strict),
        .target(name: "OCPP201", dependencies: ["OCPPJ"], swiftSettings: strict),
        /// The vocabulary every sans-I/O engine here is written in (the clock readings it is handed, ids of
        /// callers awaiting answers), so that the station engines and the central system say it one way; and
        /// what both station engines keep alike (the meter, the queue of transaction messages).
        .target(
            name: "EngineSupport",
            dependencies: ["OCPPJ", .product(name: "DequeModule", package: "swift-collections")],
            swiftSettings: strict),
        /// The OCPP 2.0.1 charging station: a sans-I/O engine beside the 1.6 one (`ChargePoint`), on the same vocabulary.
        .target(
            name: "Station201",
            dependencies: [
                "OCPP201", "EngineSupport", "Certificates", "SmartCharging", "OCPP16",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "DequeModule", package: "swift-collections"),
            ],
            swiftSettings: strict),
        .target(name: "Certificates", dependencies: ["COpenSSL"], swiftSettings: strict),
        .target(name: "SmartCharging", dependencies: ["OCPP16"], swiftSettings: strict),
        /// Simulated electric vehicles and the drivers who bring them, for the stations of fleet mode: seeded,
        /// pure functions of the time they are handed, so a fleet's day can be replayed.
        .target(name: "EVSimulation", dependencies: ["EngineSupport"], swiftSettings: strict),
        .target(
            name: "FileTransfer",
            dependencies: ["CCurl", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strict
        ),
        .target(name: "Threads", swiftSettings: strict),
        /// Fleet mode: which stations a fleet runs, under which identities, against which central systems; and the
        /// traffic of each station (drivers arriving, vehicles charging and leaving).
        .target(
            name: "Fleet", dependencies: ["OCPPJ", "EngineSupport", "EVSimulation", .product(name: "Yams", package: "Yams")],
            swiftSettings: strict),
        .target(name: "Runtime", dependencies: ["Threads"], swiftSettings: strict),
        .target(
            name: "JSONLogging", dependencies: ["OCPP16", "Threads", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strict),
        .target(
            name: "ChargePoint",
            dependencies: [
                "OCPP16", "EngineSupport", "SmartCharging", "Certificates",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "DequeModule", package: "swift-collections"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "Store",
            dependencies: ["ChargePoint", "Station201", "OCPP16", "OCPP201", "SmartCharging", "CSQLite", "Threads"],
            swiftSettings: strict
        ),
        .target(
            name: "Transport",
            dependencies: ["CLibWebSockets", "Threads", "Certificates", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strict
        ),
        .target(
            name: "HTTPServer",
            dependencies: ["CMicroHTTPD", "CMicroHTTPDProblems", "Threads", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strict
        ),
        .target(
            name: "ControlAPI",
            dependencies: [
                "ChargePoint", "Station201", "EngineSupport", "OCPP16", "OCPP201", "HTTPServer", "Threads", "Certificates",
                "WebContent",
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: strict
        ),
        /// The web page (the files of Web/) and openapi.yaml as a Swift source, written at build time by the
        /// EmbedFiles plugin with its tool embed-files: nothing but generated code. Its folder is Web/ itself,
        /// so SwiftPM notices a file added there or taken away.
        .target(name: "WebContent", path: "Web", sources: ["WebContent.swift"], swiftSettings: strict, plugins: ["EmbedFiles"]),
        .executableTarget(name: "embed-files", swiftSettings: strict),
        .plugin(name: "EmbedFiles", capability: .buildTool(), dependencies: ["embed-files"]),
        .target(
            name: "CentralSystem",
            dependencies: [
                "OCPPJ", "OCPP16", "OCPP201", "EngineSupport", "Transport", "HTTPServer", "Runtime", "Threads",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "chargepoint",
            dependencies: [
                "ChargePoint", "Station201", "EngineSupport", "OCPP16", "OCPP201", "Store", "Transport", "HTTPServer", "ControlAPI", "Threads", "CentralSystem", "Runtime",
                "FileTransfer", "Certificates", "JSONLogging", "Fleet",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict,
            // The executable's 17k Swift symbols are not exported: nothing looks them up by name, and the dynamic
            // loader spent 2.7 ms of every start (and 1 MB of RSS) on a symbol table that large (issue 11).
            linkerSettings: [.unsafeFlags(["-Xlinker", "--no-export-dynamic"], .when(configuration: .release))]
        ),
        .testTarget(
            name: "Station201Tests", dependencies: ["Station201", "OCPP201", "EngineSupport", "TestFixtures", "Certificates", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strict),
        .testTarget(name: "OCPP201Tests", dependencies: ["OCPP201", "OCPPJ", "TestFixtures"], swiftSettings: strict),
        .testTarget(name: "OCPPJTests", dependencies: ["OCPPJ"], swiftSettings: strict),
        .testTarget(name: "OCPP16Tests", dependencies: ["OCPP16", "OCPPJ", "TestFixtures"], swiftSettings: strict),
        .testTarget(
            name: "ChargePointTests", dependencies: ["ChargePoint", "EngineSupport", "OCPP16", "SmartCharging", "Certificates", "TestFixtures"],
            swiftSettings: strict),
        .testTarget(name: "StoreTests", dependencies: ["Store", "ChargePoint", "Station201", "EngineSupport", "OCPP16", "OCPP201", "TestFixtures", "Threads"], swiftSettings: strict),
        .testTarget(
            name: "TransportTests", dependencies: ["Transport", "Threads", "Certificates", "EngineSupport"], swiftSettings: strict),
        .testTarget(
            name: "JSONLoggingTests", dependencies: ["JSONLogging", "OCPP16", "Threads", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strict),
        .testTarget(name: "ControlAPITests", dependencies: ["ControlAPI", "HTTPServer", "Threads", "WebContent"], swiftSettings: strict),
        .testTarget(name: "FleetTests", dependencies: ["Fleet", "OCPPJ", "EngineSupport", "EVSimulation"], swiftSettings: strict),
        .testTarget(name: "RuntimeTests", dependencies: ["Runtime", "Threads"], swiftSettings: strict),
        .testTarget(name: "HTTPServerTests", dependencies: ["HTTPServer", "Threads"], swiftSettings: strict),
        .testTarget(
            name: "CentralSystemTests", dependencies: ["CentralSystem", "EngineSupport", "OCPP16", "OCPP201", "Transport"],
            swiftSettings: strict),
        .testTarget(name: "SmartChargingTests", dependencies: ["SmartCharging", "OCPP16"], swiftSettings: strict),
        .testTarget(name: "EVSimulationTests", dependencies: ["EVSimulation", "EngineSupport"], swiftSettings: strict),
        .testTarget(name: "CertificatesTests", dependencies: ["Certificates", "TestFixtures"], swiftSettings: strict),
        /// Throw-away certificates made with the openssl CLI at test time; used only by test targets.
        .target(name: "TestFixtures", dependencies: ["EngineSupport", "OCPPJ"], path: "Tests/TestFixtures", swiftSettings: strict),
        .testTarget(name: "FileTransferTests", dependencies: ["FileTransfer", "HTTPServer", "TestFixtures"], swiftSettings: strict),
    ]
)
