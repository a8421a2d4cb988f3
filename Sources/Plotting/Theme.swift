/// Every visual constant of a figure in one place, so figures look alike and a change of
/// style is one edit.
public struct Theme: Sendable {
  /// Okabe and Ito's palette, readable with every common colour-vision deficiency; yellow
  /// last, because it is faint on white.
  public var palette: [String] = [
    "#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#000000", "#F0E442",
  ]
  public var background = "#ffffff"
  public var text = "#222222"
  public var mutedText = "#555555"
  public var axis = "#444444"
  public var gridLine = "#e6e6e6"
  /// Generic families only: a notebook shows SVG as an image, and nothing external loads there.
  public var fontFamily = "sans-serif"
  public var fontSize = 11.0
  public var titleFontSize = 13.0
  /// Baseline to baseline, for titles that wrap onto several lines.
  public var titleLineHeight = 17.0
  /// Average advance of a character as a fraction of the font size, for layout without fonts.
  public var characterWidth = 0.6
  public var panelWidth = 560.0
  public var panelHeight = 340.0
  /// The widest a figure gets: panels side by side share it, narrower and a little lower, so a
  /// figure fits a notebook column (JupyterLab's output area is about 850 px wide in a
  /// 1280-px window with the file browser open) instead of overflowing it.
  public var maxFigureWidth = 800.0
  /// How much lower than `panelHeight` a panel narrowed to fit `maxFigureWidth` may get.
  public var minimumHeightScale = 0.75
  public var lineWidth = 1.6
  public var markerRadius = 2.6
  public var bandOpacity = 0.2
  public var tickLength = 4.0
  /// Roughly how many ticks an axis asks for per 100 px.
  public var ticksPer100Pixels = 1.2

  public init() {}

  public static let standard = Theme()

  /// The colour of series `index`, cycling through the palette.
  public func color(_ index: Int) -> String { palette[((index % palette.count) + palette.count) % palette.count] }

  /// `color` mixed with the background, `amount` of the colour: an opaque light shade, so
  /// touching shapes never show darker seams where translucent edges would overlap.
  public func tint(_ color: String, amount: Double) -> String {
    func channels(_ hex: String) -> [Double] {
      let digits = Array(hex.utf8.dropFirst())
      guard digits.count == 6 else { return [255, 255, 255] }
      return stride(from: 0, to: 6, by: 2).map { i in
        Double(Int(String(decoding: digits[i..<i + 2], as: UTF8.self), radix: 16) ?? 255)
      }
    }
    let mixed = zip(channels(color), channels(background)).map { c, b in
      UInt8((c * amount + b * (1 - amount)).rounded())
    }
    return "#" + mixed.map(Colormap.hexByte).joined()
  }
}
