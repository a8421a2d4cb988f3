import JSONValue

/// A kernel connection file: where to bind the five sockets and the signing key.
///
/// Unknown fields are ignored, so files written by newer clients (CurveZMQ keys, kernel names)
/// still load.
public struct ConnectionInfo: Sendable, Equatable {
  public enum Transport: String, Sendable { case tcp, ipc }

  public var transport: Transport
  public var ip: String
  public var ports: [Channel: Int]
  public var key: [UInt8]
  public var signatureScheme: String

  public init(transport: Transport, ip: String, ports: [Channel: Int], key: [UInt8], signatureScheme: String) {
    self.transport = transport
    self.ip = ip
    self.ports = ports
    self.key = key
    self.signatureScheme = signatureScheme
  }

  /// Why a connection file cannot be used; the message names the field and the fix.
  public struct Invalid: Error, CustomStringConvertible {
    public var description: String
  }

  public init(json bytes: [UInt8]) throws(Invalid) {
    let json: JSON
    do {
      json = try JSON.parse(bytes)
    } catch {
      throw Invalid(description: "the connection file is not JSON: \(error.description)")
    }
    guard case .object = json else { throw Invalid(description: "the connection file is not a JSON object") }
    let transportName = json["transport"]?.stringValue ?? "tcp"
    guard let transport = Transport(rawValue: transportName) else {
      throw Invalid(description: "unknown transport '\(transportName)'; use \"tcp\" or \"ipc\"")
    }
    let scheme = json["signature_scheme"]?.stringValue ?? "hmac-sha256"
    guard scheme == "hmac-sha256" else {
      throw Invalid(description: "unsupported signature_scheme '\(scheme)'; Tempo signs with \"hmac-sha256\"")
    }
    var ports: [Channel: Int] = [:]
    for channel in Channel.allCases {
      let field = channel == .heartbeat ? "hb_port" : "\(channel.rawValue)_port"
      guard let port = json[field]?.intValue, (0...65535).contains(port) else {
        throw Invalid(description: "'\(field)' is missing or not a port number")
      }
      ports[channel] = port
    }
    self.init(
      transport: transport, ip: json["ip"]?.stringValue ?? "127.0.0.1", ports: ports,
      key: Array((json["key"]?.stringValue ?? "").utf8), signatureScheme: scheme)
  }

  /// `tcp://IP:PORT`, or `ipc://IP-PORT` (a dash: the ipc transport names a file).
  public func endpoint(for channel: Channel) -> String {
    let port = ports[channel] ?? 0
    switch transport {
    case .tcp: return "tcp://\(ip):\(port)"
    case .ipc: return "ipc://\(ip)-\(port)"
    }
  }
}
