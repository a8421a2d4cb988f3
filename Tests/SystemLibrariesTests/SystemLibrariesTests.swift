import CBLAS
import CBZip2
import CJansson
import COpenSSL
import CZeroMQ
import CZlib
import Testing

/// The system libraries later modules build on are installed and link: each answers a call.
struct SystemLibrariesTests {
  @Test("libzmq reports a 4.x version")
  func zeroMQ() {
    var major: Int32 = 0
    var minor: Int32 = 0
    var patch: Int32 = 0
    zmq_version(&major, &minor, &patch)
    #expect(major == 4)
  }

  @Test("OpenBLAS multiplies two matrices")
  func blas() {
    let a: [Float] = [1, 2, 3, 4]
    let b: [Float] = [5, 6, 7, 8]
    var c = [Float](repeating: 0, count: 4)
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, 2, 2, 2, 1, a, 2, b, 2, 0, &c, 2)
    #expect(c == [19, 22, 43, 50])
  }

  @Test("jansson parses and serialises JSON")
  func jansson() {
    var error = json_error_t()
    let value = json_loads("{\"a\": [1, 2]}", 0, &error)
    #expect(value != nil)
    if let value {
      let dumped = json_dumps(value, Int(JSON_COMPACT))
      #expect(dumped.map { String(cString: $0) } == "{\"a\":[1,2]}")
      free(dumped)
      json_decref(value)
    }
  }

  @Test("libcrypto computes HMAC-SHA256 (RFC 4231 test case 2)")
  func hmac() {
    let key = Array("Jefe".utf8)
    let data = Array("what do ya want for nothing?".utf8)
    var digest = [UInt8](repeating: 0, count: 32)
    var length: UInt32 = 0
    _ = HMAC(EVP_sha256(), key, Int32(key.count), data, data.count, &digest, &length)
    let hex = digest.prefix(Int(length)).map {
      String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16)
    }.joined()
    #expect(hex == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
  }

  @Test("zlib round-trips data")
  func zlib() {
    let input = Array(String(repeating: "tempo ", count: 100).utf8)
    var compressed = [UInt8](repeating: 0, count: Int(compressBound(UInt(input.count))))
    var compressedLength = UInt(compressed.count)
    #expect(compress(&compressed, &compressedLength, input, UInt(input.count)) == Z_OK)
    var output = [UInt8](repeating: 0, count: input.count)
    var outputLength = UInt(output.count)
    #expect(uncompress(&output, &outputLength, compressed, compressedLength) == Z_OK)
    #expect(output == input)
  }

  @Test("libbz2 round-trips data")
  func bzip2() {
    var input = Array(String(repeating: "tempo ", count: 100).utf8).map { CChar(bitPattern: $0) }
    var compressed = [CChar](repeating: 0, count: input.count + 600)
    var compressedLength = UInt32(compressed.count)
    #expect(BZ2_bzBuffToBuffCompress(&compressed, &compressedLength, &input, UInt32(input.count), 9, 0, 0) == BZ_OK)
    var output = [CChar](repeating: 0, count: input.count)
    var outputLength = UInt32(output.count)
    #expect(BZ2_bzBuffToBuffDecompress(&output, &outputLength, &compressed, compressedLength, 0, 0) == BZ_OK)
    #expect(output == input)
  }
}
