import Foundation
import JSONValue
import TempoRuntime
import Testing

@testable import EngineBindings
@testable import TempoLibrary

@Suite("claim(…): a paper's claim beside a notebook's numbers")
struct ClaimLanguageTests {
  static let arms = """
    let data = Digits().split(0.8, seed: 0)
    let sgd = seeds(2, name: "SGD 0.1") { s in fit(MLP([64, 16, 10]), on: data, optimizer: SGD(learningRate: 0.1), seed: s, progress: false) }
    let slow = seeds(2, name: "SGD 1e-4") { s in fit(MLP([64, 16, 10]), on: data, optimizer: SGD(learningRate: 0.0001), seed: s, progress: false) }
    """

  func claim(_ session: LibrarySession, _ code: String) throws -> ClaimObject {
    guard case .host(let object as ClaimObject)? = session.value(code) else {
      throw ClaimTestFailure.notAClaim
    }
    return object
  }

  enum ClaimTestFailure: Error { case notAClaim }

  @Test("a RunGroup shows its metric as mean [min, max] over its seeds; the verdict is the cell's")
  func groups() throws {
    let session = LibrarySession()
    _ = session.value(Self.arms)
    let object = try claim(
      session,
      """
      let better = sgd.testAccuracy["mean"]! > slow.testAccuracy["mean"]!
      claim("M9", "a rate of 0.1 beats 1e-4", figure: "Fig. 0", paper: "0.1 wins", ours: sgd, against: slow,
            verdict: better ? .reproduced : .notReproduced, why: "two seeds")
      """)
    guard case .double(let mean)? = session.value("sgd.testAccuracy[\"mean\"]!"),
      case .double(let low)? = session.value("sgd.testAccuracy[\"min\"]!")
    else {
      Issue.record("sgd.testAccuracy has no mean or min")
      return
    }
    #expect(object.claim.ours.hasPrefix("SGD 0.1: \(Format.percent(mean)) [\(Format.percent(low)), "))
    #expect(object.claim.ours.hasSuffix("] over 2 seeds"))
    #expect(object.claim.against?.hasPrefix("SGD 1e-4: ") == true)
    #expect(object.claim.verdict == "reproduced", "0.1 trains the digits MLP far better than 1e-4 in one epoch")
    #expect(object.claim.metric == "test accuracy")
  }

  @Test("the display carries the claim as a JSON object for the report, and a one-row table for people")
  func display() throws {
    let session = LibrarySession()
    let object = try claim(
      session,
      """
      claim("A2b", "wide intervals train", figure: "AL Fig. 3", paper: "NaN for SGD", ours: "trained", against: 0.5,
            metric: .testLoss, verdict: .partly, why: "one seed")
      """)
    let representations = object.displayRepresentations()
    let json = try JSON.parse(try #require(representations[ClaimObject.mimeType]))
    #expect(json["id"] == "A2b")
    #expect(json["ours"] == "trained")
    #expect(json["against"] == "0.5000", "a number is written as a loss is")
    #expect(json["verdict"] == "partly")
    #expect(json["metric"] == "test loss")
    #expect(json["why"] == "one seed")
    let html = try #require(representations["text/html"])
    #expect(html.contains("A2b: wide intervals train (AL Fig. 3)"))
    #expect(html.contains("partly — one seed"))
    let verdict = session.value(
      "claim(\"X\", \"s\", figure: \"f\", paper: \"p\", ours: 1.0, verdict: .notReproduced, why: \"w\").verdict")
    #expect(verdict?.description == ".notReproduced")
  }

  @Test(
    "a verdict outside the three, a missing verdict and a value of the wrong type are errors with help",
    arguments: [
      (
        "claim(\"M1\", \"s\", figure: \"f\", paper: \"p\", ours: 1.0, verdict: .yes, why: \"w\")",
        "'verdict' of 'claim'", "reproduced"
      ),
      (
        "claim(\"M1\", \"s\", figure: \"f\", paper: \"p\", ours: 1.0, why: \"w\")",
        "verdict", "verdict:"
      ),
      (
        "claim(\"M1\", \"s\", figure: \"f\", paper: \"p\", ours: [1], verdict: .partly, why: \"w\")",
        "'ours' of 'claim'", "RunGroup"
      ),
    ])
  func errors(_ call: (code: String, message: String, help: String)) throws {
    let session = LibrarySession()
    let error = try #require(session.error(call.code))
    #expect(error.rendered.contains(call.message), "\(error.rendered)")
    #expect(error.rendered.contains(call.help), "\(error.rendered)")
  }
}
