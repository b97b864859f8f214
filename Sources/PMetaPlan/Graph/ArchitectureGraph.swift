/// A network as a directed acyclic graph of layers, in an order where every layer comes after its inputs.
///
/// This is what an architecture file (`architectures/*.json`) describes after repeats are expanded and
/// names resolved; `ShapedGraph` adds the tensor shapes.
public struct ArchitectureGraph: Hashable, Sendable {
    /// A human name, e.g. `ResNet12`.
    public var name: String
    /// The shape of one sample, without the batch dimension: `[C, H, W]` for images, `[F]` for features.
    public var inputShape: [Int]
    /// Bytes per element of a stored sample (1 for uint8 images, 4 for float32 observations).
    public var sampleElementBytes: Int
    /// The layers in topological order; the last one is the network output x_L.
    public var layers: [Layer]
    /// Trainable tensors outside any layer, such as a policy's log-standard-deviation vector.
    public var freeParameters: [FreeParameter]
    /// The adaptation workload this network is usually run with, used when the command line gives none.
    public var suggestedWorkload: WorkloadHint?
    /// The `split` layers of the file, each expanded into one `slice` per part: checks for shape inference, not
    /// part of what the graph computes (a flat file spells the same graph with plain slices).
    public var splits: [SplitDeclaration] = []

    /// Creates a graph. `layers` must be in topological order; `ShapeInference` checks the rest.
    public init(name: String, inputShape: [Int], sampleElementBytes: Int, layers: [Layer],
                freeParameters: [FreeParameter] = [], suggestedWorkload: WorkloadHint? = nil) {
        self.name = name
        self.inputShape = inputShape
        self.sampleElementBytes = sampleElementBytes
        self.layers = layers
        self.freeParameters = freeParameters
        self.suggestedWorkload = suggestedWorkload
    }
}

extension ArchitectureGraph {
    public static func == (lhs: ArchitectureGraph, rhs: ArchitectureGraph) -> Bool {
        lhs.name == rhs.name && lhs.inputShape == rhs.inputShape && lhs.sampleElementBytes == rhs.sampleElementBytes
            && lhs.layers == rhs.layers && lhs.freeParameters == rhs.freeParameters && lhs.suggestedWorkload == rhs.suggestedWorkload
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(name)
        hasher.combine(inputShape)
        hasher.combine(layers)
    }
}

/// An architecture file's suggested adaptation workload (`"workload": {"samples": 25, "micro_batch": 1}`).
public struct WorkloadHint: Hashable, Sendable {
    /// Support samples per inner step.
    public var samples: Int
    /// Samples per forward/backward pass.
    public var microBatch: Int
    /// Whether samples go through one at a time (RL observations), keeping what each stores.
    public var streamsSamples: Bool

    /// Creates a hint.
    public init(samples: Int, microBatch: Int, streamsSamples: Bool = false) {
        self.samples = samples
        self.microBatch = microBatch
        self.streamsSamples = streamsSamples
    }
}

/// One node of an `ArchitectureGraph`.
///
/// Two layers are equal when they have the same name, operation and inputs: `sourcePath` says where a layer
/// was written, not what it is, so a network read from a file with repeats equals its flat form; parameter
/// names are labels from elsewhere and do not change what the layer computes.
public struct Layer: Hashable, Sendable {
    /// A unique name (`conv1`, `block2.shortcut`); generated from the position when the file gives none.
    public var name: String
    /// What the layer computes.
    public var operation: Operation
    /// The tensors the layer reads, in order.
    public var inputs: [TensorReference]
    /// Where the layer was written in its file (`layers[3].layers[1]`), for error messages.
    public var sourcePath: String
    /// The names of the layer's trainable tensors in the framework it came from (an ONNX file's initializers,
    /// `layer1.0.conv1.weight`), so a plan can name what it updates; empty when the file gives none.
    public var parameterNames: [String]

    /// Creates a layer.
    public init(name: String, operation: Operation, inputs: [TensorReference], sourcePath: String = "", parameterNames: [String] = []) {
        self.name = name
        self.operation = operation
        self.inputs = inputs
        self.sourcePath = sourcePath.isEmpty ? name : sourcePath
        self.parameterNames = parameterNames
    }

    public static func == (lhs: Layer, rhs: Layer) -> Bool {
        lhs.name == rhs.name && lhs.operation == rhs.operation && lhs.inputs == rhs.inputs
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(name)
        hasher.combine(operation)
        hasher.combine(inputs)
    }
}

/// A tensor a layer reads: the network input x_0 or another layer's output.
public enum TensorReference: Hashable, Sendable {
    case graphInput
    case layer(Int)
}

/// A trainable tensor that belongs to no layer (e.g. a Gaussian policy's log-std).
public struct FreeParameter: Hashable, Sendable {
    /// Its name.
    public var name: String
    /// Its number of elements.
    public var elementCount: Int

    /// Creates a free parameter.
    public init(name: String, elementCount: Int) {
        self.name = name
        self.elementCount = elementCount
    }
}

/// A `split` of an architecture file, expanded into `slice` layers: the parts must cover the axis exactly.
public struct SplitDeclaration: Hashable, Sendable {
    /// The slice of the last part.
    public var lastPart: Int
    /// The axis split.
    public var axis: Int
    /// The sum of the parts' sizes.
    public var extent: Int
    /// Where the sizes were written.
    public var path: String
}
