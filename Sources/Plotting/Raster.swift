/// Pixels as an uncompressed BMP in a `data:` URI, which an SVG `<image>` shows without
/// loading anything. BMP needs no compressor, and Plotting depends on nothing; images here
/// are small (data-set samples, large heatmaps), so the size is acceptable.
enum Raster {
  /// An RGB image, `rgb` row-major from the top row, three bytes per pixel.
  static func bmpDataURI(width: Int, height: Int, rgb: [UInt8]) -> String {
    "data:image/bmp;base64," + base64(bmp(width: width, height: height, rgb: rgb))
  }

  /// A 24-bit BMP: rows bottom-up, BGR, each row padded to four bytes.
  static func bmp(width: Int, height: Int, rgb: [UInt8]) -> [UInt8] {
    let rowBytes = (width * 3 + 3) & ~3
    let pixelBytes = rowBytes * height
    var bytes: [UInt8] = []
    bytes.reserveCapacity(54 + pixelBytes)
    func append32(_ value: Int) {
      for shift in stride(from: 0, to: 32, by: 8) { bytes.append(UInt8(truncatingIfNeeded: value >> shift)) }
    }
    func append16(_ value: Int) {
      bytes.append(UInt8(truncatingIfNeeded: value))
      bytes.append(UInt8(truncatingIfNeeded: value >> 8))
    }
    bytes += [0x42, 0x4D]  // "BM"
    append32(54 + pixelBytes)
    append32(0)
    append32(54)
    append32(40)  // BITMAPINFOHEADER
    append32(width)
    append32(height)
    append16(1)
    append16(24)
    append32(0)  // no compression
    append32(pixelBytes)
    append32(2835)  // 72 dpi
    append32(2835)
    append32(0)
    append32(0)
    for row in stride(from: height - 1, through: 0, by: -1) {
      for column in 0..<width {
        let i = (row * width + column) * 3
        bytes += [rgb[i + 2], rgb[i + 1], rgb[i]]
      }
      for _ in 0..<(rowBytes - width * 3) { bytes.append(0) }
    }
    return bytes
  }

  private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

  static func base64(_ bytes: [UInt8]) -> String {
    var out: [UInt8] = []
    out.reserveCapacity((bytes.count + 2) / 3 * 4)
    var i = 0
    while i + 2 < bytes.count {
      let n = Int(bytes[i]) << 16 | Int(bytes[i + 1]) << 8 | Int(bytes[i + 2])
      out += [alphabet[n >> 18], alphabet[(n >> 12) & 63], alphabet[(n >> 6) & 63], alphabet[n & 63]]
      i += 3
    }
    let rest = bytes.count - i
    if rest == 1 {
      let n = Int(bytes[i]) << 16
      out += [alphabet[n >> 18], alphabet[(n >> 12) & 63], 0x3D, 0x3D]
    } else if rest == 2 {
      let n = Int(bytes[i]) << 16 | Int(bytes[i + 1]) << 8
      out += [alphabet[n >> 18], alphabet[(n >> 12) & 63], alphabet[(n >> 6) & 63], 0x3D]
    }
    return String(decoding: out, as: UTF8.self)
  }
}

/// Viridis, the perceptually uniform colour map that stays readable in grey and with
/// colour-vision deficiencies; nine anchors, interpolated linearly.
enum Colormap {
  private static let anchors: [(Double, Double, Double)] = [
    (0x44, 0x01, 0x54), (0x47, 0x2D, 0x7B), (0x3B, 0x52, 0x8B), (0x2C, 0x72, 0x8E), (0x21, 0x91, 0x8C),
    (0x28, 0xAE, 0x80), (0x5E, 0xC9, 0x62), (0xAD, 0xDC, 0x30), (0xFD, 0xE7, 0x25),
  ]

  /// The colour at `t` in 0…1 (clamped) as bytes.
  static func rgb(_ t: Double) -> (UInt8, UInt8, UInt8) {
    let clamped = t.isFinite ? min(max(t, 0), 1) : 0
    let position = clamped * Double(anchors.count - 1)
    let index = min(Int(position), anchors.count - 2)
    let f = position - Double(index)
    let a = anchors[index]
    let b = anchors[index + 1]
    func mix(_ u: Double, _ v: Double) -> UInt8 { UInt8((u + (v - u) * f).rounded()) }
    return (mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
  }

  static func hex(_ t: Double) -> String {
    let (r, g, b) = rgb(t)
    return "#" + hexByte(r) + hexByte(g) + hexByte(b)
  }

  static func hexByte(_ byte: UInt8) -> String {
    let digits = Array("0123456789abcdef")
    return String(digits[Int(byte >> 4)]) + String(digits[Int(byte & 15)])
  }
}
