import PMetaTrainer

/// Central finite differences, the independent reference every hand-written backward pass is checked against.
enum GradientCheck {
    /// ∂loss/∂point_i ≈ (loss(point + h·e_i) − loss(point − h·e_i)) / 2h for every element i.
    ///
    /// The divisor is the step actually taken after rounding to Float, so linear maps (conv2d, linear,
    /// pooling) come out exact up to the rounding of their outputs, even with a large step.
    static func numericalGradient(of loss: (Tensor) -> Double, at point: Tensor, step: Float) -> [Double] {
        var probe = point
        var gradient = [Double](repeating: 0, count: point.count)
        for index in 0..<point.count {
            let original = probe.values[index]
            let up = original + step
            let down = original - step
            probe.values[index] = up
            let lossUp = loss(probe)
            probe.values[index] = down
            let lossDown = loss(probe)
            probe.values[index] = original
            gradient[index] = (lossUp - lossDown) / (Double(up) - Double(down))
        }
        return gradient
    }

    /// The largest elementwise difference, relative to the larger of 1 and the reference's max norm.
    static func relativeError(_ analytic: [Float], _ reference: [Double]) -> Double {
        precondition(analytic.count == reference.count, "relativeError: \(analytic.count) vs \(reference.count) elements")
        let scale = max(1, reference.reduce(0) { max($0, abs($1)) })
        var largest = 0.0
        for (value, expected) in zip(analytic, reference) { largest = max(largest, abs(Double(value) - expected)) }
        return largest / scale
    }
}
