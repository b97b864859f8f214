import Foundation
import PMetaPlan
import Testing

#if canImport(FoundationXML)
import FoundationXML
#endif

/// A `text` element read back from SVG markup, with the box its glyphs are estimated to cover.
struct ParsedText {
    var content: String
    var x: Double
    var y: Double
    var anchor: SVGTextAnchor
    var fontSize: Double
    var weight: SVGFontWeight
    /// Degrees clockwise about `pivot`.
    var rotation: Double
    var pivot: SVGPoint

    /// The four corners of the estimated glyph box, rotated as drawn.
    var corners: [SVGPoint] {
        let box = TextMetrics.boundingBox(
            of: content, at: SVGPoint(x: x, y: y), anchor: anchor, fontSize: fontSize, weight: weight)
        let unrotated = [
            SVGPoint(x: box.minX, y: box.minY), SVGPoint(x: box.maxX, y: box.minY),
            SVGPoint(x: box.maxX, y: box.maxY), SVGPoint(x: box.minX, y: box.maxY),
        ]
        let radians = rotation * Double.pi / 180
        let cosine = cos(radians)
        let sine = sin(radians)
        return unrotated.map { corner in
            let dx = corner.x - pivot.x
            let dy = corner.y - pivot.y
            return SVGPoint(x: pivot.x + dx * cosine - dy * sine, y: pivot.y + dx * sine + dy * cosine)
        }
    }
}

/// What the tests need to know about an SVG document, read with Foundation's XML parser.
struct ParsedSVG {
    var width: Double = 0
    var height: Double = 0
    var viewBox: [Double] = []
    var texts: [ParsedText] = []
    var elementCounts: [String: Int] = [:]
    var titles: [String] = []
    var polylinePoints: [String] = []
    var hasWhiteBackground = false

    /// Texts whose estimated boxes stick out of the viewBox.
    var textsOutsideCanvas: [String] {
        texts.filter { text in
            text.corners.contains { $0.x < -0.01 || $0.y < -0.01 || $0.x > width + 0.01 || $0.y > height + 0.01 }
        }.map(\.content)
    }

    /// Pairs of texts whose estimated (rotated) boxes overlap.
    var overlappingTexts: [(String, String)] {
        let polygons = texts.map { shrink($0.corners, by: 0.25) }
        var pairs: [(String, String)] = []
        for first in texts.indices {
            for second in texts.indices where second > first {
                if polygonsOverlap(polygons[first], polygons[second]) {
                    pairs.append((texts[first].content, texts[second].content))
                }
            }
        }
        return pairs
    }
}

