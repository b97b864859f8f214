import Foundation

/// Times the conv2d kernels and `gemm` on one core and reports GFLOP/s (1 MAC = 2 FLOPs).
///
/// This is the one place in the trainer that reads a clock: its figures are for people comparing
/// builds and machines, never inputs to a plan. Run it from a release build; a debug build is
/// one to two orders of magnitude slower.
public enum KernelBenchmark {
    /// How this build's stride-1 convolutions compute (Package.swift's `PMETA_AVX2`), for benchmark titles.
    public static var vectorDescription: String {
        let lanes = "\(StrideOneCorrelation.lanes)-lane vectors"
#if PMETA_FUSED_MULTIPLY_ADD
        return lanes + ", fused multiply-adds: PMETA_AVX2 build"
#else
        return lanes + ", separate multiply and add: baseline build"
#endif
    }

    /// Times conv2d forward, input gradient and weight gradient (all channels, then half of the input
    /// and output channels) on a `[1, 32, 84, 84]` input with a 3 x 3, 32 -> 32, padding-1 convolution,
    /// the same three passes of the scratch-free kernels the adaptation step uses, and `gemm` on 256 x 256 x 256.
    /// - Returns: One line per measurement: best wall time over repetitions and the throughput.
    /// - Complexity: About two seconds of wall time in a release build.
    public static func run() -> String {
        var generator = SplitMix64(seed: 84)
        let conv = Conv2D(inputChannels: 32, outputChannels: 32, kernelSize: 3, padding: 1)
        let input = Tensor(randomNormal: [1, 32, 84, 84], using: &generator)
        let weight = Tensor(heNormal: conv.weightShape, fanIn: 32 * 9, using: &generator)
        let bias = Tensor(zeros: [32])
        let outputGradient = Tensor(
            randomNormal: conv.outputShape(forInputShape: input.shape), using: &generator)
        let halfChannels = ChannelSelection.only(Array(stride(from: 0, to: 32, by: 2)))
        // MACs of one pass: N · C_out · H_out · W_out · C_in · S² = 1 · 32 · 84 · 84 · 32 · 9.
        let passMACs = 32 * 84 * 84 * 32 * 9

        var checksum: Float = 0
        var lines = ["kernels: \(vectorDescription)",
                     "conv2d 32->32, 3x3, stride 1, padding 1, input [1, 32, 84, 84]: \(passMACs) MACs per pass"]
        let saved = conv.forward(input, weight: weight, bias: bias).saved
        let halfSaved = conv.forward(input, weight: weight, bias: bias, savingInputChannels: halfChannels).saved

        let forward = measure {
            checksum += conv.forward(input, weight: weight, bias: bias, savingInputChannels: .none).output.values[0]
        }
        lines.append(line("forward", forward, macs: passMACs))
        let inputGradient = measure {
            checksum += conv.backward(
                outputGradient: outputGradient, weight: weight, saved: saved, request: .inputOnly
            ).input!.values[0]
        }
        lines.append(line("input gradient (col2im)", inputGradient, macs: passMACs))
        let weightGradient = measure {
            checksum += conv.backward(
                outputGradient: outputGradient, weight: weight, saved: saved,
                request: GradientRequest(computesInputGradient: false, computesBiasGradient: false)
            ).weight!.values[0]
        }
        lines.append(line("weight gradient", weightGradient, macs: passMACs))
        let halfWeightGradient = measure {
            checksum += conv.backward(
                outputGradient: outputGradient, weight: weight, saved: halfSaved,
                request: GradientRequest(
                    computesInputGradient: false, computesBiasGradient: false,
                    weightGradientOutputChannels: halfChannels)
            ).weight!.values[0]
        }
        lines.append(line("weight gradient, mu_fw = mu_bw = 0.5", halfWeightGradient, macs: passMACs / 4))
        lines.append(line("forward + both gradients", forward + inputGradient + weightGradient, macs: 3 * passMACs))

        // The scratch-free kernels the adaptation step runs (bench-trainer's step): same layer, same sums.
        lines.append("scratch-free kernels (the trainer's adaptation step), same layer:")
        let directForward = measure { checksum += conv.directForward(input, weight: weight, bias: bias).values[0] }
        lines.append(line("forward", directForward, macs: passMACs))
        let directInputGradient = measure {
            checksum += conv.directInputGradient(outputGradient: outputGradient, weight: weight, inputShape: input.shape).values[0]
        }
        lines.append(line("input gradient", directInputGradient, macs: passMACs))
        let allChannels = Array(0..<32)
        let directWeightGradient = measure {
            var gradient = WeightGradient.zeros(weightShape: conv.weightShape, groupCount: 1, outputChannels: allChannels,
                                                inputChannels: allChannels)
            var noBias: Tensor? = nil
            conv.accumulateDirectWeightGradient(outputGradient: outputGradient, saved: saved, into: &gradient, biasGradient: &noBias)
            checksum += gradient.values[0]
        }
        lines.append(line("weight gradient", directWeightGradient, macs: passMACs))
        lines.append(line("forward + both gradients", directForward + directInputGradient + directWeightGradient, macs: 3 * passMACs))

        // The four convolutions of 4Conv at 84x84 (each block's 2x2 pool halves the side), scratch-free: where a
        // step's time goes, layer by layer. The first layer's input gradient is never needed, so it is not timed.
        lines.append("scratch-free kernels on 4Conv's convolutions (3x3, 32 outputs), per sample:")
        for (inputChannels, side) in [(3, 84), (32, 42), (32, 21), (32, 10)] {
            let layer = Conv2D(inputChannels: inputChannels, outputChannels: 32, kernelSize: 3, padding: 1)
            let x = Tensor(randomNormal: [1, inputChannels, side, side], using: &generator)
            let w = Tensor(heNormal: layer.weightShape, fanIn: inputChannels * 9, using: &generator)
            let g = Tensor(randomNormal: [1, 32, side, side], using: &generator)
            let layerSaved = layer.forward(x, weight: w, bias: bias).saved
            let macs = 32 * side * side * inputChannels * 9
            let name = "\(inputChannels)->32 at \(side)x\(side)"
            lines.append(line(name + " forward", measure { checksum += layer.directForward(x, weight: w, bias: bias).values[0] }, macs: macs))
            if inputChannels > 3 {
                lines.append(line(name + " input gradient", measure {
                    checksum += layer.directInputGradient(outputGradient: g, weight: w, inputShape: x.shape).values[0]
                }, macs: macs))
            }
            lines.append(line(name + " weight gradient", measure {
                var gradient = WeightGradient.zeros(weightShape: layer.weightShape, groupCount: 1, outputChannels: allChannels,
                                                    inputChannels: Array(0..<inputChannels))
                var noBias: Tensor? = nil
                layer.accumulateDirectWeightGradient(outputGradient: g, saved: layerSaved, into: &gradient, biasGradient: &noBias)
                checksum += gradient.values[0]
            }, macs: macs))
        }

        let size = 256
        let a = Tensor(randomUniform: [size * size], using: &generator).values
        let b = Tensor(randomUniform: [size * size], using: &generator).values
        var c = [Float](repeating: 0, count: size * size)
        let product = measure {
            gemm(transposeA: false, transposeB: false, m: size, n: size, k: size, a: a, b: b, c: &c)
            checksum += c[0]
        }
        lines.append(line("gemm 256x256x256", product, macs: size * size * size))
        // The checksum keeps the optimizer from discarding the timed work; printing it costs nothing.
        lines.append("(checksum \(checksum.isFinite ? "finite" : "not finite"))")
        return lines.joined(separator: "\n")
    }

    /// The best wall time of `body` over at least three runs and 0.3 s, after one warm-up run.
    static func measure(_ body: () -> Void) -> Duration {
        let clock = ContinuousClock()
        body()
        var best = Duration.seconds(3600)
        var total = Duration.zero
        var repetitions = 0
        while repetitions < 3 || total < .milliseconds(300) {
            let elapsed = clock.measure(body)
            best = min(best, elapsed)
            total += elapsed
            repetitions += 1
        }
        return best
    }

    static func line(_ name: String, _ duration: Duration, macs: Int) -> String {
        let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) * 1e-18
        let gigaFLOPs = 2 * Double(macs) / seconds / 1e9
        let paddedName = name.padding(toLength: 40, withPad: " ", startingAt: 0)
        return "  \(paddedName) \(String(format: "%8.2f ms  %6.2f GFLOP/s", seconds * 1000, gigaFLOPs))"
    }
}
