/// A heatmap's cells and its colour bar. Small matrices are drawn as rectangles (crisp, and
/// each cell is inspectable); large ones as one pixelated raster image, since thousands of
/// rectangles would make the SVG too large for a notebook.
struct HeatmapRenderer {
  /// Above this many cells the heatmap becomes a raster image.
  static let maximumRectangles = 2_500

  let heatmap: HeatmapSeries
  let theme: Theme

  /// The colour range: the given one or the finite extent of the values.
  var valueRange: (Double, Double) {
    if let range = heatmap.valueRange, range.0.isFinite, range.1.isFinite, range.0 != range.1 { return range }
    guard let extent = finiteExtent(heatmap.values.joined(), positiveOnly: false) else { return (0, 1) }
    return extent.0 == extent.1 ? (extent.0 - 0.5, extent.1 + 0.5) : extent
  }

  private func normalized(_ value: Double, in range: (Double, Double)) -> Double {
    (value - range.0) / (range.1 - range.0)
  }

  func drawCells(into svg: inout SVGWriter, geometry: PanelGeometry) {
    svg.open("g", ["class": "series heatmap", "shape-rendering": "crispEdges"])
    let rows = heatmap.rowCount
    let columns = heatmap.columnCount
    guard rows > 0, columns > 0,
      let left = geometry.xScale.position(heatmap.xExtent.0), let right = geometry.xScale.position(heatmap.xExtent.1),
      let top = geometry.yScale.position(heatmap.yExtent.0), let bottom = geometry.yScale.position(heatmap.yExtent.1)
    else {
      svg.close("g")
      return
    }
    let cellWidth = (right - left) / Double(columns)
    let cellHeight = (bottom - top) / Double(rows)
    // Once, not per cell: `valueRange` scans every value, and per cell that made a 10 × 600
    // heatmap take seconds.
    let range = valueRange
    if rows * columns <= Self.maximumRectangles {
      for (i, row) in heatmap.values.enumerated() {
        for (j, value) in row.enumerated() where value.isFinite {
          svg.element(
            "rect",
            [
              "x": SVGWriter.number(left + Double(j) * cellWidth), "y": SVGWriter.number(top + Double(i) * cellHeight),
              "width": SVGWriter.number(cellWidth + 0.3), "height": SVGWriter.number(cellHeight + 0.3),
              "fill": Colormap.hex(normalized(value, in: range)),
            ])
        }
      }
      let cell = Rect(x: left, y: top, width: cellWidth, height: cellHeight)
      drawMarkedCells(into: &svg, cell: cell)
      drawCellTexts(into: &svg, cell: cell, range: range)
    } else {
      var rgb: [UInt8] = []
      rgb.reserveCapacity(rows * columns * 3)
      for row in heatmap.values {
        for j in 0..<columns {
          let value = j < row.count ? row[j] : .nan
          if value.isFinite {
            let (r, g, b) = Colormap.rgb(normalized(value, in: range))
            rgb += [r, g, b]
          } else {
            rgb += [0xEE, 0xEE, 0xEE]
          }
        }
      }
      svg.element(
        "image",
        [
          "x": SVGWriter.number(min(left, right)), "y": SVGWriter.number(min(top, bottom)),
          "width": SVGWriter.number(abs(right - left)), "height": SVGWriter.number(abs(bottom - top)),
          "preserveAspectRatio": "none", "style": "image-rendering:pixelated",
          "href": Raster.bmpDataURI(width: columns, height: rows, rgb: rgb),
        ])
    }
    svg.close("g")
  }

  /// The value in row `row`, column `column` (NaN where a row is short).
  private func value(row: Int, column: Int) -> Double {
    let values = heatmap.values[row]
    return column < values.count ? values[column] : .nan
  }

