/// N-way K-shot image classification over a procedurally generated family of classes.
///
/// Each class is a ``ClassPrototype`` (a few coloured blobs, gratings and rings) fixed by the family seed and
/// the class number; each sample is its class's prototype under a random rotation, scale and shift, with
/// every shape jittered and Gaussian noise on every pixel. Classes `0..<trainingClasses` serve meta-training,
/// the next `validationClasses` validation, the next `testClasses` testing, so no class crosses splits.
public struct PrototypeImageTasks: TaskFamily {
    /// C, H, W of a sample.
    public var channels: Int
    public var height: Int
    public var width: Int
    /// N.
    public var ways: Int
    /// K, support samples per class.
    public var shots: Int
    /// Query samples per class.
    public var queriesPerClass: Int
    /// Classes per split.
    public var trainingClasses: Int
    public var validationClasses: Int
    public var testClasses: Int
    /// The seed of the family: the same seed gives the same classes.
    public var familySeed: UInt64
    /// The per-pixel noise standard deviation (shapes peak near 1). At the default 0.8, nearest class mean on
    /// raw pixels gets about 43% of 5-way 1-shot and 68% of 5-way 5-shot queries right at 16 x 16.
    public var noise: Double

    /// Creates the family.
    public init(channels: Int = 3, height: Int, width: Int, ways: Int = 5, shots: Int = 1, queriesPerClass: Int = 15,
                trainingClasses: Int = 64, validationClasses: Int = 16, testClasses: Int = 20, familySeed: UInt64 = 2022,
                noise: Double = 0.8) {
        precondition(channels >= 1 && height >= 1 && width >= 1, "PrototypeImageTasks: empty images")
        precondition(ways >= 2 && shots >= 1 && queriesPerClass >= 1, "PrototypeImageTasks: need 2+ ways, 1+ shots and queries")
        precondition(min(trainingClasses, validationClasses, testClasses) >= ways, "PrototypeImageTasks: every split needs at least N classes")
        self.channels = channels
        self.height = height
        self.width = width
        self.ways = ways
        self.shots = shots
        self.queriesPerClass = queriesPerClass
        self.trainingClasses = trainingClasses
        self.validationClasses = validationClasses
        self.testClasses = testClasses
        self.familySeed = familySeed
        self.noise = noise
    }

    public var sampleShape: [Int] { [channels, height, width] }
    public var outputShape: [Int] { [ways] }
    public var isClassification: Bool { true }

    /// The class numbers of a split.
    public func classes(of split: TaskSplit) -> Range<Int> {
        switch split {
        case .training: 0..<trainingClasses
        case .validation: trainingClasses..<(trainingClasses + validationClasses)
        case .test: (trainingClasses + validationClasses)..<(trainingClasses + validationClasses + testClasses)
        }
    }

    /// The prototype of class `number`.
    func prototype(ofClass number: Int) -> ClassPrototype {
        ClassPrototype(seed: familySeed &* 0x9E37_79B9_7F4A_7C15 &+ UInt64(number), channels: channels)
    }

    /// Draws N distinct classes of the split, labels them 0..<N in random order, and renders K support and
    /// the query samples of each.
    public func task(from split: TaskSplit, using generator: inout some RandomNumberGenerator) -> FewShotTask {
        // One draw from the caller's generator seeds a concrete stream, so the rendering loops are specialized.
        var stream = SplitMix64(seed: generator.next())
        var pool = Array(classes(of: split))
        pool.shuffle(using: &stream)
        let numbers = Array(pool.prefix(ways))
        let chosen = numbers.map { prototype(ofClass: $0) }
        var deformation = ClassPrototype.Deformation()
        deformation.noise = noise
        func samples(perClass count: Int) -> Batch {
            let sampleSize = channels * height * width
            var values = [Float](repeating: 0, count: ways * count * sampleSize)
            var labels: [Int] = []
            for index in 0..<(ways * count) {
                let label = index % ways
                chosen[label].render(channels: channels, height: height, width: width, deformation: deformation,
                                     using: &stream, into: &values, at: index * sampleSize)
                labels.append(label)
            }
            return Batch(inputs: Tensor(shape: [ways * count] + sampleShape, values: values), targets: .classes(labels))
        }
        return FewShotTask(support: samples(perClass: shots), query: samples(perClass: queriesPerClass), classNumbers: numbers)
    }
}
