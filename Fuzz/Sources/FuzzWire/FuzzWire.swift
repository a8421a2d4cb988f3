import FuzzSupport
import JSONValue
import JupyterKernel

/// The wire codec: frames → a parsed message or a refusal, never a crash. The input is split
/// into frames at NUL bytes. An unsigned codec (empty key) lets the fuzzer reach the parsing
/// behind the signature; a signed one checks that forged frames are refused. A parsed request's
/// content then goes through the kernel's content checks, and the message is encoded again and
/// must decode to the same type and content.
let unsigned = WireCodec(key: [], session: "fuzz", maximumMessageBytes: 1 << 20)
let signed = WireCodec(key: Array("fuzz-key".utf8), session: "fuzz", maximumMessageBytes: 1 << 20)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzWire(_ input: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
  guard let data = input else { return 0 }
  let frames = UnsafeBufferPointer(start: data, count: size).split(separator: 0, omittingEmptySubsequences: false)
    .map(Array.init)
  if let message = try? unsigned.decode(frames) {
    if let type = MessageType(rawValue: message.type) { _ = RequestContent.problem(in: message.content, of: type) }
    if let type = MessageType(rawValue: message.type) {
      let again = unsigned.encode(OutgoingMessage(type: type, content: message.content))
      let decoded = try? WireCodec(key: [], session: "check").decode(again)
      precondition(decoded?.content == message.content, "content changed in an encode/decode round trip")
    }
  }
  _ = try? signed.decode(frames)
  return 0
}

/// The process's entry: SwiftPM links an executable's `main` to `FuzzWire_main`, and this hands
/// the arguments (`-max_total_time=…`, corpus folders) to libFuzzer's driver with the test above.
@_cdecl("FuzzWire_main")
public func fuzzWireMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
  runFuzzer(fuzzWire)
}
