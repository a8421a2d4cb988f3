import FuzzSupport
import JSONValue

/// The JSON wrapper over jansson: bytes → a value or a ParseError, never a crash; a value that
/// parses serialises to text that parses back to the same value.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSON(_ input: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
  guard let data = input else { return 0 }
  let bytes = UnsafeBufferPointer(start: data, count: size)
  guard let value = try? JSON.parse(bytes) else { return 0 }
  let text = value.serialized
  guard let again = try? JSON.parse(text) else {
    preconditionFailure("serialised JSON does not parse: \(String(decoding: text, as: UTF8.self))")
  }
  precondition(again == value || value.containsNaN, "a JSON value changed in a round trip")
  _ = value.text
  return 0
}

extension JSON {
  /// NaN is not equal to itself; jansson never produces one from text, but stay honest.
  var containsNaN: Bool {
    switch self {
    case .double(let d): return d.isNaN
    case .array(let items): return items.contains { $0.containsNaN }
    case .object(let map): return map.values.contains { $0.containsNaN }
    default: return false
    }
  }
}

/// The process's entry: SwiftPM links an executable's `main` to `FuzzJSON_main`, and this hands
/// the arguments (`-max_total_time=…`, corpus folders) to libFuzzer's driver with the test above.
@_cdecl("FuzzJSON_main")
public func fuzzJSONMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
  runFuzzer(fuzzJSON)
}
