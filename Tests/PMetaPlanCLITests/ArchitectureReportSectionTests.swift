import Foundation
import Testing
@testable import PMetaPlanCLI

/// The architecture report's TinyMetaFed and MeDyate sections: figures counted by hand on 4Conv, and each section
/// is what the command it prints writes.
///
/// 4Conv (architectures/4conv.json): input 3 x 84 x 84; four blocks of conv 3x3 to 32 channels (bias), group norm,
/// ReLU, max pool 2; then the head, linear 800 -> 5.
/// Parameters: block1.conv 32 x 3 x 9 + 32 = 896; block2-4.conv 32 x 32 x 9 + 32 = 9,248 each, 27,744 in all;
/// four group norms 2 x 32 = 64 each, 256 in all; head 800 x 5 + 5 = 4,005. 32,901 in all.
@Suite struct ArchitectureReportSectionTests {
    let markdown: String

    init() throws {
        let files = try ReportCommand.shippedReportFiles("4conv", root: CommandHarness.root)
        markdown = try #require(files.first { $0.path == "reports/4conv.md" }).contents
    }

    @Test func federatedSectionCountsTheLocalHeadByHand() {
        // Local: the head, 4,005 parameters; global n = 32,901 - 4,005 = 896 + 27,744 + 256 = 28,896.
        #expect(markdown.contains("32,901 parameters, 28,896 global (federated), 4,005 local"))
        // k = ceil(10% x 28,896) = ceil(2,889.6) = 2,890 values, 2,890 x 4 B = 11,560 B.
        #expect(markdown.contains("k = ceil(10% x 28,896) = 2,890 global weights"))
        #expect(markdown.contains("values 11.56 kB (11,560 B)"))
        // Indices: the varint's worst case is 2,890 + floor((28,896 - 2,890) / 128) = 2,890 + 203 = 3,093 B, below the
        // bitmap's ceil(28,896 / 8) = 3,612 B and 32-bit indices' 4 x 2,890 = 11,560 B, so the varint is chosen.
        #expect(markdown.contains("| delta varint (LEB128 gaps) |   3.09 kB (3,093 B) |              2,890.0 B | yes    |"))
        #expect(markdown.contains("| bitmap                     |   3.61 kB (3,612 B) |"))
        // Per client and round: down 28,896 x 4 = 115,584 B, up 11,560 + 3,093 = 14,653 B, 130,237 B both ways;
        // the full model sends 32,901 x 4 = 131,604 B each way, 263,208 B.
        #expect(markdown.contains("| Up                   |     14.65 kB (14,653 B) |"))
        #expect(markdown.contains("| Down + up            |   130.24 kB (130,237 B) |   1.30 MB (1,302,370 B) |  263.21 kB (263,208 B) |"))
        // The run, 10 clients x 100 rounds: 130,237,000 B against 263,208,000 B.
        #expect(markdown.contains("| Down + up            | 130.24 MB (130,237,000 B) | 263.21 MB (263,208,000 B) |  50.5% |"))
    }

    @Test func federatedSectionIsWhatItsCommandPrints() {
        #expect(markdown.contains(
            "`pmeta-plan federated architectures/4conv.json --local head --top-p 10% --clients 10 --rounds 100`"))
        let printed = CommandHarness.run(["federated", CommandHarness.architecture("4conv"), "--local", "head", "--top-p", "10%",
                                          "--clients", "10", "--rounds", "100", "--format", "markdown"])
        #expect(printed.exitCode == .success)
        #expect(markdown.contains(printed.output))
    }

    @Test func dynamicSectionCountsTheLaRaBytesAndPeakByHand() {
        // At the first default budget, 1,398,437 B (a quarter of the way from the smallest peak to MAML's), the
        // dynamic plan updates block2-4.conv and the head in full. LaRa bytes (micro-batch 1, 4 B per element):
        // block1.conv stores nothing (it reads x_0, the sample in static memory), gradients 896 x 4 = 3,584 B;
        // head input 800 x 4 = 3,200 B, gradients 4,005 x 4 = 16,020 B; block4.conv input 32 x 10 x 10 x 4 =
        // 12,800 B, gradients 9,248 x 4 = 36,992 B.
        #expect(markdown.contains("|    1 | block1.conv |          1 |          0 B |         3.58 kB |"))
        #expect(markdown.contains("|    2 | head        |          1 |      3.20 kB |        16.02 kB |"))
        #expect(markdown.contains("|    3 | block4.conv |          1 |     12.80 kB |        36.99 kB |"))
        // The peak, the same for every draw: while block1.pool runs it holds its input 32 x 84 x 84 x 4 = 903,168 B
        // and its output 32 x 42 x 42 x 4 = 225,792 B, with the weight-gradient buffers of the updated layers,
        // 3 x 36,992 + 16,020 = 126,996 B: 1,255,956 B. Four layers, all their input channels: 3 x 32 + 800 = 896;
        // block2.conv, last in the ranking, stores its input 225,792 B.
        #expect(markdown.contains("|              4 |           896 of 896 |"))
        #expect(markdown.contains("|    5 | block2.conv |          1 |    225.79 kB |        36.99 kB |              3.81 | 32 of 32 channels   |"))
        #expect(markdown.contains("FITS: the dynamic plan's adaptation peak is 1.26 MB (1,255,956 B) for every draw of channels"))
    }

    @Test func dynamicSectionIsWhatItsCommandPrintsBesideTheDraw() throws {
        let command = "pmeta-plan plan architectures/4conv.json --budget 1398437B --strategy dynamic"
        #expect(markdown.contains("`\(command)`"))
        let printed = CommandHarness.run(["plan", CommandHarness.architecture("4conv"), "--budget", "1398437B",
                                          "--strategy", "dynamic", "--format", "markdown"])
        #expect(printed.exitCode == .success)
        // Everything but the first draw, which needs the trainer's generator, is in the report verbatim.
        let draw = try #require(printed.output.range(of: "First draw (--seed 0):"))
        let peak = try #require(printed.output.range(of: "\nPeak: "))
        #expect(markdown.contains(String(printed.output[..<draw.lowerBound])))
        #expect(markdown.contains(String(printed.output[peak.lowerBound...])))
    }

    @Test(arguments: CommittedReportTests.architectures)
    func everyCommittedReportHasBothSections(_ name: String) throws {
        let committed = try String(contentsOfFile: "\(CommandHarness.root)/reports/\(name).md", encoding: .utf8)
        #expect(committed.contains("\n## Federated meta-learning (TinyMetaFed)\n"))
        #expect(committed.contains("\n## Dynamic channel plan (MeDyate)\n"))
        #expect(committed.contains("`pmeta-plan federated architectures/\(name).json --local "))
        #expect(committed.contains("`pmeta-plan plan architectures/\(name).json --budget "))
    }
}
