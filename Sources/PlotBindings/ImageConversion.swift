import Plotting
import TempoRuntime

/// Tempo arrays as raster images: `[[Double]]` grey, `[[[Double]]]` with three channels RGB,
/// or a flat array with a width (square when none).
enum ImageConversion {
  static func image(_ value: Value, index: Int, width: Int?, args: Arguments) throws -> RasterImage {
    guard case .array(let rows) = value, let first = rows.first else {
      throw RuntimeError(
        .typeError, "image \(index) passed to 'images' is a \(value.typeName), not an array of pixel values",
        help: "pass each image as rows of pixels ([[Double]]), rows of RGB triples, or a flat array")
    }
    var pixels: [Double] = []
    var channels = 1
    var height: Int
    var imageWidth: Int
    if case .array(let firstRow) = first {
      height = rows.count
      imageWidth = firstRow.count
      if case .array(let pixel)? = firstRow.first { channels = pixel.count }
      guard channels == 1 || channels == 3 else {
        throw RuntimeError(.valueError, "image \(index) has \(channels) channels; images are grey (1) or RGB (3)")
      }
      for (r, row) in rows.enumerated() {
        guard case .array(let columns) = row, columns.count == imageWidth else {
          throw RuntimeError(
            .valueError, "row \(r) of image \(index) does not have \(imageWidth) pixels like row 0",
            help: "every row of an image needs the same number of pixels")
        }
        if channels == 1 {
          pixels += try args.numbers(from: row, parameter: "images")
        } else {
          for pixel in columns { pixels += try args.numbers(from: pixel, parameter: "images").prefix(3) }
        }
      }
    } else {
      let flat = try args.numbers(from: value, parameter: "images")
      let side = Int(Double(flat.count).squareRoot().rounded())
      imageWidth = width ?? side
      guard imageWidth > 0, flat.count % imageWidth == 0 else {
        throw RuntimeError(
          .valueError, "image \(index) has \(flat.count) values, which is not a whole number of rows of \(imageWidth)",
          help: "pass width: with the image's width in pixels")
      }
      height = flat.count / imageWidth
      pixels = flat
    }
    // Data sets store bytes; plots want 0…1.
    if let largest = pixels.filter(\.isFinite).max(), largest > 1 {
      pixels = pixels.map { $0 / 255 }
    }
    return RasterImage(width: imageWidth, height: height, channels: channels, pixels: pixels)
  }
}
