import Foundation
@testable import PMetaPlanCLI
import Testing

/// The arguments fuzz target's safety rules: what it refuses, and where it sends what it runs.
@Suite struct ArgumentSandboxTests {
    let sandbox: ArgumentSandbox

    init() throws {
        sandbox = try #require(ArgumentSandbox.shared)
    }

    @Test(arguments: [
        ["plan", "--budget", "1MB", "/etc/passwd"], ["analyze", "--plan=/tmp/p.json", "4conv.json"], ["plan", "../4conv.json"],
        ["--budget", "1MB", "4conv.json", "-o", "~/p.json"], ["meta-train", "conv.json", "-o", "out"], ["validate", "conv.json"],
        ["bench"], ["bench-trainer"], ["reproduce"], ["report", "--all"], ["simulate-dynamic", "4conv.json", "--weights", "model"],
        ["simulate-dynamic", "conv.json", "--weights", "model", "--tasks", "3"], ["plan", "--budget", "1MB", "4conv.json", "-k", "5"],
    ])
    func unsafeOrLongCommandLinesAreSkipped(_ arguments: [String]) {
        #expect(sandbox.prepare(arguments) == nil)
    }

    @Test func fixedFilesAndOutputsAreRewrittenIntoTheWorkFolder() throws {
        let prepared = try #require(sandbox.prepare(["--budget", "1MB", "4conv.json", "-o", "p.json"]))
        #expect(prepared == ["--budget", "1MB", sandbox.work + "/4conv.json", "-o", sandbox.work + "/p.json"])
        let report = try #require(sandbox.prepare(["report", "conv.json", "--output=r.md"]))
        #expect(report == ["report", sandbox.work + "/conv.json", "--output=" + sandbox.work + "/r.md"])
        let simulation = try #require(sandbox.prepare(["simulate-dynamic", "conv.json", "--weights", "model"]))
        #expect(simulation == ["simulate-dynamic", "--tasks", "1", "--epochs", "1", sandbox.work + "/conv.json", "--weights", sandbox.work + "/model"])
        // A usage error runs nothing, so it is passed on as it is.
        #expect(sandbox.prepare(["plan", "--frobnicate"]) == ["plan", "--frobnicate"])
    }

    @Test func seedCommandLinesAnswerAsDocumented() throws {
        for seed in ["--budget\n1.2MB\n4conv.json", "check\n4conv.json\n--plan\nplan.json\n--budget\n700KB",
                     "simulate-dynamic\nconv.json\n--weights\nmodel", "analyze\nnothing.json", ""] {
            #expect(CommandFuzzTarget.arguments.violations(for: Array(seed.utf8)) == [], "\(seed.debugDescription)")
        }
        let converted = try #require(sandbox.run(["convert", "model.onnx", "-o", "m.json"]))
        #expect(converted.result.exitCode == .success, "\(converted.result.errorOutput)")
        #expect(converted.arguments.last == sandbox.work + "/m.json")
        let missing = try #require(sandbox.run(["analyze", "nothing.json"]))
        #expect(missing.result.exitCode == .unreadableInput && missing.result.errorOutput.hasPrefix("Error: nothing.json"),
                "\(missing.result.errorOutput)")
    }
}
