"""Writes Sources/TempoKernel/KernelspecLogos.swift from kernelspec/tempo's logos (`make logos`).

`tempo install` must work from the binary alone, so the logos travel inside it; a Swift test
checks that the embedded bytes still equal these files.
"""
import base64
from pathlib import Path

here = Path(__file__).parent / "tempo"
print("import Foundation\n")
print("/// Generated from kernelspec/tempo by `make logos`; a test checks they match.")
print("enum KernelspecLogos {")
print("  static let files: [(String, [UInt8])] = [")
for name in ["logo-32x32.png", "logo-64x64.png", "logo-svg.svg"]:
    data = base64.b64encode((here / name).read_bytes()).decode()
    lines = "\n".join("        " + data[i : i + 96] for i in range(0, len(data), 96))
    print(f'    (\n      "{name}",\n      decode(\n        """\n{lines}\n        """)\n    ),')
print("  ]\n")
print("  private static func decode(_ base64: String) -> [UInt8] {")
print("    [UInt8](Data(base64Encoded: base64, options: .ignoreUnknownCharacters) ?? Data())")
print("  }")
print("}")
