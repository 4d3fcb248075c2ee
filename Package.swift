// swift-tools-version: 6.2
import PackageDescription

// One shared set of settings for every target, as Hummingbird does.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "gazette",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "gazette", targets: ["GazetteCLI"]),
        // For the in-process benchmarks in Benchmarks/ (a package of their own): the engine without the CLI and web.
        .library(
            name: "GazetteEngine",
            targets: ["GazetteCore", "GazetteStore", "GazetteTemplates", "GazetteMail", "GazetteDelivery"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-configuration", from: "1.4.0"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/yaslab/CSV.swift", from: "2.5.2"),
        .package(url: "https://github.com/apple/swift-system", from: "1.5.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.34.1"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
    ],
    targets: [
        .target(
            name: "GazetteCore",
            dependencies: [
                .product(name: "Logging", package: "swift-log"),
                // HMAC for signed links: pure computation shared by the mail and web modules.
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "GazetteStore",
            dependencies: [
                "GazetteCore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "CSV", package: "CSV.swift"),
            ],
            swiftSettings: swiftSettings
        ),
        // The PostgreSQL backend of the store, in a module of its own so that only the CLI (and its tests)
        // link postgres-nio; GazetteStore and the fuzz package stay with GRDB alone.
        .target(
            name: "GazetteStorePostgres",
            dependencies: [
                "GazetteCore",
                "GazetteStore",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "GazetteTemplates",
            dependencies: [
                "GazetteCore",
                .product(name: "Mustache", package: "swift-mustache"),
            ],
            swiftSettings: swiftSettings
        ),
        // libcurl from the system (Debian: libcurl4-openssl-dev), with typed wrappers of its variadic calls.
        .systemLibrary(
            name: "CGazetteCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        .target(
            name: "GazetteMail",
            dependencies: [
                "GazetteCore",
                "CGazetteCurl",
                // DKIM: SHA-256 and Ed25519 from Crypto, RSA (PKCS #1 v1.5 signatures, PEM keys) from _CryptoExtras.
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "GazetteDelivery",
            dependencies: [
                "GazetteCore",
                "GazetteStore",
                "GazetteTemplates",
                "GazetteMail",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "GazetteWeb",
            dependencies: [
                "GazetteCore",
                "GazetteStore",
                "GazetteTemplates",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "GazetteCLI",
            dependencies: [
                "GazetteCore",
                "GazetteStore",
                "GazetteStorePostgres",
                "GazetteTemplates",
                "GazetteMail",
                "GazetteDelivery",
                "GazetteWeb",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "CSV", package: "CSV.swift"),
                .product(name: "SystemPackage", package: "swift-system"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // Shared by the test targets: real SMTP peers, the independent message checker, decoders.
        .target(
            name: "GazetteTestSupport", dependencies: ["GazetteStore", "GazetteStorePostgres"], path: "Tests/GazetteTestSupport",
            swiftSettings: swiftSettings),
        .testTarget(name: "GazetteCoreTests", dependencies: ["GazetteCore"], swiftSettings: swiftSettings),
        .testTarget(
            name: "GazetteStoreTests",
            dependencies: [
                "GazetteStore", "GazetteStorePostgres", "GazetteCore", "GazetteTestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "GazetteTemplatesTests",
            dependencies: ["GazetteTemplates", "GazetteCore"],
            exclude: ["Golden"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "GazetteMailTests", dependencies: ["GazetteMail", "GazetteCore", "GazetteTestSupport"],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "GazetteDeliveryTests",
            dependencies: [
                "GazetteDelivery", "GazetteStore", "GazetteTemplates", "GazetteMail", "GazetteCore", "GazetteTestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "ServiceLifecycleTestKit", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "GazetteWebTests",
            dependencies: [
                "GazetteWeb", "GazetteStore", "GazetteCore", "GazetteTemplates", "GazetteTestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "GazetteCLITests",
            dependencies: ["GazetteCLI", "GazetteTestSupport"],
            swiftSettings: swiftSettings
        ),
    ],
    swiftLanguageModes: [.v6]
)
