// swift-tools-version:6.0
import PackageDescription

/// Tempo: a Jupyter kernel for a small Swift-like language that trains neural networks.
///
/// Targets are grouped by layer: the language, plotting, the engine, the language bindings of
/// plotting and the engine (assembled into the standard library), the Jupyter kernel, the
/// executable, the C shims they stand on, and the tests. `TempoSyntax` depends on nothing.
let package = Package(
  name: "Tempo",
  platforms: [.macOS(.v15)],
  products: [
    .executable(name: "tempo", targets: ["tempo"]),
    .library(name: "TempoRuntime", targets: ["TempoRuntime"]),
    // The modules the libFuzzer targets in Fuzz/ reach (a package of their own, built with the
    // fuzzer and address sanitizers).
    .library(name: "TempoLibrary", targets: ["TempoLibrary"]),
    .library(name: "JupyterKernel", targets: ["JupyterKernel"]),
    .library(name: "JSONValue", targets: ["JSONValue"]),
    .library(name: "TensorCore", targets: ["TensorCore"]),
    .library(name: "Datasets", targets: ["Datasets"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0")
  ],
  targets: [
    // MARK: - Language

    .target(name: "TempoSyntax", exclude: ["README.md"]),
    .target(name: "TempoRuntime", dependencies: ["TempoSyntax"], exclude: ["README.md"]),

    // MARK: - Display

    .target(name: "Plotting", exclude: ["README.md"]),

    // MARK: - Shared

    .target(name: "JSONValue", dependencies: ["CJansson"], exclude: ["README.md"]),
    .target(name: "SystemCalls", exclude: ["README.md"]),

    // MARK: - Engine

    .target(name: "TensorCore", dependencies: ["CBLAS", "JSONValue", "SystemCalls"], exclude: ["README.md"]),
    .target(name: "Autodiff", dependencies: ["TensorCore"], exclude: ["README.md"]),
    .target(name: "NN", dependencies: ["Autodiff", "TensorCore"], exclude: ["README.md"]),
    .target(name: "Optimizers", dependencies: ["NN", "Autodiff", "TensorCore"], exclude: ["README.md"]),
    .target(
      name: "Datasets", dependencies: ["TensorCore", "CZlib", "SystemCalls"],
      exclude: ["README.md", "DIGITS-LICENSE.md"]),
    .target(
      name: "Training", dependencies: ["Optimizers", "NN", "Autodiff", "TensorCore", "Datasets"], exclude: ["README.md"]
    ),
    .target(
      name: "EngineBenchmarks", dependencies: ["Optimizers", "NN", "Autodiff", "TensorCore"],
      exclude: ["README.md"]),

    // MARK: - Language bindings (the language face of plotting and of the engine)

    .target(name: "PlotBindings", dependencies: ["TempoRuntime", "Plotting", "SystemCalls"], exclude: ["README.md"]),
    .target(
      name: "EngineBindings",
      dependencies: [
        "TempoRuntime", "PlotBindings", "Plotting", "Training", "Datasets", "NN", "Optimizers", "TensorCore",
        "JSONValue", "SystemCalls",
      ],
      exclude: ["README.md"]),
    .target(
      name: "TempoLibrary", dependencies: ["TempoRuntime", "PlotBindings", "EngineBindings"], exclude: ["README.md"]),

    // MARK: - Jupyter

    .target(name: "JupyterKernel", dependencies: ["JSONValue", "COpenSSL"], exclude: ["README.md"]),
    .target(name: "JupyterZMQ", dependencies: ["JupyterKernel", "CZeroMQ", "SystemCalls"], exclude: ["README.md"]),
    .target(
      name: "TempoKernel", dependencies: ["JupyterKernel", "JSONValue", "TempoRuntime", "TempoLibrary"],
      exclude: ["README.md"]),

    // MARK: - Executable

    .executableTarget(
      name: "tempo",
      dependencies: [
        "TempoRuntime", "TempoLibrary", "TempoKernel", "JupyterKernel", "JupyterZMQ", "EngineBenchmarks",
        "TensorCore", "Plotting", "SystemCalls",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ],
      exclude: ["README.md"]
    ),

    // MARK: - System libraries (one Swift importer each)

    .systemLibrary(
      name: "CZeroMQ", pkgConfig: "libzmq",
      providers: [.apt(["libzmq3-dev"])]),
    .systemLibrary(
      name: "CBLAS", pkgConfig: "openblas",
      providers: [.apt(["libopenblas-dev"])]),
    .systemLibrary(
      name: "CJansson", pkgConfig: "jansson",
      providers: [.apt(["libjansson-dev"])]),
    .systemLibrary(
      name: "COpenSSL", pkgConfig: "libcrypto",
      providers: [.apt(["libssl-dev"])]),
    .systemLibrary(
      name: "CZlib", pkgConfig: "zlib",
      providers: [.apt(["zlib1g-dev"])]),

    // MARK: - Tests

    .target(
      name: "TestSupport",
      dependencies: ["TempoSyntax", "TempoRuntime", "JupyterKernel", "JSONValue", "Autodiff", "NN", "TensorCore"],
      path: "Sources/TestSupport",
      exclude: ["README.md"]),
    .testTarget(name: "TempoSyntaxTests", dependencies: ["TempoSyntax", "TestSupport"]),
    .testTarget(
      name: "TempoRuntimeTests",
      dependencies: ["TempoRuntime", "TempoSyntax", "TestSupport"],
      exclude: ["Fixtures", "PendingFixtures"]
    ),
    .testTarget(name: "TensorCoreTests", dependencies: ["TensorCore"], exclude: ["Fixtures"]),
    .testTarget(name: "AutodiffTests", dependencies: ["Autodiff", "TensorCore", "TestSupport"]),
    .testTarget(
      name: "NNTests", dependencies: ["NN", "Autodiff", "TensorCore", "JSONValue", "TestSupport"], exclude: ["Goldens"]),
    .testTarget(name: "DatasetsTests", dependencies: ["Datasets", "TensorCore"]),
    .testTarget(name: "OptimizersTests", dependencies: ["Optimizers", "NN", "Autodiff", "TensorCore", "JSONValue"]),
    .testTarget(name: "JupyterKernelTests", dependencies: ["JupyterKernel", "JSONValue", "TestSupport"]),
    .testTarget(name: "TempoKernelTests", dependencies: ["TempoKernel", "JupyterKernel", "JSONValue", "TestSupport"]),
    .testTarget(name: "PlottingTests", dependencies: ["Plotting"], exclude: ["Snapshots"]),
    .testTarget(
      name: "TrainingTests", dependencies: ["Training", "Datasets", "NN", "Optimizers", "Autodiff", "TensorCore"]),
    .testTarget(
      name: "TempoLibraryTests",
      dependencies: ["TempoLibrary", "PlotBindings", "EngineBindings", "TempoRuntime", "Plotting", "TestSupport"]),
    .testTarget(name: "EngineBenchmarksTests", dependencies: ["EngineBenchmarks", "Optimizers", "NN", "Autodiff"]),
    .testTarget(name: "LayoutTests"),
    .testTarget(
      name: "SystemLibrariesTests",
      dependencies: ["CZeroMQ", "CBLAS", "CJansson", "COpenSSL", "CZlib"]
    ),
  ],
  swiftLanguageModes: [.v6]
)