  /// A marked cell without a finite value (a run that diverged) is grey and crossed out, so
  /// it does not read as blank (never run). `cell` is the top-left cell.
  private func drawMarkedCells(into svg: inout SVGWriter, cell: Rect) {
    guard heatmap.markedCount > 0 else { return }
    svg.open("g", ["class": "marked", "stroke": theme.mutedText, "stroke-width": "1"])
    for i in 0..<heatmap.rowCount {
      for j in 0..<heatmap.columnCount
      where heatmap.mark(row: i, column: j) != nil && !value(row: i, column: j).isFinite {
        let x = cell.x + Double(j) * cell.width
        let y = cell.y + Double(i) * cell.height
        svg.element(
          "rect",
          [
            "x": SVGWriter.number(x), "y": SVGWriter.number(y), "width": SVGWriter.number(cell.width + 0.3),
            "height": SVGWriter.number(cell.height + 0.3), "fill": "#d9d9d9", "stroke": "none",
          ])
        svg.element(
          "line",
          [
            "x1": SVGWriter.number(x), "y1": SVGWriter.number(y), "x2": SVGWriter.number(x + cell.width),
            "y2": SVGWriter.number(y + cell.height),
          ])
        svg.element(
          "line",
          [
            "x1": SVGWriter.number(x), "y1": SVGWriter.number(y + cell.height), "x2": SVGWriter.number(x + cell.width),
            "y2": SVGWriter.number(y),
          ])
      }
    }
    svg.close("g")
  }

  /// Each cell's text, centred: its mark, or its value when `decimals` is set. One font size
  /// for all, the largest at which the longest text fits its cell; none below 6 px, where
  /// they could not be read anyway.
  private func drawCellTexts(into svg: inout SVGWriter, cell: Rect, range: (Double, Double)) {
    var texts: [(row: Int, column: Int, text: String)] = []
    for i in 0..<heatmap.rowCount {
      for j in 0..<heatmap.columnCount {
        let v = value(row: i, column: j)
        if let mark = heatmap.mark(row: i, column: j) {
          texts.append((i, j, mark))
        } else if let decimals = heatmap.decimals, v.isFinite {
          texts.append((i, j, NumberFormat.fixed(v, decimals: decimals)))
        }
      }
    }
    let longest = Double(texts.map(\.text.count).max() ?? 0)
    guard longest > 0 else { return }
    let width = abs(cell.width)
    let height = abs(cell.height)
    let size = min(theme.fontSize, height * 0.6, (width - 3) / (longest * theme.characterWidth))
    guard size >= 6 else { return }
    svg.open(
      "g", ["class": "cell-labels", "text-anchor": "middle", "font-size": SVGWriter.number(size)])
    for (i, j, text) in texts {
      let v = value(row: i, column: j)
      // White on viridis' dark purples and blues, dark on its greens and yellows.
      let fill = v.isFinite && normalized(v, in: range) < 0.55 ? "#ffffff" : theme.text
      svg.label(
        text, x: cell.x + (Double(j) + 0.5) * cell.width, y: cell.y + (Double(i) + 0.5) * cell.height + size * 0.35,
        ["fill": fill])
    }
    svg.close("g")
  }

  /// A vertical colour scale right of the plot, with ticks on the value range.
  func drawColorbar(into svg: inout SVGWriter, plot: Rect) {
    let x = plot.maxX + 14
    let width = 12.0
    let steps = 48
    let (low, high) = valueRange
    svg.open("g", ["class": "colorbar"])
    let stepHeight = plot.height / Double(steps)
    for s in 0..<steps {
      let t = 1 - (Double(s) + 0.5) / Double(steps)
      svg.element(
        "rect",
        [
          "x": SVGWriter.number(x), "y": SVGWriter.number(plot.y + Double(s) * stepHeight),
          "width": SVGWriter.number(width), "height": SVGWriter.number(stepHeight + 0.3), "fill": Colormap.hex(t),
        ])
    }
    let scale = Scale(kind: .linear, domain: (low, high), range: (plot.maxY, plot.y))
    svg.open("g", ["fill": theme.mutedText, "font-size": SVGWriter.number(theme.fontSize - 1)])
    for tick in scale.ticks(count: 5) {
      guard let y = scale.position(tick.value) else { continue }
      svg.label(tick.label, x: x + width + 3, y: y + theme.fontSize * 0.35)
    }
    svg.close("g")
    if let label = heatmap.colorbarLabel {
      let lx = x + width + 44
      let ly = plot.y + plot.height / 2
      svg.label(
        label, x: lx, y: ly,
        [
          "text-anchor": "middle", "fill": theme.text,
          "transform": "rotate(-90 \(SVGWriter.number(lx)) \(SVGWriter.number(ly)))",
        ])
    }
    svg.close("g")
  }
}

