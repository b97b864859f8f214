/// A microcontroller's two memories, as its datasheet gives them: SRAM, which adaptation works in, and flash, which
/// holds the model.
///
/// The device model (issue 13): frozen weights stay in flash at their storage precision (`Precision.weightBytes`,
/// conv/linear biases at `Precision.biasBytes`); the updated weights are copied into SRAM, where they, their
/// gradients, the optimizer's state and every activation live. The flash keeps the whole model, the updated
/// layers' meta-learned values included: each new task adapts from them again. The support samples come in one
/// micro-batch at a time (from a sensor or flash); the micro-batch being computed is the network's input, which
/// the adaptation peak counts.
public struct DeviceMemory: Hashable, Sendable {
    /// The preset's name, or nil for sizes given by hand.
    public var name: String?
    /// SRAM, the bound of the adaptation peak.
    public var sram: ByteCount
    /// Flash, which must hold the model; nil when not given (not checked).
    public var flash: ByteCount?
    /// Where the figures come from.
    public var source: String?

    /// Creates a device memory.
    public init(name: String? = nil, sram: ByteCount, flash: ByteCount?, source: String? = nil) {
        self.name = name
        self.sram = sram
        self.flash = flash
        self.source = source
    }

    /// Datasheet memories of common microcontrollers. A datasheet's KB and MB are 2^10 and 2^20 bytes.
    public static let presets: [DeviceMemory] = [
        DeviceMemory(name: "stm32f746", sram: ByteCount(320 * 1024), flash: ByteCount(1024 * 1024),
                     source: "STM32F746xx datasheet: 320 KB SRAM, 1 MB flash (STM32F746NG)"),
        DeviceMemory(name: "nrf52840", sram: ByteCount(256 * 1024), flash: ByteCount(1024 * 1024),
                     source: "nRF52840 product specification: 256 KB RAM, 1 MB flash"),
        DeviceMemory(name: "rp2040", sram: ByteCount(264 * 1024), flash: ByteCount(2 * 1024 * 1024),
                     source: "RP2040 datasheet: 264 KB SRAM; 2 MB QSPI flash on the Raspberry Pi Pico"),
        DeviceMemory(name: "esp32-s3", sram: ByteCount(512 * 1024), flash: ByteCount(8 * 1024 * 1024),
                     source: "ESP32-S3 datasheet: 512 KB SRAM; 8 MB flash on the ESP32-S3-WROOM-1-N8 module"),
    ]

    /// The preset named `name` (case-insensitive), if any.
    public static func preset(named name: String) -> DeviceMemory? {
        presets.first { $0.name == name.lowercased() }
    }
}

/// A network on a device: the model in flash; SRAM is the planner's budget for the adaptation peak.
public struct DeviceFit: Hashable, Sendable {
    /// The device.
    public var device: DeviceMemory
    /// The model at its storage precision, as flash holds it (`CostModel.staticMemory`'s model bytes).
    public var flashBytes: ByteCount

    /// Whether flash holds the model (true when no flash size was given).
    public var fitsFlash: Bool { device.flash.map { flashBytes <= $0 } ?? true }

    /// Creates a fit.
    public init(device: DeviceMemory, flashBytes: ByteCount) {
        self.device = device
        self.flashBytes = flashBytes
    }
}

extension Workload {
    /// The workload on a device: the updated weights are copied from flash into SRAM.
    public func onDevice() -> Workload {
        var workload = self
        workload.updateState.copiesUpdatedWeights = true
        return workload
    }
}

extension DeviceFit {
    /// The device lines of a report: what flash holds and whether it fits, and what SRAM holds.
    public func lines(precision: Precision) -> [String] {
        let name = device.name.map { "\($0)" } ?? "device"
        var lines: [String] = []
        if let source = device.source { lines.append("Device: \(name) (\(source)).") }
        let precisionText = "\(precision.weightBytes) B per weight" + (precision.biasBytes.map { ", \($0) B per conv/linear bias" } ?? "")
        if let flash = device.flash {
            lines.append("Flash: the model at its storage precision (\(precisionText)) takes \(flashBytes) of \(flash): "
                + (fitsFlash ? "fits, \(ByteCount(flash.bytes - flashBytes.bytes).humanReadable) to spare." : "DOES NOT FIT."))
        } else {
            lines.append("Flash: the model at its storage precision (\(precisionText)) takes \(flashBytes) (no --flash given, not checked).")
        }
        lines.append("SRAM: activations, weight gradients, the updated weights' copies and the optimizer state; frozen weights are read from flash, "
            + "and the support samples come in one micro-batch at a time.")
        return lines
    }

    /// The fit as JSON.
    public var json: JSONValue {
        var members: [(key: String, value: JSONValue)] = []
        if let name = device.name { members.append(("name", .string(name))) }
        members.append(("sram_bytes", .integer(device.sram.bytes)))
        members.append(("flash_bytes", device.flash.map { .integer($0.bytes) } ?? .null))
        members.append(("model_flash_bytes", .integer(flashBytes.bytes)))
        members.append(("fits_flash", .bool(fitsFlash)))
        return .object(members)
    }
}
