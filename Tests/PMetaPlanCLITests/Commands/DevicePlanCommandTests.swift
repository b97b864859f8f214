import Foundation
import Testing
@testable import PMetaPlanCLI

/// `plan --device NAME` and `plan --sram SIZE --flash SIZE` through the entry point (issue 13's device model).
@Suite struct DevicePlanCommandTests {
    /// The DS-CNN on an nRF52840 (256 KiB SRAM, 1 MiB flash), int8 weights with int32 biases, 1-byte activations,
    /// 2-byte gradients and Adam: flash holds the model, the plan fits SRAM, and the peak includes the Adam state
    /// and SRAM copies of what it updates.
    @Test func theDSCNNPlansOnAnNRF52840() throws {
        let result = CommandHarness.run(["plan", "--device", "nrf52840", "--weight-bytes", "1", "--bias-bytes", "4", "--activation-bytes", "1",
                                         "--gradient-bytes", "2", "--optimizer", "adam", "--format", "json", CommandHarness.architecture("ds-cnn")])
        #expect(result.exitCode == .success, "\(result.errorOutput)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
        let device = try #require(json["device"] as? [String: Any])
        #expect(device["sram_bytes"] as? Int == 262_144)
        #expect(device["flash_bytes"] as? Int == 1_048_576)
        #expect(device["fits_flash"] as? Bool == true)
        let peak = try #require(json["adaptation_peak_bytes"] as? Int)
        #expect(peak <= 262_144)
        let workload = try #require(json["workload"] as? [String: Any])
        #expect(workload["optimizer"] as? String == "adam")
        #expect(workload["updated_weight_copies"] as? Bool == true)
        #expect(workload["bias_bytes"] as? Int == 4)
    }

    /// The MCUNet-style network at 128 x 128 with `--sram 256KB --flash 1MB` (decimal sizes): at float32 its
    /// 1.92 MB model does not fit the flash (exit 1, no search); with int8 weights, int32 biases, int8 activations
    /// and int16 gradients it plans within 256,000 B.
    @Test func theMCUNetStyleNetworkPlansWithInt8WeightsAndActivations() throws {
        let refused = CommandHarness.run(["plan", "--sram", "256KB", "--flash", "1MB", CommandHarness.architecture("mcunet-style")])
        #expect(refused.exitCode == .overBudget)
        #expect(refused.output.contains("DOES NOT FIT: the model takes"))
        #expect(refused.output.contains("of flash"))
        let planned = CommandHarness.run(["plan", "--sram", "256KB", "--flash", "1MB", "--weight-bytes", "1", "--bias-bytes", "4",
                                          "--activation-bytes", "1", "--gradient-bytes", "2", "--format", "json",
                                          CommandHarness.architecture("mcunet-style")])
        #expect(planned.exitCode == .success, "\(planned.output)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(planned.output.utf8)) as? [String: Any])
        #expect(try #require(json["adaptation_peak_bytes"] as? Int) <= 256_000)
        #expect((json["device"] as? [String: Any])?["model_flash_bytes"] as? Int ?? 0 <= 1_000_000)
    }

    /// A written device plan records its update state, and `check` costs it under that record.
    @Test func aDevicePlanFileRecordsItsUpdateState() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("device-plan-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("plan.json").path
        let planned = CommandHarness.run(["plan", "--device", "stm32f746", "--optimizer", "momentum", "--weight-bytes", "1", "-o", path,
                                          CommandHarness.architecture("ds-cnn")])
        #expect(planned.exitCode == .success, "\(planned.errorOutput)")
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.contains("\"optimizer\": \"momentum\"") || text.contains("\"optimizer\":\"momentum\""))
        let checked = CommandHarness.run(["check", CommandHarness.architecture("ds-cnn"), "--plan", path, "--budget", "320KiB"])
        #expect(checked.exitCode == .success, "\(checked.output) \(checked.errorOutput)")
        let contradicted = CommandHarness.run(["check", CommandHarness.architecture("ds-cnn"), "--plan", path, "--budget", "320KiB",
                                               "--optimizer", "adam"])
        #expect(contradicted.exitCode == .usage)
    }

    @Test(arguments: [
        ["plan", "--device", "nrf52840", "--budget", "256KB"],
        ["plan", "--device", "nrf52840", "--include-static"],
        ["plan", "--device", "nrf52840", "--sweep"],
        ["plan", "--device", "nrf52840", "--strategy", "dynamic"],
        ["plan", "--device", "atmega328"],
        ["plan", "--flash", "1MB"],
        ["plan", "--sram", "256 parsecs"],
        ["plan", "--budget", "256KB", "--optimizer", "lion"],
    ])
    func conflictingOrMalformedDeviceOptionsAreUsageErrors(arguments: [String]) {
        let result = CommandHarness.run(arguments + [CommandHarness.architecture("ds-cnn")])
        #expect(result.exitCode == .usage, "\(arguments): \(result.errorOutput)")
        #expect(result.errorOutput.split(separator: "\n").first.map { $0.contains("--") } ?? false, "\(result.errorOutput)")
    }
}
