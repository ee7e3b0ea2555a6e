// swift-tools-version: 6.1
// The demo app and the conformance server: apps built on swift-datastar the way a user's
// package would be, depending on the library by path. Run from the repository root:
//   swift run --package-path Examples datastar-demo
//   swift run --package-path Examples datastar-conformance --port 7331
import PackageDescription

let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "swift-datastar-examples",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "datastar-demo", targets: ["DatastarDemo"]),
        .executable(name: "datastar-conformance", targets: ["DatastarConformance"]),
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
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-asn1.git", from: "1.7.4"),
    ],
    targets: [
        .executableTarget(
            name: "DatastarDemo",
            dependencies: [
                .product(name: "Datastar", package: "swift-datastar"),
                .product(name: "DatastarNIO", package: "swift-datastar"),
                .product(name: "DatastarHummingbird", package: "swift-datastar"),
                .product(name: "DatastarPostgres", package: "swift-datastar"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdHTTP2", package: "hummingbird"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "ConformanceServer",
            dependencies: [
                .product(name: "Datastar", package: "swift-datastar"),
                .product(name: "DatastarNIO", package: "swift-datastar"),
                .product(name: "DatastarHummingbird", package: "swift-datastar"),
                .product(name: "DatastarVapor", package: "swift-datastar"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Vapor", package: "vapor"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "DatastarConformance",
            dependencies: [
                "ConformanceServer",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Vapor", package: "vapor"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "ConformanceTests",
            dependencies: [
                "ConformanceServer",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Vapor", package: "vapor"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            resources: [.copy("Golden")],
            swiftSettings: strictSettings
        ),
    ]
)
