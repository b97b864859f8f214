import Testing
@testable import PMetaPlan

/// Top-P's k, the choice of the largest changes, `--local` lists and the partition's errors.
@Suite struct TopPSelectionTests {
    @Test func kRoundsUp() throws {
        #expect(try TopPSelection.count(of: 57, percentage: Percentage(percent: 10)) == 6)   // 5.7
        #expect(try TopPSelection.count(of: 1_000, percentage: Percentage(parsing: "0.1%")) == 1)
        #expect(try TopPSelection.count(of: 1_000, percentage: Percentage(parsing: "0.15%")) == 2)  // 1.5
        #expect(try TopPSelection.count(of: 7, percentage: Percentage(percent: 100)) == 7)
        #expect(!TopPSelection.isValid(Percentage(percent: 0)))
        #expect(!TopPSelection.isValid(try Percentage(parsing: "100.5%")))
        #expect(TopPSelection.isValid(try Percentage(parsing: "100.000%")))
    }

    @Test func largestChangesAreSortedAndTiesGoToTheLowerIndex() {
        let changes: [Double] = [0.1, -0.5, 0.2, 0.5, 0, -0.2]
        #expect(TopPSelection.indices(ofLargestChanges: changes, count: 2) == [1, 3])
        #expect(TopPSelection.indices(ofLargestChanges: changes, count: 3) == [1, 2, 3])   // 0.2 at 2 before -0.2 at 5
        #expect(TopPSelection.indices(ofLargestChanges: [Float](repeating: 0, count: 4), count: 2) == [0, 1])
    }

    @Test func layerListsParse() throws {
        let selector = try LayerSelector(parsing: " block4.* , head")
        #expect(selector.patterns == [.prefix("block4."), .name("head")])
        #expect(selector.description == "block4.*,head")
        #expect(selector.matches("block4.gn") && selector.matches("head") && !selector.matches("block3.conv"))
        #expect(throws: LayerSelectorSyntaxError.self) { try LayerSelector(parsing: "head,,block4.*") }
        #expect(throws: LayerSelectorSyntaxError.self) { try LayerSelector(parsing: "block*.conv") }
        #expect(throws: LayerSelectorSyntaxError.self) { try LayerSelector(parsing: "") }
    }

    @Test func partitionErrorsNameTheEntry() throws {
        let model = try ShippedArchitectures.costModel("4conv")
        #expect(throws: PartitionError(message: "'hed' matches no layer of 4Conv (did you mean 'head'?)")) {
            try ParameterPartition(model: model, local: LayerSelector(parsing: "hed"))
        }
        #expect(throws: PartitionError(message: "'block1.relu' matches only layers without parameters (relu); name a conv, linear or normalization layer")) {
            try ParameterPartition(model: model, local: LayerSelector(parsing: "block1.relu"))
        }
        #expect(throws: PartitionError(message: "'*' makes every parameter local; nothing would be federated")) {
            try ParameterPartition(model: model, local: LayerSelector(parsing: "*"))
        }
    }

    @Test func globalSegmentsTileTheGlobalIndexSpace() throws {
        let model = try ShippedArchitectures.costModel("4conv")
        let partition = try ParameterPartition(model: model, local: LayerSelector(parsing: "head"))
        var next = 0
        for segment in partition.globalSegments {
            #expect(segment.range.lowerBound == next)
            next = segment.range.upperBound
        }
        #expect(next == partition.globalParameterCount)
        // 4 convs and 4 group norms: block1.conv 3 x 32 x 9 + 32 = 896 weights first.
        #expect(partition.globalSegments.count == 8)
        #expect(partition.globalSegments[0] == ParameterPartition.Segment(name: "block1.conv", range: 0..<896))
    }
}
