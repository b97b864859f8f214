import Testing
@testable import PMetaPlan

/// The shipped architectures against figures published independently of this project.
@Suite struct PublishedModelTests {
    @Test func resNet18HasTorchvisionsParameterCount() throws {
        // torchvision.models.resnet18(): 11,689,512 parameters (weights, BN gamma/beta, fc bias).
        #expect(try ShippedArchitectures.costModel("resnet18").staticMemory(samples: 1).parameterCount == 11_689_512)
    }

    @Test func mobileNetV2HasTorchvisionsParameterCount() throws {
        // torchvision.models.mobilenet_v2(): 3,504,872 parameters.
        #expect(try ShippedArchitectures.costModel("mobilenetv2").staticMemory(samples: 1).parameterCount == 3_504_872)
    }

    @Test func resNet12HasTheParametersThePaperPrints() throws {
        // shared/paper-figures.md: 7.99 M parameters = 32.0 MB. By hand: 3x3 convs without bias
        // 9 x (3*64 + 64*128 + 128*256 + 256*512) = 1,550,016 (first conv of each block)
        // + 2 x 9 x (64^2 + 128^2 + 256^2 + 512^2) = 6,266,880 (second and third), 1x1 shortcuts 172,224,
        // GN gamma and beta 2 x 4 x (64 + 128 + 256 + 512) = 7,680, fc 512 x 5 + 5 = 2,565: 7,999,365.
        #expect(try ShippedArchitectures.costModel("resnet12").staticMemory(samples: 1).parameterCount == 7_999_365)
    }

    @Test func resNet18ForwardMACsMatchTheCommonlyCitedFigure() throws {
        // Conv and fc MACs of ResNet-18 at 224x224: 1,814,073,344 (the "1.82 GMAC" of ptflops/thop);
        // our count adds BN (4/elem), max pool (1/output) and residual adds (1/elem) on top.
        let model = try ShippedArchitectures.costModel("resnet18")
        let convAndFC = zip(model.graph.layers, model.layerCosts)
            .filter { $0.0.operation.isWeightLayer }.reduce(0) { $0 + $1.1.forwardMACs }
        #expect(convAndFC == 1_814_073_344)
    }
}
