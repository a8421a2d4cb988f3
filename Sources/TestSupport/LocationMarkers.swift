/// Positions marked inside test sources with `1️⃣`, `2️⃣`, … (swift-syntax's habit), so a
/// test says *where* a diagnostic belongs in the text itself.
public enum LocationMarkers {
  static let markers = ["1️⃣", "2️⃣", "3️⃣", "4️⃣", "5️⃣", "6️⃣", "7️⃣", "8️⃣", "9️⃣"]

  /// The source with the markers removed, and each marker's UTF-8 offset in that source.
  public static func extract(_ marked: String) -> (source: String, offsets: [String: Int]) {
    var source = ""
    var offsets: [String: Int] = [:]
    var rest = Substring(marked)
    while !rest.isEmpty {
      if let marker = markers.first(where: { rest.hasPrefix($0) }) {
        offsets[marker] = source.utf8.count
        rest = rest.dropFirst(marker.count)
      } else {
        source.append(rest.removeFirst())
      }
    }
    return (source, offsets)
  }
}
