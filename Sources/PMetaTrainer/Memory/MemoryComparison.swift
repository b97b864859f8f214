import PMetaPlan

/// The memory an adaptation step really held against what the cost model predicts for it.
///
/// The prediction is `CostModel.adaptation(of:workload:profile:)`'s live memory while each layer runs
/// (its `timeline`); the measurement is the ``MemoryMeter`` span of the same layer and pass, the largest
/// over micro-batches. The loss is counted with the last layer's backward pass, where the cost model
/// puts the network output.
public struct MemoryComparison: Sendable {
    /// One layer and pass.
    public struct Row: Sendable, Hashable {
        /// Forward or backward.
        public var phase: MemoryEvent.Phase
        /// The layer.
        public var layer: Int
        /// The cost model's live bytes.
        public var predictedBytes: Int
        /// The largest live bytes the meter saw (0 when the trainer did not run the layer in that pass).
        public var measuredBytes: Int
    }

    /// One inner step.
    public struct Step: Sendable, Hashable {
        /// The step's index k - 1.
        public var index: Int
        /// The cost model's peak.
        public var predictedPeakBytes: Int
        /// The meter's peak.
        public var measuredPeakBytes: Int
        /// Every layer and pass, in the cost model's time order.
        public var rows: [Row]
    }

    /// Each inner step.
    public var steps: [Step]

    /// The largest predicted peak over steps: the prediction for the whole adaptation.
    public var predictedPeakBytes: Int { steps.map(\.predictedPeakBytes).max() ?? 0 }

    /// The largest measured peak over steps.
    public var measuredPeakBytes: Int { steps.map(\.measuredPeakBytes).max() ?? 0 }

    /// predicted / measured (1 when both are 0).
    public var ratio: Double {
        measuredPeakBytes == 0 ? (predictedPeakBytes == 0 ? 1 : .infinity) : Double(predictedPeakBytes) / Double(measuredPeakBytes)
    }

    /// The row of the peak step where prediction and measurement differ most, if any row ran.
    public var largestDifference: (step: Int, row: Row)? {
        guard let step = steps.max(by: { $0.measuredPeakBytes < $1.measuredPeakBytes }) else { return nil }
        let ran = step.rows.filter { $0.measuredBytes > 0 }
        guard let row = ran.max(by: { abs($0.predictedBytes - $0.measuredBytes) < abs($1.predictedBytes - $1.measuredBytes) }) else { return nil }
        return (step.index, row)
    }

    /// Compares an adaptation's ledgers with the cost model's prediction for the same plan and workload.
    /// - Parameters:
    ///   - report: What the trainer measured, one step per plan step.
    ///   - cost: The cost model's evaluation of the plan.
    public init(measured report: AdaptationReport, predicted cost: AdaptationCost) {
        precondition(report.steps.count == cost.steps.count, "MemoryComparison: the plan and the adaptation differ in steps")
        steps = zip(report.steps, cost.steps).enumerated().map { index, pair in
            let (measured, predicted) = pair
            var measuredByKey: [String: Int] = [:]
            let last = predicted.savedTensors.count - 1
            for span in measured.meter.spans {
                let phase: MemoryEvent.Phase
                let layer: Int
                switch span.phase {
                case .forward: (phase, layer) = (.forward, span.layer)
                case .loss: (phase, layer) = (.backward, last)
                case .backward: (phase, layer) = (.backward, span.layer)
                case .update: continue
                }
                let key = "\(phase.rawValue) \(layer)"
                measuredByKey[key] = max(measuredByKey[key] ?? 0, span.peakBytes)
            }
            let rows = predicted.timeline.map { event in
                Row(phase: event.phase, layer: event.layer, predictedBytes: event.liveBytes.bytes,
                    measuredBytes: measuredByKey["\(event.phase.rawValue) \(event.layer)"] ?? 0)
            }
            return Step(index: index, predictedPeakBytes: predicted.peak.total.bytes, measuredPeakBytes: measured.meter.peakBytes, rows: rows)
        }
    }
}
