import Testing
@testable import PMetaPlanCLI

/// What a user sees, pinned in golden files (rewrite on purpose with RECORD_SNAPSHOTS=1).
@Suite struct SnapshotTests {
    @Test func reproduceTable() {
        CommandHarness.assertSnapshot(CommandHarness.run(["reproduce", "--architectures", "\(CommandHarness.root)/architectures"]).output,
                                      named: "reproduce.txt")
    }

    @Test func compareFourConv() {
        CommandHarness.assertSnapshot(CommandHarness.run(["compare", CommandHarness.architecture("4conv")]).output, named: "compare-4conv.txt")
    }

    @Test func analyzeResNet12() {
        CommandHarness.assertSnapshot(CommandHarness.run(["analyze", CommandHarness.architecture("resnet12")]).output, named: "analyze-resnet12.txt")
    }

    @Test func planFourConvAt1Point2MB() {
        CommandHarness.assertSnapshot(CommandHarness.run(["--budget", "1.2MB", CommandHarness.architecture("4conv")]).output,
                                      named: "plan-4conv-1.2MB.txt")
    }

    @Test func planResNet12At256kB() {
        CommandHarness.assertSnapshot(CommandHarness.run(["--budget", "256KB", CommandHarness.architecture("resnet12")]).output,
                                      named: "plan-resnet12-256KB.txt")
    }

    @Test func compareJSON() {
        CommandHarness.assertSnapshot(CommandHarness.run(["compare", CommandHarness.architecture("mlp-halfcheetah"), "--format", "json"]).output,
                                      named: "compare-mlp-halfcheetah.json")
    }

    @Test func planHelp() {
        CommandHarness.assertSnapshot(CommandHarness.run(["plan", "--help"]).output, named: "plan-help.txt")
    }

    @Test func federatedFourConv() {
        CommandHarness.assertSnapshot(CommandHarness.run(["federated", CommandHarness.architecture("4conv"), "--local", "head", "--top-p", "10",
                                                          "--clients", "10", "--rounds", "100",
                                                          "--energy-per-byte", "0.5uJ", "--energy-per-mac", "1nJ"]).output,
                                      named: "federated-4conv-head-top10.txt")
    }

    @Test func planFourConvDynamicAt1Point2MB() {
        CommandHarness.assertSnapshot(CommandHarness.run(["--budget", "1.2MB", CommandHarness.architecture("4conv"), "--strategy", "dynamic"]).output,
                                      named: "plan-4conv-1.2MB-dynamic.txt")
    }
}
