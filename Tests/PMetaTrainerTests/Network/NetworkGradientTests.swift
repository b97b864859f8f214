import Foundation
import PMetaPlan
@testable import PMetaTrainer
import Testing

/// Whole networks built from architecture JSON: every weight gradient against central differences of the loss.
@Suite struct NetworkGradientTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let json: String
        let kernels: KernelChoice
        var testDescription: String { "\(name), \(kernels.rawValue)" }
    }

    static let cases = [
        Case(name: "2Conv-tiny", json: TestNetworks.twoConvTiny, kernels: .scratchFree),
        Case(name: "2Conv-tiny", json: TestNetworks.twoConvTiny, kernels: .im2col),
        Case(name: "branchy", json: TestNetworks.branchyTiny, kernels: .scratchFree),
        Case(name: "branchy", json: TestNetworks.branchyTiny, kernels: .im2col),
    ]

    /// ReLU, ReLU6, leaky ReLU and max pooling have kinks; a small step (3e-4) keeps the differences on one
    /// side of them for these seeds, and Float rounding of the loss stays near 1e-4 of the gradients.
    @Test(arguments: cases)
    func everyWeightGradientMatchesFiniteDifferences(_ testCase: Case) throws {
        let network = try TestNetworks.network(testCase.json)
        var generator = SplitMix64(seed: 7)
        let parameters = network.initialParameters(using: &generator)
        let batch = TestNetworks.classificationBatch(for: network, samples: 3, seed: 11)
        let gradients = network.gradients(for: batch, parameters: parameters, scope: .everything(of: network),
                                               kernels: testCase.kernels).gradients
        try GradientCheck.expectParameterGradientsMatch(network, parameters: parameters, batch: batch, gradients: gradients)
    }

    @Test func sparseStepComputesExactlyTheSelectedEntriesOfTheDenseGradient() throws {
        let network = try TestNetworks.network(TestNetworks.twoConvTiny)
        var generator = SplitMix64(seed: 3)
        let parameters = network.initialParameters(using: &generator)
        let batch = TestNetworks.classificationBatch(for: network, samples: 2, seed: 5)
        let dense = network.gradients(for: batch, parameters: parameters, scope: .everything(of: network)).gradients
        // Layers: 0 conv, 1 gn, ..., 4 conv, 5 gn, ..., 9 head. Update block2.conv on 2 of 3 input channels and
        // 1 of 3 outputs (ratios 1/2 and 1/3 round up), block2.gn's beta only, and the head.
        var updates = [LayerUpdate](repeating: .frozen, count: network.layerCount)
        updates[4] = LayerUpdate(parameters: .all, inputChannelRatio: ChannelRatio(1, 2), outputChannelRatio: ChannelRatio(1, 3))
        updates[5] = LayerUpdate(parameters: .biasOnly)
        updates[9] = .full
        let scope = StepScope(network: network, step: StepUpdates(layers: updates))
        #expect(scope.firstUpdatedLayer == 4)
        #expect(scope.needsGradient == [false, false, false, false, true, true, true, true, true, true])
        for kernels in [KernelChoice.scratchFree, .im2col] {
            let sparse = network.gradients(for: batch, parameters: parameters, scope: scope, kernels: kernels).gradients
            #expect(sparse.enumerated().allSatisfy { $0.element == nil || [4, 5, 9].contains($0.offset) })
            guard case .weights(let weight?, let bias?) = try #require(sparse[4]),
                  case .weights(let denseWeight?, _) = try #require(dense[4]),
                  case .weights(_, let denseBias?) = dense[4]! else {
                Issue.record("block2.conv: expected weight and bias gradients")
                return
            }
            #expect(weight.outputChannels == [0] && weight.inputChannels == [0, 1] && weight.values.count == 18)
            for input in [0, 1] {
                for offset in 0..<9 {
                    let expected = denseWeight.value(outputChannel: 0, inputChannel: input, kernelOffset: offset)!
                    #expect(abs(weight.value(outputChannel: 0, inputChannel: input, kernelOffset: offset)! - expected) < 1e-5)
                }
            }
            #expect(bias.maximumAbsoluteDifference(from: denseBias) < 1e-5)
            guard case .normalization(let scale, let shift?) = try #require(sparse[5]),
                  case .normalization(_, let denseShift?) = dense[5]! else {
                Issue.record("block2.gn: expected a shift gradient")
                return
            }
            #expect(scale == nil)
            #expect(shift.maximumAbsoluteDifference(from: denseShift) < 1e-5)
            // The head is updated whole: every entry, to rounding (the dense pass runs im2col; the scratch-free kernels
            // built with PMETA_AVX2 fuse their multiply-adds, one rounding fewer).
            guard case .weights(let head?, let headBias?) = try #require(sparse[9]),
                  case .weights(let denseHead?, let denseHeadBias?) = dense[9]! else {
                Issue.record("head: expected weight and bias gradients")
                return
            }
            #expect(head.values.count == denseHead.values.count)
            #expect(zip(head.values, denseHead.values).allSatisfy { abs($0 - $1) < 1e-5 })
            #expect(headBias.maximumAbsoluteDifference(from: denseHeadBias) < 1e-5)
        }
    }

    @Test func unsupportedLayersAreRejectedWithTheirPath() throws {
        let json = """
            {"format": 1, "name": "BN", "input": {"shape": [3, 4, 4]},
             "layers": [{"name": "conv", "op": "conv2d", "out_channels": 2, "kernel": 3},
                        {"name": "bn", "op": "batch_norm"}, {"op": "flatten"}, {"name": "fc", "op": "linear", "out_features": 2}]}
            """
        #expect(throws: DataError.self) { try TestNetworks.network(json) }
        do {
            _ = try TestNetworks.network(json)
        } catch {
            #expect("\(error)".contains("batch_norm 'bn'"))
        }
        // The cost model counts upsampling; the trainer does not run it, and says so.
        let upsampling = json.replacingOccurrences(of: #"{"name": "bn", "op": "batch_norm"}"#, with: #"{"name": "up", "op": "upsample", "scale": 2}"#)
        #expect {
            try TestNetworks.network(upsampling)
        } throws: { error in
            "\(error)".contains("upsample 'up': the trainer does not run upsampling")
        }
    }
}
