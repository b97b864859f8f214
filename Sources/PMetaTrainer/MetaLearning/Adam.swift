/// Adam (Kingma and Ba, 2015) over a network's parameters: the outer-loop optimizer of meta-training.
public struct Adam: Sendable {
    /// The step size.
    public var learningRate: Float
    public var beta1: Float = 0.9
    public var beta2: Float = 0.999
    public var epsilon: Float = 1e-8
    private var firstMoments: NetworkParameters
    private var secondMoments: NetworkParameters
    private var stepCount = 0

    /// Creates an optimizer for parameters shaped like `parameters`.
    public init(learningRate: Float, shapedLike parameters: NetworkParameters) {
        self.learningRate = learningRate
        firstMoments = parameters.zeros()
        secondMoments = parameters.zeros()
    }

    /// One step: `parameters -= lr · m̂ / (sqrt(v̂) + ε)` with bias-corrected moments of `gradient`.
    public mutating func step(_ parameters: inout NetworkParameters, gradient: NetworkParameters) {
        stepCount += 1
        let correction1 = 1 - Float(Double(beta1).power(stepCount))
        let correction2 = 1 - Float(Double(beta2).power(stepCount))
        for layer in parameters.layers.indices {
            for tensor in parameters.layers[layer].indices {
                let count = parameters.layers[layer][tensor].count
                let gradientValues = gradient.layers[layer][tensor].values
                firstMoments.layers[layer][tensor].values.withUnsafeMutableBufferPointer { first in
                    secondMoments.layers[layer][tensor].values.withUnsafeMutableBufferPointer { second in
                        parameters.layers[layer][tensor].values.withUnsafeMutableBufferPointer { values in
                            for index in 0..<count {
                                let g = gradientValues[index]
                                first[index] = beta1 * first[index] + (1 - beta1) * g
                                second[index] = beta2 * second[index] + (1 - beta2) * g * g
                                let update = (first[index] / correction1) / ((second[index] / correction2).squareRoot() + epsilon)
                                values[index] -= learningRate * update
                            }
                        }
                    }
                }
            }
        }
    }
}

extension Double {
    /// `self` to a non-negative integer power.
    func power(_ exponent: Int) -> Double {
        var result = 1.0
        for _ in 0..<exponent { result *= self }
        return result
    }
}
