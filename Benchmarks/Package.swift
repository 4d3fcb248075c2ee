// swift-tools-version: 6.2
import PackageDescription

// In-process benchmarks of Gazette's message pipeline, run with `swift package benchmark` (ordo-one/benchmark).
//
// A package of its own so that the benchmark library, its plugins and the release build stay out of the
// main package and its `.build`. It depends on the main package by path and uses its `GazetteEngine`
// library product: the code measured is the code that ships, compiled from ../Sources.
//
// ordo-one/benchmark's targets must live in `Benchmarks/<Target>/` under this package's root (its plugin
// finds them by that parent folder name), hence Benchmarks/Benchmarks/GazetteBenchmarks.

let package = Package(
    name: "gazette-benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "gazette", path: ".."),
        // MallocInterposer: malloc counts without jemalloc. Naming the trait explicitly also turns off the
        // package's default RuntimeInterposer trait, whose swift-runtime-interposer package is not mirrored here.
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "GazetteBenchmarks",
            dependencies: [
                .product(name: "GazetteEngine", package: "gazette"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/GazetteBenchmarks",
            plugins: [
                .plugin(name: "BenchmarkPlugin", package: "benchmark")
            ]
        )
    ],
    swiftLanguageModes: [.v6]
)
