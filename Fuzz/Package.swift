// swift-tools-version: 6.2
import PackageDescription

// libFuzzer harnesses for Gazette. A package of its own so that the instrumented build never touches
// the main package's `.build`. The main package exports no library products, so the product modules
// are compiled here again from the main repository's sources: SwiftPM refuses target paths outside the
// package root, so Sources/GazetteCore, GazetteStore, GazetteMail and CGazetteCurl are symlinks to
// ../../Sources/<name>.

// The same settings as every target of the main package.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

// Coverage instrumentation for the code under test and the harnesses (libFuzzer's `-fsanitize=fuzzer`).
let instrumented: [SwiftSetting] = swiftSettings + [.unsafeFlags(["-sanitize=fuzzer"])]

// A harness: no `main`, libFuzzer's driver runs it; linked with the libFuzzer runtime.
func harness(_ name: String, dependencies: [Target.Dependency]) -> Target {
    .executableTarget(
        name: name,
        dependencies: dependencies + ["FuzzSupport"],
        swiftSettings: instrumented + [.unsafeFlags(["-parse-as-library"])],
        linkerSettings: [.unsafeFlags(["-sanitize=fuzzer"])]
    )
}

let package = Package(
    name: "gazette-fuzz",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/yaslab/CSV.swift", from: "2.5.2"),
    ],
    targets: [
        .target(
            name: "GazetteCore",
            dependencies: [
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: instrumented
        ),
        .target(
            name: "GazetteStore",
            dependencies: [
                "GazetteCore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "CSV", package: "CSV.swift"),
            ],
            swiftSettings: instrumented
        ),
        .systemLibrary(
            name: "CGazetteCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        .target(
            name: "GazetteMail",
            dependencies: [
                "GazetteCore", "CGazetteCurl",
                // DKIM signing (RSA through _CryptoExtras), as in the main package.
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ],
            swiftSettings: instrumented
        ),
        // Declares libFuzzer's LLVMFuzzerRunDriver for the harnesses' entry points.
        .target(name: "FuzzSupport"),
        harness("FuzzImporters", dependencies: ["GazetteStore", "GazetteCore"]),
        harness("FuzzComposer", dependencies: ["GazetteMail", "GazetteCore"]),
        harness("FuzzLinkVerifier", dependencies: ["GazetteCore"]),
        harness("FuzzBounceParser", dependencies: ["GazetteMail", "GazetteCore"]),
    ],
    swiftLanguageModes: [.v6]
)