/// Samples of a data set in a grid, each image pixelated at a readable size with its caption.
struct ImageGridRenderer {
  let grid: ImageGridSeries
  let theme: Theme

  /// The size of one grid cell (image plus caption) for a panel `width` wide.
  static func cellSize(_ grid: ImageGridSeries, width: Double, theme: Theme) -> (width: Double, height: Double) {
    let cellWidth = width / Double(grid.columns)
    let aspect = grid.images.first.map { Double($0.height) / Double(max($0.width, 1)) } ?? 1
    let imageWidth = min(cellWidth - 6, 160)
    let caption = grid.captions == nil ? 0 : theme.fontSize + 4
    return (cellWidth, imageWidth * aspect + 6 + caption)
  }

  /// Draws the grid from `origin`; returns the y just below it.
  func draw(into svg: inout SVGWriter, origin: Point, width: Double) -> Double {
    let cell = Self.cellSize(grid, width: width, theme: theme)
    let imageWidth = min(cell.width - 6, 160)
    svg.open("g", ["class": "series images"])
    for (index, image) in grid.images.enumerated() {
      let row = index / grid.columns
      let column = index % grid.columns
      let x = origin.x + Double(column) * cell.width + (cell.width - imageWidth) / 2
      let y = origin.y + Double(row) * cell.height
      let imageHeight = imageWidth * Double(image.height) / Double(max(image.width, 1))
      svg.element(
        "image",
        [
          "class": "sample", "x": SVGWriter.number(x), "y": SVGWriter.number(y), "width": SVGWriter.number(imageWidth),
          "height": SVGWriter.number(imageHeight), "preserveAspectRatio": "none", "style": "image-rendering:pixelated",
          "href": Raster.bmpDataURI(width: image.width, height: image.height, rgb: Self.bytes(image)),
        ])
      if let captions = grid.captions, index < captions.count {
        svg.label(
          captions[index], x: x + imageWidth / 2, y: y + imageHeight + theme.fontSize + 1,
          ["text-anchor": "middle", "fill": theme.text])
      }
    }
    svg.close("g")
    let rows = (grid.images.count + grid.columns - 1) / grid.columns
    return origin.y + Double(rows) * cell.height
  }

  /// RGB bytes of an image whose values are in 0…1 (clamped; NaN shows black).
  static func bytes(_ image: RasterImage) -> [UInt8] {
    let count = image.width * image.height
    var rgb = [UInt8](repeating: 0, count: count * 3)
    func byte(_ v: Double) -> UInt8 { v.isFinite ? UInt8((min(max(v, 0), 1) * 255).rounded()) : 0 }
    for p in 0..<count {
      if image.channels >= 3 {
        for c in 0..<3 {
          let i = p * image.channels + c
          rgb[p * 3 + c] = i < image.pixels.count ? byte(image.pixels[i]) : 0
        }
      } else {
        let v = p < image.pixels.count ? byte(image.pixels[p]) : 0
        rgb[p * 3] = v
        rgb[p * 3 + 1] = v
        rgb[p * 3 + 2] = v
      }
    }
    return rgb
  }
}
