// swift-tools-version:6.1
import PackageDescription

/// The generated code's settings: swift-openapi-generator writes plain imports, which
/// `InternalImportsByDefault` would hide from the public API it generates.
let generatedCodeSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

/// Every target but the generated one: an import is internal unless it says `public import`,
/// so a module's public API names exactly the modules it exposes.
let swiftSettings: [SwiftSetting] = generatedCodeSettings + [.enableUpcomingFeature("InternalImportsByDefault")]


/// The products this package depends on, by the name targets use.
extension Target.Dependency {
    static let argumentParser = Self.product(name: "ArgumentParser", package: "swift-argument-parser")
    static let compressNIO = Self.product(name: "CompressNIO", package: "compress-nio")
    static let crypto = Self.product(name: "Crypto", package: "swift-crypto")
    static let cryptoExtras = Self.product(name: "_CryptoExtras", package: "swift-crypto")
    static let grdb = Self.product(name: "GRDB", package: "GRDB.swift")
    static let httpTypes = Self.product(name: "HTTPTypes", package: "swift-http-types")
    static let hummingbird = Self.product(name: "Hummingbird", package: "hummingbird")
    static let hummingbirdTesting = Self.product(name: "HummingbirdTesting", package: "hummingbird")
    static let jwtKit = Self.product(name: "JWTKit", package: "jwt-kit")
    static let logging = Self.product(name: "Logging", package: "swift-log")
    static let metrics = Self.product(name: "Metrics", package: "swift-metrics")
    static let mustache = Self.product(name: "Mustache", package: "swift-mustache")
    static let nioConcurrencyHelpers = Self.product(name: "NIOConcurrencyHelpers", package: "swift-nio")
    static let nioCore = Self.product(name: "NIOCore", package: "swift-nio")
    static let nioHTTP1 = Self.product(name: "NIOHTTP1", package: "swift-nio")
    static let nioPosix = Self.product(name: "NIOPosix", package: "swift-nio")
    static let openAPIHummingbird = Self.product(name: "OpenAPIHummingbird", package: "swift-openapi-hummingbird")
    static let openAPIRuntime = Self.product(name: "OpenAPIRuntime", package: "swift-openapi-runtime")
    static let openAPIURLSession = Self.product(name: "OpenAPIURLSession", package: "swift-openapi-urlsession")
    static let postgresKit = Self.product(name: "PostgresKit", package: "postgres-kit")
    static let postgresNIO = Self.product(name: "PostgresNIO", package: "postgres-nio")
    static let prometheus = Self.product(name: "Prometheus", package: "swift-prometheus")
    static let serviceLifecycle = Self.product(name: "ServiceLifecycle", package: "swift-service-lifecycle")
    static let structuredFieldValues = Self.product(name: "RawStructuredFieldValues", package: "swift-http-structured-headers")
    static let unixSignals = Self.product(name: "UnixSignals", package: "swift-service-lifecycle")
}

