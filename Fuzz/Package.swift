// swift-tools-version:6.0
import PackageDescription

/// libFuzzer targets for Tempo's parsers and its language, built apart from the main package
/// because every module they reach is compiled with `-sanitize=fuzzer,address` and
/// `-parse-as-library` (libFuzzer supplies `main`). `make fuzz` builds and runs them; see
/// README.md.
let package = Package(
  name: "TempoFuzz",
  dependencies: [.package(name: "Tempo", path: "..")],
  targets: [
    .target(name: "FuzzSupport"),
    .executableTarget(
      name: "FuzzWire", dependencies: ["FuzzSupport", .product(name: "JupyterKernel", package: "Tempo")]),
    .executableTarget(name: "FuzzJSON", dependencies: ["FuzzSupport", .product(name: "JSONValue", package: "Tempo")]),
    .executableTarget(
      name: "FuzzSafeTensors", dependencies: ["FuzzSupport", .product(name: "TensorCore", package: "Tempo")]),
    .executableTarget(
      name: "FuzzDataFiles", dependencies: ["FuzzSupport", .product(name: "Datasets", package: "Tempo")]),
    .executableTarget(
      name: "FuzzLanguage",
      dependencies: [
        "FuzzSupport", .product(name: "TempoRuntime", package: "Tempo"),
        .product(name: "TempoLibrary", package: "Tempo"),
      ]),
  ]
)
