import PMetaPlan
import Testing

@Suite("Charts: SVG document, number formatting and escaping")
struct ChartsSVGDocumentTests {
    /// Values and the text hand-worked from rounding half away from zero at two decimals.
    @Test(arguments: [
        (0.1 + 0.2, "0.3"), (-0.001, "0"), (-0.004, "0"), (0.0000001, "0"), (-0.006, "-0.01"), (2.5, "2.5"),
        (-3, "-3"), (0.005, "0.01"), (123_456.789, "123456.79"), (1e12, "1000000000000"), (7.0, "7"), (-0.0, "0"),
    ])
    func svgNumbersHaveAtMostTwoDecimalsAndNoExponentOrNegativeZero(value: Double, expected: String) {
        #expect(ChartNumberFormat.svg(value) == expected)
    }

    @Test func fixedNumbersKeepTheirDecimalsAndGroupThousands() {
        #expect(ChartNumberFormat.fixed(2.5, decimals: 2) == "2.50")
        #expect(ChartNumberFormat.fixed(-0.0001, decimals: 2) == "0.00")
        #expect(ChartNumberFormat.fixed(12_500, decimals: 1, isGrouped: true) == "12,500.0")
        #expect(ChartNumberFormat.fixed(-2_064_416, decimals: 0, isGrouped: true) == "-2,064,416")
    }

    @Test(arguments: [
        (0.0012345, "0.00123"), (12.5, "12.5"), (123_456, "123,000"), (9.999, "10"), (0, "0"), (-0.5, "-0.5"),
        (25, "25"), (0.001, "0.001"), (1_000, "1,000"),
    ])
    func significantNumbersKeepThreeDigits(value: Double, expected: String) {
        #expect(ChartNumberFormat.significant(value) == expected)
    }

    @Test func escapingReplacesMarkupCharactersAndDropsForbiddenControls() {
        #expect(XMLEscaping.escaped("a<b & \"c\" 'd'>") == "a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt;")
        #expect(XMLEscaping.escaped("tab\tbell\u{7}end") == "tab\tbellend")
        #expect(XMLEscaping.escaped("µ-Meta ✓") == "µ-Meta ✓")
    }

    @Test func smallDocumentRendersExactly() {
        var document = SVGDocument(width: 120, height: 60.5, title: "T & <t>", fontFamily: "sans-serif", fontSize: 12)
        document.rect(x: 1, y: 2.004, width: 10, height: 20, paint: .filled("#0072b2"), hoverText: "12.5 MB")
        document.group(paint: .stroked("#333333", width: 0.5)) { group in
            group.line(
                from: SVGPoint(x: 0, y: 0), to: SVGPoint(x: 10, y: -0.001), paint: SVGPaint(dashPattern: [6, 4]))
        }
        var outline = SVGPath()
        outline.move(to: SVGPoint(x: 0, y: 10))
        outline.horizontalLine(to: 5.5)
        outline.verticalLine(to: 2)
        document.path(outline, paint: .stroked("red"))
        document.text("a<b", at: SVGPoint(x: 5, y: 50), anchor: .end, rotation: -45, weight: .bold)
        let expected = """
            <svg xmlns="http://www.w3.org/2000/svg" width="120" height="60.5" viewBox="0 0 120 60.5" \
            font-family="sans-serif" font-size="12">
              <title>T &amp; &lt;t&gt;</title>
              <rect x="0" y="0" width="120" height="60.5" fill="#ffffff"/>
              <rect x="1" y="2" width="10" height="20" fill="#0072b2"><title>12.5 MB</title></rect>
              <g stroke="#333333" stroke-width="0.5">
                <line x1="0" y1="0" x2="10" y2="0" fill="none" stroke-dasharray="6 4"/>
              </g>
              <path d="M0 10H5.5V2" fill="none" stroke="red" stroke-width="1"/>
              <text x="5" y="50" text-anchor="end" font-weight="bold" transform="rotate(-45 5 50)">a&lt;b</text>
            </svg>

            """
        #expect(document.render() == expected)
    }

    @Test func hostileLabelsSurviveARoundTripThroughTheXMLParser() throws {
        var document = SVGDocument(width: 100, height: 100)
        let hostile = "b1.conv<1> & \"q\" ]]> --> <!-- 'x'"
        document.text(hostile, at: SVGPoint(x: 10, y: 20), hoverText: hostile)
        let parsed = try parseSVG(document.render())
        #expect(parsed.texts.map(\.content) == [hostile])
        #expect(parsed.titles.contains(hostile))
    }

    @Test func renderingTwiceGivesIdenticalText() {
        func build() -> String {
            var document = SVGDocument(width: 300, height: 200, title: "same")
            for index in 0..<50 {
                let value = Double(index) / 7
                document.circle(center: SVGPoint(x: value * 3, y: value * value), radius: 2, paint: .filled("#000"))
            }
            return document.render()
        }
        #expect(build() == build())
    }

    @Test func layoutCheckerCatchesOverlappingAndClippedLabels() throws {
        var document = SVGDocument(width: 200, height: 100)
        document.text("first label", at: SVGPoint(x: 20, y: 30))
        document.text("second", at: SVGPoint(x: 40, y: 34))
        // Rotated -45 about its end, this label hangs down-left past the bottom edge.
        document.text("a long rotated label", at: SVGPoint(x: 150, y: 90), anchor: .end, rotation: -45)
        // Side by side at -45 degrees, 20 apart: their slanted boxes do not meet.
        document.text("slanted one", at: SVGPoint(x: 100, y: 40), anchor: .end, rotation: -45)
        document.text("slanted two", at: SVGPoint(x: 120, y: 40), anchor: .end, rotation: -45)
        let parsed = try parseSVG(document.render())
        #expect(parsed.overlappingTexts.map { "\($0.0)/\($0.1)" } == ["first label/second"])
        #expect(parsed.textsOutsideCanvas == ["a long rotated label"])
    }
}
