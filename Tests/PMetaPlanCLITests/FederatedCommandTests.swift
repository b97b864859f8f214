import Foundation
import Testing
@testable import PMetaPlanCLI

/// `pmeta-plan federated`: exact integers in JSON, and usage errors that name the option.
@Suite struct FederatedCommandTests {
    static let base = ["federated", CommandHarness.architecture("4conv"), "--clients", "10", "--rounds", "100"]

    @Test func jsonHasExactIntegers() throws {
        let result = CommandHarness.run(Self.base + ["--local", "block4.*,head", "--top-p", "50", "--format", "json"])
        #expect(result.exitCode == .success)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
        let upload = try #require(object["upload"] as? [String: Any])
        // 19,584 global weights (32,901 - 9,248 - 64 - 4,005); k = 9,792; bitmap 19,584 / 8 = 2,448 B.
        #expect(upload["values_sent"] as? Int == 9_792)
        #expect(upload["encoding"] as? String == "bitmap")
        #expect(upload["index_bytes"] as? Int == 2_448)
        let total = try #require((object["total"] as? [String: Any])?["tinymetafed"] as? [String: Any])
        #expect(total["down_bytes"] as? Int == 19_584 * 4 * 10 * 100)
        #expect(object["energy"] is NSNull)
    }

    @Test(arguments: [
        (["--top-p", "10"], "Error: missing --local, e.g. --local head"),
        (["--local", "head"], "Error: missing --top-p, e.g. --top-p 10"),
        (["--local", "hed", "--top-p", "10"], "Error: --local: 'hed' matches no layer of 4Conv (did you mean 'head'?)"),
        (["--local", "head", "--top-p", "0"], "Error: --top-p must be above 0% and at most 100%, found 0%"),
        (["--local", "head", "--top-p", "10", "--energy-per-byte", "1nJ"], "Error: give --energy-per-byte and --energy-per-mac together"),
        (["--local", "head", "--top-p", "10", "--energy-per-byte", "1 kWh", "--energy-per-mac", "1nJ"], "Error: --energy-per-byte: invalid energy '1 kWh'"),
    ])
    func badOptionsAreUsageErrors(arguments: [String], message: String) {
        let result = CommandHarness.run(Self.base + arguments)
        #expect(result.exitCode == .usage)
        #expect(result.errorOutput.hasPrefix(message), "\(result.errorOutput)")
        #expect(result.output.isEmpty)
    }
}
