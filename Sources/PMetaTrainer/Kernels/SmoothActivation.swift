import Foundation

/// Activations whose derivative is not piecewise constant, each with what its backward pass reads:
/// sigmoid and tanh write σ'(x) in terms of their output (s(1 − s), 1 − t²), hard-swish, SiLU and GELU need
/// their input.
public enum SmoothActivation: Sendable, Hashable {
    case sigmoid
    case tanh
    /// x · relu6(x + 3) / 6.
    case hardSwish
    /// x · sigmoid(x).
    case silu
    /// x · Φ(x), exactly (erf) or with the tanh approximation.
    case gelu(approximatesWithTanh: Bool)

    /// Whether the backward pass reads the output (else the input).
    public var keepsOutput: Bool {
        switch self {
        case .sigmoid, .tanh: true
        case .hardSwish, .silu, .gelu: false
        }
    }

    /// √(2/π), the tanh approximation's factor.
    private static let tanhFactor: Float = 0.797_884_56
    private static let cubicFactor: Float = 0.044_715

    /// f(x) for one element.
    @inline(__always)
    public func value(_ x: Float) -> Float {
        switch self {
        case .sigmoid: return 1 / (1 + Foundation.exp(-x))
        case .tanh: return Foundation.tanh(x)
        case .hardSwish: return x * min(max(x + 3, 0), 6) / 6
        case .silu: return x / (1 + Foundation.exp(-x))
        case .gelu(let approximates):
            if approximates { return 0.5 * x * (1 + Foundation.tanh(Self.tanhFactor * (x + Self.cubicFactor * x * x * x))) }
            return 0.5 * x * (1 + Foundation.erf(x / Float(2).squareRoot()))
        }
    }

    /// f'(x) from the kept value: the output for sigmoid and tanh, the input otherwise.
    @inline(__always)
    public func derivative(kept: Float) -> Float {
        switch self {
        case .sigmoid: return kept * (1 - kept)
        case .tanh: return 1 - kept * kept
        case .hardSwish:
            // PyTorch's convention at the kinks: 0 at x = −3 exactly, (2x + 3)/6 up to and including 3.
            if kept < -3 { return 0 }
            if kept > 3 { return 1 }
            return (2 * kept + 3) / 6
        case .silu:
            let s = 1 / (1 + Foundation.exp(-kept))
            return s * (1 + kept * (1 - s))
        case .gelu(let approximates):
            let x = kept
            if approximates {
                let inner = Self.tanhFactor * (x + Self.cubicFactor * x * x * x)
                let t = Foundation.tanh(inner)
                return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * Self.tanhFactor * (1 + 3 * Self.cubicFactor * x * x)
            }
            let cdf = 0.5 * (1 + Foundation.erf(x / Float(2).squareRoot()))
            let pdf = Foundation.exp(-0.5 * x * x) / Float(2 * Double.pi).squareRoot()
            return cdf + x * pdf
        }
    }

    /// y = f(x) written over `tensor`.
    /// - Complexity: O(element count).
    public func forwardInPlace(_ tensor: inout Tensor) {
        tensor.values.withUnsafeMutableBufferPointer { values in
            for index in values.indices { values[index] = value(values[index]) }
        }
    }

    /// y = f(x), a new tensor (the input is kept for the backward pass).
    public func forward(_ input: Tensor) -> Tensor {
        var output = input
        forwardInPlace(&output)
        return output
    }

    /// g(x) = g(y) ⊙ f'(x) written over g(y).
    /// - Parameters:
    ///   - gradient: g(y) on entry, g(x) on return.
    ///   - kept: The output (sigmoid, tanh) or the input (the others) of the forward pass.
    public func backwardInPlace(_ gradient: inout Tensor, kept: Tensor) {
        precondition(gradient.count == kept.count, "SmoothActivation: the kept tensor does not match the gradient")
        kept.values.withUnsafeBufferPointer { keptValues in
            gradient.values.withUnsafeMutableBufferPointer { values in
                for index in values.indices { values[index] *= derivative(kept: keptValues[index]) }
            }
        }
    }
}
