import Foundation

/// The look of one synthetic class: a few coloured shapes (blobs, gratings, rings) on the unit square.
///
/// A class is fixed by its seed; every sample of it is the same shapes, moved and distorted a little and
/// drawn with noise (`render`), so what identifies a class is the arrangement, not any single pixel.
struct ClassPrototype: Sendable, Hashable {
    /// One shape.
    struct Shape: Sendable, Hashable {
        enum Kind: Sendable, Hashable { case blob, grating, ring }
        var kind: Kind
        var centerX: Double
        var centerY: Double
        /// Extent along the shape's own axes.
        var width: Double
        var height: Double
        var angle: Double
        /// Cycles per unit of a grating; radius of a ring.
        var frequency: Double
        var phase: Double
        /// Intensity per channel.
        var color: [Double]
    }

    var shapes: [Shape]

    /// The prototype of class `seed`.
    init(seed: UInt64, channels: Int, shapeCount: Int = 3) {
        var generator = SplitMix64(seed: seed)
        shapes = (0..<shapeCount).map { _ in
            let kind: Shape.Kind = [.blob, .grating, .ring][Int.random(in: 0..<3, using: &generator)]
            var color = (0..<channels).map { _ in Double.random(in: -1...1, using: &generator) }
            let norm = max(1e-6, color.reduce(0) { $0 + $1 * $1 }.squareRoot())
            color = color.map { $0 / norm * Double(channels).squareRoot() }
            return Shape(
                kind: kind, centerX: Double.random(in: -0.55...0.55, using: &generator),
                centerY: Double.random(in: -0.55...0.55, using: &generator),
                width: Double.random(in: 0.12...0.4, using: &generator), height: Double.random(in: 0.12...0.4, using: &generator),
                angle: Double.random(in: 0..<Double.pi, using: &generator),
                frequency: kind == .ring ? Double.random(in: 0.15...0.35, using: &generator) : Double.random(in: 1.5...4, using: &generator),
                phase: Double.random(in: 0..<(2 * Double.pi), using: &generator), color: color)
        }
    }

    /// How much one sample departs from the prototype.
    struct Deformation: Sendable, Hashable {
        /// Largest rotation of the whole image, radians.
        var rotation = 0.8
        /// Largest relative change of scale.
        var scale = 0.25
        /// Largest shift of the whole image, in units of the half width.
        var translation = 0.3
        /// Largest shift of each shape on its own.
        var shapeJitter = 0.15
        /// Largest relative change of each shape's intensity.
        var intensityJitter = 0.4
        /// Standard deviation of the per-pixel Gaussian noise.
        var noise = 0.35
    }

    /// Draws one sample into `values` (`channels * height * width` floats, channel-major).
    func render(channels: Int, height: Int, width: Int, deformation: Deformation,
                using generator: inout some RandomNumberGenerator, into values: inout [Float], at offset: Int) {
        let rotation = Double.random(in: -deformation.rotation...deformation.rotation, using: &generator)
        let scale = 1 + Double.random(in: -deformation.scale...deformation.scale, using: &generator)
        let shiftX = Double.random(in: -deformation.translation...deformation.translation, using: &generator)
        let shiftY = Double.random(in: -deformation.translation...deformation.translation, using: &generator)
        let jittered = shapes.map { shape -> (Shape, Double) in
            var moved = shape
            moved.centerX += Double.random(in: -deformation.shapeJitter...deformation.shapeJitter, using: &generator)
            moved.centerY += Double.random(in: -deformation.shapeJitter...deformation.shapeJitter, using: &generator)
            return (moved, 1 + Double.random(in: -deformation.intensityJitter...deformation.intensityJitter, using: &generator))
        }
        let (cosine, sine) = (cos(rotation), sin(rotation))
        var plane = [Double](repeating: 0, count: channels)
        for row in 0..<height {
            for column in 0..<width {
                // Pixel centre in [-1, 1], mapped back through the sample's rotation, scale and shift.
                let x = (Double(column) + 0.5) / Double(width) * 2 - 1 - shiftX
                let y = (Double(row) + 0.5) / Double(height) * 2 - 1 - shiftY
                let u = (cosine * x + sine * y) / scale
                let v = (-sine * x + cosine * y) / scale
                for channel in 0..<channels { plane[channel] = 0 }
                for (shape, intensity) in jittered {
                    let value = intensity * shape.value(atX: u, y: v)
                    if value == 0 { continue }
                    for channel in 0..<channels { plane[channel] += value * shape.color[channel] }
                }
                for channel in 0..<channels {
                    let noise = deformation.noise * Self.gaussian(using: &generator)
                    values[offset + (channel * height + row) * width + column] = Float(plane[channel] + noise)
                }
            }
        }
    }

    /// A standard normal sample (Box-Muller, one of the pair).
    static func gaussian(using generator: inout some RandomNumberGenerator) -> Double {
        let radius = (-2 * log(1 - Double.random(in: 0..<1, using: &generator))).squareRoot()
        return radius * cos(2 * Double.pi * Double.random(in: 0..<1, using: &generator))
    }
}

extension ClassPrototype.Shape {
    /// The shape's intensity at a point, before colour: up to 1 inside, fading to 0 outside.
    func value(atX x: Double, y: Double) -> Double {
        let dx = x - centerX
        let dy = y - centerY
        let along = cos(angle) * dx + sin(angle) * dy
        let across = -sin(angle) * dx + cos(angle) * dy
        switch kind {
        case .blob:
            let distance = along * along / (width * width) + across * across / (height * height)
            return distance > 9 ? 0 : exp(-0.5 * distance)
        case .grating:
            let distance = along * along / (width * width) + across * across / (height * height)
            return distance > 9 ? 0 : exp(-0.5 * distance) * cos(2 * Double.pi * frequency * along + phase)
        case .ring:
            let radius = (dx * dx + dy * dy).squareRoot()
            let offset = (radius - frequency) / (0.25 * width)
            return abs(offset) > 3 ? 0 : exp(-0.5 * offset * offset)
        }
    }
}