let package = Package(
    name: "signet",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "signet", targets: ["signet"]),
        .executable(name: "signet-bench", targets: ["signet-bench"]),
        .library(name: "SignetCore", targets: ["SignetCore"]),
        .library(name: "SignetLog", targets: ["SignetLog"]),
        .library(name: "SignetVault", targets: ["SignetVault"]),
        .library(name: "SignetAuth", targets: ["SignetAuth"]),
        .library(name: "SignetMarket", targets: ["SignetMarket"]),
        .library(name: "SignetWatch", targets: ["SignetWatch"]),
        .library(name: "SignetService", targets: ["SignetService"]),
        .library(name: "SignetStore", targets: ["SignetStore"]),
        .library(name: "SignetServer", targets: ["SignetServer"]),
        .library(name: "SignetAPI", targets: ["SignetAPI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-http-structured-headers.git", from: "1.7.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/vapor/jwt-kit.git", from: "5.8.0"),
        .package(url: "https://github.com/apple/swift-openapi-runtime.git", from: "1.13.4"),
        .package(url: "https://github.com/hummingbird-project/swift-openapi-hummingbird.git", from: "2.1.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/vapor/postgres-kit.git", from: "2.17.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-openapi-urlsession.git", from: "1.4.0"),
        .package(url: "https://github.com/adam-fowler/compress-nio.git", from: "1.5.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
    ],
    targets: [
        // Shared value types: canonical encoding, errors, hex/base64 helpers. No I/O.
        .target(
            name: "SignetCore",
            dependencies: [.crypto],
            swiftSettings: swiftSettings
        ),
        // RFC 9162 Merkle tree, C2SP tiles, signed-note checkpoints, proofs, sequencer.
        .target(
            name: "SignetLog",
            dependencies: ["SignetCore", .crypto],
            swiftSettings: swiftSettings
        ),
        // Protected biometric templates (IronMask) and matching metrics.
        .target(
            name: "SignetVault",
            dependencies: [
                "SignetCore",
                .crypto,
                .cryptoExtras,
            ],
            swiftSettings: swiftSettings
        ),
        // RFC 9421 request signatures, RFC 9530 digests, the nonce store and token buckets.
        .target(
            name: "SignetAuth",
            dependencies: [
                "SignetCore",
                .crypto,
                .httpTypes,
                .structuredFieldValues,
            ],
            swiftSettings: swiftSettings
        ),
        // Holders, parties and (later) offers, grants and the trust protocol.
        .target(
            name: "SignetMarket",
            dependencies: ["SignetCore", "SignetAuth", .crypto],
            swiftSettings: swiftSettings
        ),
        // The watch: breach-pattern detectors over the event stream, keyed probe fingerprints,
        // findings and the holders' alerts.
        .target(
            name: "SignetWatch",
            dependencies: ["SignetCore", .crypto],
            swiftSettings: swiftSettings
        ),
        // The workflows (register, enroll, permit, verify, party standing, activity), the ledger
        // as a running component and event recording with observers. No HTTP types.
        .target(
            name: "SignetService",
            dependencies: [
                "SignetCore", "SignetLog", "SignetMarket", "SignetVault", "SignetAuth", "SignetWatch",
                .compressNIO,
                .crypto,
                .jwtKit,
                .nioCore,
                .logging,
                .nioPosix,
                .serviceLifecycle,
            ],
            swiftSettings: swiftSettings
        ),
        // SQLite (embedded default) and PostgreSQL implementations of the domain storage
        // protocols, and Stores.open, the one place that chooses between them.
        .target(
            name: "SignetStore",
            dependencies: [
                "SignetCore", "SignetLog", "SignetMarket", "SignetVault", "SignetAuth", "SignetService", "SignetWatch",
                .serviceLifecycle,
                .grdb,
                .postgresKit,
                .postgresNIO,
                .logging,
                .nioConcurrencyHelpers,
                .nioCore,
            ],
            swiftSettings: swiftSettings
        ),
        // Types and server protocol generated from openapi.yaml (scripts/generate-openapi.sh).
        .target(
            name: "SignetAPI",
            dependencies: [.openAPIRuntime],
            swiftSettings: generatedCodeSettings
        ),
        // HTTP: tile serving, the generated API protocol's implementation, error mapping, and the
        // holder's dashboard (server-rendered mustache pages, no JavaScript).
        .target(
            name: "SignetServer",
            dependencies: [
                "SignetCore", "SignetLog", "SignetMarket", "SignetVault", "SignetAPI", "SignetAuth", "SignetService",
                .hummingbird,
                .openAPIRuntime,
                .openAPIHummingbird,
                .logging,
                .crypto,
                .httpTypes,
                .structuredFieldValues,
                .jwtKit,
                .prometheus,
                .nioCore,
                .mustache,
            ],
            // The dashboard's templates, stylesheet and guides are read from the bundle at start.
            resources: [.copy("Resources/openapi.yaml"), .copy("Resources/dashboard")],
            swiftSettings: swiftSettings
        ),
        // The signing API client of the CLI, the demo and the benchmarks.
        .target(
            name: "SignetClient",
            dependencies: [
                "SignetCore", "SignetAuth", "SignetAPI", "SignetMarket", "SignetVault",
                .crypto,
                .httpTypes,
                .openAPIRuntime,
                .openAPIURLSession,
            ],
            swiftSettings: swiftSettings
        ),
        // Fixtures shared by test targets; never imported by the product targets.
        .target(
            name: "SignetTesting",
            dependencies: [
                "SignetCore", "SignetService", "SignetStore", "SignetVault", "SignetMarket",
                .crypto,
                .postgresNIO,
                .postgresKit,
                .logging,
            ],
            swiftSettings: swiftSettings
        ),
        // A mutation fuzzer over the hostile-input parsers, and a replayer of its corpus.
        .executableTarget(
            name: "signet-fuzz",
            dependencies: ["SignetCore", "SignetLog", "SignetAuth", "SignetVault", "SignetMarket", "SignetAPI", .crypto, .httpTypes],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "signet",
            dependencies: [
                "SignetCore", "SignetLog", "SignetVault", "SignetMarket", "SignetStore", "SignetServer", "SignetAuth", "SignetService", "SignetAPI", "SignetWatch",
                .serviceLifecycle,
                .unixSignals,
                .argumentParser,
                .hummingbird,
                .grdb,
                .crypto,
                .httpTypes,
                .jwtKit,
                .prometheus,
                .metrics,
                .logging,
                "SignetClient",
            ],
            swiftSettings: swiftSettings
        ),
        // Load generators and benchmarks, each printed next to a baseline from the same run;
        // kept out of `signet` so the shipped tool links no load generator.
        .executableTarget(
            name: "signet-bench",
            dependencies: [
                "SignetCore", "SignetLog", "SignetVault", "SignetMarket", "SignetStore", "SignetServer", "SignetAuth", "SignetService",
                "SignetClient", "SignetAPI", "SignetWatch",
                .argumentParser,
                .hummingbird,
                .grdb,
                .crypto,
                .httpTypes,
                .logging,
                .nioCore,
                .nioPosix,
                .nioHTTP1,
                .postgresNIO,
                .postgresKit,
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "SignetCoreTests", dependencies: ["SignetCore"], swiftSettings: swiftSettings),
        .testTarget(
            name: "SignetLogTests",
            dependencies: ["SignetLog"],
            resources: [.copy("Vectors")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SignetAuthTests",
            dependencies: ["SignetAuth", "SignetCore", .crypto, .httpTypes],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SignetServiceTests",
            dependencies: [
                "SignetService", "SignetCore", "SignetLog", "SignetMarket", "SignetVault", "SignetAuth", "SignetWatch",
                .compressNIO,
                .crypto,
                .nioCore,
                .logging,
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "SignetVaultTests", dependencies: ["SignetVault"], swiftSettings: swiftSettings),
        .testTarget(name: "SignetWatchTests", dependencies: ["SignetWatch", "SignetCore", .crypto], swiftSettings: swiftSettings),
        .testTarget(
            name: "SignetMarketTests",
            dependencies: ["SignetMarket", "SignetCore", .crypto],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SignetStoreTests",
            dependencies: ["SignetStore", "SignetMarket", "SignetVault", "SignetAuth", "SignetService", "SignetTesting", .grdb],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SignetServerTests",
            dependencies: [
                "SignetServer", "SignetLog", "SignetVault", "SignetMarket", "SignetStore", "SignetCore", "SignetAPI", "SignetAuth", "SignetService", "SignetWatch",
                .hummingbirdTesting,
                .openAPIRuntime,
                .grdb,
                .logging,
                .product(name: "InMemoryLogging", package: "swift-log"),
                .crypto,
                .httpTypes,
                .jwtKit,
                .prometheus,
                .nioCore,
                "SignetTesting", "SignetClient",
            ],
            swiftSettings: swiftSettings
        ),
        // Runs the built `signet` binary as a child process (crash safety, CLI behaviour, interop).
        .testTarget(
            name: "signetTests",
            dependencies: [
                "signet", "signet-fuzz", "SignetLog", "SignetMarket", "SignetStore", "SignetServer", "SignetVault", "SignetAuth", "SignetService",
                .hummingbird,
                .crypto,
                .grdb,
                .logging,
                "SignetTesting",
            ],
            exclude: ["Interop"],
            swiftSettings: swiftSettings
        ),
        // Runs the built `signet-bench` binary as a child process.
        .testTarget(
            name: "signet-benchTests",
            dependencies: ["signet-bench", "SignetTesting"],
            swiftSettings: swiftSettings
        ),
    ]
)