/// Parses `markup`, failing the test when it is not well-formed XML.
func parseSVG(_ markup: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> ParsedSVG {
    let collector = SVGCollector()
    let parser = XMLParser(data: Data(markup.utf8))
    parser.delegate = collector
    let isWellFormed = parser.parse()
    #expect(isWellFormed, "not well-formed: \(String(describing: parser.parserError))", sourceLocation: sourceLocation)
    try #require(isWellFormed, sourceLocation: sourceLocation)
    return collector.result
}

/// Whether two convex polygons overlap, by the separating axis theorem.
func polygonsOverlap(_ first: [SVGPoint], _ second: [SVGPoint]) -> Bool {
    for polygon in [first, second] {
        for index in polygon.indices {
            let start = polygon[index]
            let end = polygon[(index + 1) % polygon.count]
            let axis = SVGPoint(x: -(end.y - start.y), y: end.x - start.x)
            let projectFirst = first.map { $0.x * axis.x + $0.y * axis.y }
            let projectSecond = second.map { $0.x * axis.x + $0.y * axis.y }
            if projectFirst.max()! <= projectSecond.min()! || projectSecond.max()! <= projectFirst.min()! {
                return false
            }
        }
    }
    return true
}

/// A convex polygon moved `amount` towards its centre, so that boxes that merely touch do not count as overlapping.
private func shrink(_ polygon: [SVGPoint], by amount: Double) -> [SVGPoint] {
    let centreX = polygon.map(\.x).reduce(0, +) / Double(polygon.count)
    let centreY = polygon.map(\.y).reduce(0, +) / Double(polygon.count)
    return polygon.map { point in
        let dx = point.x - centreX
        let dy = point.y - centreY
        let length = max((dx * dx + dy * dy).squareRoot(), 1e-9)
        return SVGPoint(x: point.x - dx / length * amount, y: point.y - dy / length * amount)
    }
}

private final class SVGCollector: NSObject, XMLParserDelegate {
    var result = ParsedSVG()
    private var stack: [String] = []
    private var fontSizes: [Double] = []
    private var pendingText: ParsedText?
    private var characters = ""

    func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
        attributes: [String: String] = [:]
    ) {
        stack.append(elementName)
        result.elementCounts[elementName, default: 0] += 1
        let inherited = fontSizes.last ?? 16
        let fontSize = attributes["font-size"].flatMap(Double.init) ?? inherited
        fontSizes.append(fontSize)
        characters = ""
        switch elementName {
        case "svg":
            result.width = Double(attributes["width"] ?? "") ?? 0
            result.height = Double(attributes["height"] ?? "") ?? 0
            result.viewBox = (attributes["viewBox"] ?? "").split(separator: " ").compactMap { Double($0) }
        case "polyline":
            result.polylinePoints.append(attributes["points"] ?? "")
        case "rect" where stack.count == 2:
            if attributes["fill"] == "#ffffff" && attributes["x"] == "0" && attributes["y"] == "0"
                && Double(attributes["width"] ?? "") == result.width
            {
                result.hasWhiteBackground = true
            }
        case "text":
            let x = Double(attributes["x"] ?? "0") ?? 0
            let y = Double(attributes["y"] ?? "0") ?? 0
            var rotation = 0.0
            var pivot = SVGPoint(x: x, y: y)
            if let transform = attributes["transform"], transform.hasPrefix("rotate(") {
                let numbers = transform.dropFirst("rotate(".count).dropLast()
                    .split(separator: " ").compactMap { Double($0) }
                rotation = numbers[0]
                if numbers.count == 3 { pivot = SVGPoint(x: numbers[1], y: numbers[2]) }
            }
            pendingText = ParsedText(
                content: "", x: x, y: y,
                anchor: SVGTextAnchor(rawValue: attributes["text-anchor"] ?? "start") ?? .start,
                fontSize: fontSize, weight: attributes["font-weight"] == "bold" ? .bold : .regular,
                rotation: rotation, pivot: pivot)
        default:
            break
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        characters += string
        if stack.last == "text" { pendingText?.content += string }
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
        if elementName == "text", let text = pendingText {
            result.texts.append(text)
            pendingText = nil
        }
        if elementName == "title" { result.titles.append(characters) }
        stack.removeLast()
        fontSizes.removeLast()
    }
}

/// Checks what every chart must satisfy: well-formed, white background, viewBox matching the size, every label
/// inside the canvas and no two labels overlapping.
func expectWellLaidOut(_ markup: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let parsed = try parseSVG(markup, sourceLocation: sourceLocation)
    #expect(parsed.viewBox == [0, 0, parsed.width, parsed.height], sourceLocation: sourceLocation)
    #expect(parsed.hasWhiteBackground, sourceLocation: sourceLocation)
    #expect(
        parsed.textsOutsideCanvas.isEmpty, "outside the canvas: \(parsed.textsOutsideCanvas)",
        sourceLocation: sourceLocation)
    let overlaps = parsed.overlappingTexts
    #expect(overlaps.isEmpty, "overlapping labels: \(overlaps.prefix(5))", sourceLocation: sourceLocation)
}

/// Deterministic sample data for chart tests.
enum ChartSamples {
    /// The 9 layers of a small 4-conv network.
    static let conv4Layers = ["conv1", "gn1", "relu1", "pool1", "conv2", "gn2", "relu2", "pool2", "fc"]

    /// 55 layer names in the style of a ResNet-12.
    static let resNet12Layers: [String] = {
        var names: [String] = []
        for block in 1...4 {
            for part in [
                "conv1", "bn1", "relu1", "conv2", "bn2", "relu2", "conv3", "bn3", "sc.conv", "sc.bn", "add",
                "relu3", "pool",
            ] {
                names.append("b\(block).\(part)")
            }
        }
        return names + ["avgpool", "flatten", "fc"]
    }()

    /// Method names, one longer than the others.
    static let methods = ["MAML", "ANIL", "BOIL", "p-Meta", "MAML++ (first order)", "fine-tune all"]

    /// `count` values from 0.001 to 25 spread over the orders of magnitude, from a fixed linear congruential
    /// sequence (no randomness from the system).
    static func megabytes(_ count: Int, seed: UInt64) -> [Double] {
        var state = seed
        return (0..<count).map { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let unit = Double(state >> 11) / Double(UInt64(1) << 53)
            return 0.001 * pow(25_000, unit)
        }
    }
}
