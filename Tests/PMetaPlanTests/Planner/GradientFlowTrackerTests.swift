import Testing
@testable import PMetaPlan

@Suite struct GradientFlowTrackerTests {
    /// conv0, then a residual block (conv1, relu2, add3 of conv0 and relu2), then gap4 and head5.
    static func residualGraph() throws -> ShapedGraph {
        let conv = Operation.conv2d(Convolution(outputChannels: 4, kernelSize: Size2D(3), padding: Size2D(1), hasBias: false))
        let layers = [
            Layer(name: "conv0", operation: conv, inputs: [.graphInput]),
            Layer(name: "conv1", operation: conv, inputs: [.layer(0)]),
            Layer(name: "relu2", operation: .relu, inputs: [.layer(1)]),
            Layer(name: "add3", operation: .add, inputs: [.layer(0), .layer(2)]),
            Layer(name: "gap4", operation: .globalAveragePool, inputs: [.layer(3)]),
            Layer(name: "head5", operation: .linear(Linear(outputFeatures: 2)), inputs: [.layer(4)]),
        ]
        return try ShapedGraph(ArchitectureGraph(name: "residual", inputShape: [4, 8, 8], sampleElementBytes: 4, layers: layers))
    }

    @Test func aGradientReachesEveryLaterLayerOnlyFromATensorTheyAllDescendFrom() throws {
        let tracker = GradientFlowTracker(graph: try Self.residualGraph(), profile: .physical)
        // After conv1 the live tensors are conv0 (bit 0) and conv1 (bit 1). relu2 reads only conv1, so a
        // gradient on conv0 alone skips it; one on conv1 reaches relu2, add3, gap4 and head5.
        #expect(!tracker.forcesPathOnLaterLayers(0b01, after: 1))
        #expect(tracker.forcesPathOnLaterLayers(0b10, after: 1))
        #expect(!tracker.forcesPathOnLaterLayers(0, after: 1))
        // After conv0 its output (the only live tensor) feeds everything after it.
        #expect(tracker.forcesPathOnLaterLayers(0b1, after: 0))
        // After relu2: conv0 (bit 0) and relu2 (bit 1) both feed add3, and everything after descends from add3.
        #expect(tracker.forcesPathOnLaterLayers(0b01, after: 2))
        #expect(tracker.forcesPathOnLaterLayers(0b10, after: 2))
    }

    @Test func underThePositionalProfileAnyGradientReachesEveryLaterLayer() throws {
        let tracker = GradientFlowTracker(graph: try Self.residualGraph(), profile: .paper)
        #expect(tracker.forcesPathOnLaterLayers(1, after: 1))
        #expect(!tracker.forcesPathOnLaterLayers(0, after: 1))
    }
}
