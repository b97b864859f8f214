import PMetaPlan

extension MetaTrainedModel.Task {
    /// Checks that tasks of this family can run on `network`: sinusoid regression needs an input and an output of
    /// shape [1]; N-way few-shot classification an image input [C, H, W] and a head of N outputs.
    /// - Parameter network: The network the tasks are for.
    /// - Throws: `DataError` naming the field of `model.json` (`task.kind`, `task.ways`) that does not fit.
    public func check(fits network: Network) throws(DataError) {
        let inputShape = network.graph.inputShape.dimensions
        let outputShape = network.layerCount > 0 ? network.graph.outputShapes[network.layerCount - 1].dimensions : inputShape
        switch self {
        case .sinusoid:
            guard inputShape == [1], outputShape == [1] else {
                throw DataError(path: "task.kind", message: "sinusoid regression needs a network with input [1] and output [1]; "
                    + "'\(network.graph.graph.name)' has input \(inputShape) and output \(outputShape)")
            }
        case .fewShot(let ways, _, _, _, _):
            guard inputShape.count == 3, outputShape.count == 1 else {
                throw DataError(path: "task.kind", message: "few-shot classification needs an image input [C, H, W] and an output [N]; "
                    + "'\(network.graph.graph.name)' has input \(inputShape) and output \(outputShape)")
            }
            guard outputShape[0] == ways else {
                throw DataError(path: "task.ways", message: "\(ways)-way tasks need a head of \(ways) outputs; "
                    + "'\(network.graph.graph.name)' has \(outputShape[0])")
            }
        }
        if let problem = sizeProblem(on: network) { throw DataError(path: "task.shots", message: problem) }
    }

    /// The float32 inputs of one task, support and query sets together, at most: 256 MiB. The trainer holds a
    /// task's samples while it adapts to them, so `shots` 100,000 in a model.json for 84x84 images would otherwise
    /// ask for gigabytes before the first step.
    public static let maximumSampleBytes = 256 << 20

    /// The samples of one task, support and query sets together, at most: 20,000, which a few-shot task (5-way,
    /// 5-shot, 15 queries a class: 100) never nears. Validating two such tasks of a small network takes a few seconds
    /// (docs/hostile-input.md); every further task adds as much.
    public static let maximumSamplesPerTask = 20_000

    /// The samples of one task, support and query sets together.
    public var samplesPerTask: Int {
        switch self {
        case .sinusoid(let shots, let queries): shots + queries
        case .fewShot(let ways, let shots, let queries, _, _): ways * (shots + queries)
        }
    }

    /// Why one task's samples are over `maximumSamplesPerTask` or would not fit in `maximumSampleBytes` on `network`,
    /// or nil when they are within both.
    public func sizeProblem(on network: Network) -> String? {
        if samplesPerTask > Self.maximumSamplesPerTask {
            return "a task of \(DecimalFormatting.grouped(samplesPerTask)) samples (support and query sets) is over the limit of "
                + "\(DecimalFormatting.grouped(Self.maximumSamplesPerTask)); use fewer shots or queries"
        }
        let elements = network.graph.inputShape.dimensions.reduce(1) { $0.multipliedReportingOverflow(by: $1).partialValue }
        let (bytes, overflow) = samplesPerTask.multipliedReportingOverflow(by: elements.multipliedReportingOverflow(by: 4).partialValue)
        guard overflow || bytes > Self.maximumSampleBytes else { return nil }
        return "a task of \(DecimalFormatting.grouped(samplesPerTask)) samples of \(DecimalFormatting.grouped(elements)) float32 elements "
            + "would hold \(overflow ? "more than 2^63 B" : ByteCount(bytes).description) of inputs, over the limit of "
            + "\(ByteCount(Self.maximumSampleBytes)); use fewer shots or queries"
    }
}
