// swift-tools-version: 6.1
// The benchmarks: the load client (datastar-bench), the servers it measures
// (datastar-bench-server) and the compression benchmark (datastar-bench-compression), depending
// on swift-datastar by path. See README.md beside this file. From the repository root:
//   swift build -c release --package-path bench
import PackageDescription

let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "swift-datastar-benchmarks",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "datastar-bench-server", targets: ["DatastarBenchServer"]),
        .executable(name: "datastar-bench", targets: ["DatastarBench"]),
        .executable(name: "datastar-bench-compression", targets: ["DatastarCompressionBench"]),
    ],
    traits: [
        .trait(name: "Brotli", description: "Build swift-datastar with brotli (br) stream compression."),
        .trait(name: "Zstd", description: "Build swift-datastar with Zstandard (zstd) stream compression."),
        .default(enabledTraits: []),
    ],
    dependencies: [
        .package(
            name: "swift-datastar",
            path: "..",
            traits: [
                .trait(name: "Brotli", condition: .when(traits: ["Brotli"])),
                .trait(name: "Zstd", condition: .when(traits: ["Zstd"])),
            ]
        ),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/vapor/vapor.git", from: "4.122.3"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
    ],
    targets: [
        .executableTarget(
            name: "DatastarBenchServer",
            dependencies: [
                "CDatastarBenchSupport",
                .product(name: "Datastar", package: "swift-datastar"),
                .product(name: "DatastarNIO", package: "swift-datastar"),
                .product(name: "DatastarHummingbird", package: "swift-datastar"),
                .product(name: "DatastarVapor", package: "swift-datastar"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Vapor", package: "vapor"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "DatastarBench",
            dependencies: [
                "CDatastarBenchSupport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ],
            swiftSettings: strictSettings
        ),
        .target(name: "CDatastarBenchSupport"),
        .executableTarget(
            name: "DatastarCompressionBench",
            dependencies: [
                .product(name: "Datastar", package: "swift-datastar"),
                "CDatastarBenchSupport",
                .product(name: "DatastarNIO", package: "swift-datastar"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: strictSettings
        ),
    ]
)
