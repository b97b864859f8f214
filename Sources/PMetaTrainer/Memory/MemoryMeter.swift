/// A ledger of every buffer an adaptation step holds, its peak, and the peak of each moment of the step.
///
/// The trainer announces each tensor it creates (`allocate`), each extra owner of one (`retain`: a saved
/// input that shares the activation's storage) and each owner that lets go (`release`); a buffer counts
/// from its allocation until its last owner releases it, which is also when Swift frees the storage. The
/// network's weights and the support samples are static memory and are not in the ledger, as in the cost
/// model. Time is divided into spans, one per layer of the forward and backward passes (`enter`), and
/// each span keeps the largest live total it saw.
public struct MemoryMeter: Sendable {
    /// What a buffer holds.
    public enum BufferKind: String, Sendable, Hashable, CaseIterable {
        /// A layer's output in the forward pass, alive until its last consumer ran.
        case activation
        /// x_{l-1} (its selected channels) kept for g(w_l).
        case savedInput = "saved input"
        /// A normalization's x̂ kept for its backward pass.
        case normalizedInput = "normalized input"
        /// A normalization's 1/σ per (sample, group).
        case normalizationStatistics = "statistics"
        /// σ'(y) of a ReLU-style activation, one bit per element.
        case activationMask = "mask"
        /// The input of hard-swish, SiLU or GELU, kept whole for σ'(x) (the activation's own buffer).
        case activationInput = "activation input"
        /// The output of sigmoid, tanh or softmax, kept whole for the backward pass (the activation's own buffer).
        case activationOutput = "activation output"
        /// Which elements train-mode dropout kept, one bit each.
        case dropoutMask = "dropout mask"
        /// An operand of a product (mul, matmul) kept for the other operand's gradient.
        case operand
        /// Max-pool window positions, ⌈log₂(S²)⌉ bits per output.
        case poolIndices = "pool indices"
        /// g(x_l), the gradient of an activation in the backward pass (the loss gradient included).
        case activationGradient = "activation gradient"
        /// g(w_l) and the bias gradient of an updated layer, accumulated over micro-batches.
        case weightGradient = "weight gradient"
        /// Meta attention's channel scores γ^fw and γ^bw of a layer (Sec. 3.3).
        case attentionScores = "attention scores"
    }

    /// When in the step a span is.
    public enum Phase: String, Sendable, Hashable {
        case forward, loss, backward, update
    }

    /// One buffer, as the ledger knows it.
    public struct Buffer: Sendable, Hashable {
        /// What it holds (its latest owner's view).
        public var kind: BufferKind
        /// The layer that owns it.
        public var layer: Int
        /// Its size.
        public var bytes: Int
    }

    /// A stretch of the step: one layer's forward or backward computation.
    public struct Span: Sendable, Hashable {
        /// The pass.
        public var phase: Phase
        /// The layer computed (the last layer for the loss, -1 for the update after accumulation).
        public var layer: Int
        /// The largest live total during the span.
        public var peakBytes: Int
    }

    /// A handle to a buffer in the ledger.
    public struct BufferID: Sendable, Hashable {
        let value: Int
    }

    /// Bytes alive now.
    public private(set) var liveBytes = 0
    /// The largest `liveBytes` so far.
    public private(set) var peakBytes = 0
    /// The buffers alive at the moment of `peakBytes`.
    public private(set) var buffersAtPeak: [Buffer] = []
    /// The spans in time order.
    public private(set) var spans: [Span] = []
    /// How many buffers were allocated.
    public private(set) var allocationCount = 0

    private var live: [Int: (buffer: Buffer, owners: Int)] = [:]
    private var nextID = 0

    /// Creates an empty ledger.
    public init() {}

    /// Starts a new span; until the next `enter`, the live total is attributed to it.
    /// - Parameters:
    ///   - phase: The pass.
    ///   - layer: The layer computed.
    public mutating func enter(_ phase: Phase, layer: Int) {
        spans.append(Span(phase: phase, layer: layer, peakBytes: liveBytes))
    }

    /// Records a new buffer with one owner.
    /// - Parameters:
    ///   - kind: What it holds.
    ///   - layer: The layer that creates it.
    ///   - bytes: Its size.
    /// - Returns: Its handle.
    public mutating func allocate(_ kind: BufferKind, layer: Int, bytes: Int) -> BufferID {
        precondition(bytes >= 0, "MemoryMeter: negative size \(bytes)")
        let id = nextID
        nextID += 1
        allocationCount += 1
        live[id] = (Buffer(kind: kind, layer: layer, bytes: bytes), 1)
        liveBytes += bytes
        if liveBytes > peakBytes {
            peakBytes = liveBytes
            buffersAtPeak = live.values.map(\.buffer).sorted { ($0.layer, $0.kind.rawValue) < ($1.layer, $1.kind.rawValue) }
        }
        if !spans.isEmpty && liveBytes > spans[spans.count - 1].peakBytes {
            spans[spans.count - 1].peakBytes = liveBytes
        }
        return BufferID(value: id)
    }

    /// Adds an owner to a live buffer (its storage is shared, not copied) and relabels it for that owner.
    /// - Parameters:
    ///   - id: The buffer.
    ///   - kind: What the new owner holds it as.
    ///   - layer: The new owner's layer.
    public mutating func retain(_ id: BufferID, as kind: BufferKind, layer: Int) {
        guard var entry = live[id.value] else { preconditionFailure("MemoryMeter: retaining a released buffer") }
        entry.owners += 1
        entry.buffer.kind = kind
        entry.buffer.layer = layer
        live[id.value] = entry
    }

    /// Relabels a live buffer whose single owner now holds it as something else (an activation that
    /// became a normalized input in place, or a gradient overwritten by the next one).
    public mutating func relabel(_ id: BufferID, as kind: BufferKind, layer: Int) {
        guard var entry = live[id.value] else { preconditionFailure("MemoryMeter: relabelling a released buffer") }
        entry.buffer.kind = kind
        entry.buffer.layer = layer
        live[id.value] = entry
    }

    /// Removes one owner; the buffer is freed with its last owner.
    /// - Parameter id: The buffer.
    public mutating func release(_ id: BufferID) {
        guard var entry = live[id.value] else { preconditionFailure("MemoryMeter: releasing a released buffer") }
        entry.owners -= 1
        if entry.owners == 0 {
            live[id.value] = nil
            liveBytes -= entry.buffer.bytes
        } else {
            live[id.value] = entry
        }
    }

    /// How many owners a live buffer has (1 means a write to it happens in place).
    public func ownerCount(_ id: BufferID) -> Int { live[id.value]?.owners ?? 0 }

    /// Whether every buffer has been released.
    public var isEmpty: Bool { live.isEmpty }
}
