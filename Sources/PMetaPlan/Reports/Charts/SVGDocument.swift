/// A point in SVG user units; y grows downwards.
public struct SVGPoint: Hashable, Sendable {
    /// The abscissa.
    public var x: Double
    /// The ordinate, growing downwards.
    public var y: Double

    /// Creates a point.
    public init(x: Double, y: Double) {
        self.x = x
        self.y = y
    }
}

/// Which point of a text's baseline its position names.
public enum SVGTextAnchor: String, Hashable, Sendable {
    /// The position is where the text begins.
    case start
    /// The position is the middle of the text.
    case middle
    /// The position is where the text ends.
    case end
}

/// The weight of a text's font.
public enum SVGFontWeight: String, Hashable, Sendable {
    /// Regular weight.
    case regular = "normal"
    /// Bold weight, for titles and highlighted labels.
    case bold
}

/// A small SVG builder that serializes to byte-identical text on every run and platform.
///
/// Numbers go through ``ChartNumberFormat/svg(_:)`` (at most two decimals, no exponent, no `-0`) and all text goes
/// through ``XMLEscaping/escaped(_:)``. Elements are written in the order they were added, so later elements paint
/// over earlier ones.
///
/// ```swift
/// var document = SVGDocument(width: 200, height: 100, title: "Example")
/// document.rect(x: 10, y: 10, width: 50, height: 80, paint: .filled("#0072b2"), hoverText: "12.5 MB")
/// document.text("conv1", at: SVGPoint(x: 35, y: 95), anchor: .middle)
/// let markup = document.render()
/// ```
public struct SVGDocument: Hashable, Sendable {
    /// The canvas width, also the viewBox width.
    public var width: Double
    /// The canvas height, also the viewBox height.
    public var height: Double
    /// The accessible name of the whole drawing, written as the first `title` element; `nil` for none.
    public var title: String?
    /// The background colour painted over the whole canvas, or `nil` for a transparent canvas.
    public var background: String?
    /// The font family list inherited by all text.
    public var fontFamily: String
    /// The font size inherited by text that does not set its own.
    public var fontSize: Double

    /// The top-level elements, in painting order.
    private(set) var nodes: [SVGNode] = []

    /// Creates an empty drawing.
    /// - Parameters:
    ///   - width: The canvas width in user units (positive).
    ///   - height: The canvas height in user units (positive).
    ///   - title: The accessible name of the drawing.
    ///   - background: The background colour, white by default; `nil` for transparent.
    ///   - fontFamily: The inherited font family list.
    ///   - fontSize: The inherited font size.
    public init(
        width: Double, height: Double, title: String? = nil, background: String? = "#ffffff",
        fontFamily: String = ChartStyle.standard.fontFamily, fontSize: Double = ChartStyle.standard.labelFontSize
    ) {
        precondition(width > 0 && height > 0, "SVGDocument needs a positive size, got \(width) x \(height)")
        self.width = width
        self.height = height
        self.title = title
        self.background = background
        self.fontFamily = fontFamily
        self.fontSize = fontSize
    }

    /// Whether no element has been added.
    public var isEmpty: Bool { nodes.isEmpty }

    // MARK: - Shapes

    /// Adds a rectangle.
    /// - Parameters:
    ///   - x: The left edge.
    ///   - y: The top edge.
    ///   - width: The width; negative values are clamped to zero.
    ///   - height: The height; negative values are clamped to zero.
    ///   - cornerRadius: The radius of rounded corners, zero for sharp corners.
    ///   - paint: Fill and stroke.
    ///   - hoverText: Text that viewers show when the pointer rests on the shape.
    public mutating func rect(
        x: Double, y: Double, width: Double, height: Double, cornerRadius: Double = 0, paint: SVGPaint,
        hoverText: String? = nil
    ) {
        var attributes = [
            number("x", x), number("y", y), number("width", max(0, width)), number("height", max(0, height)),
        ]
        if cornerRadius > 0 { attributes.append(number("rx", cornerRadius)) }
        attributes += paint.attributes(fillsByDefault: true)
        append(SVGNode("rect", attributes: attributes, children: titles(hoverText)))
    }

    /// Adds a straight line segment.
    /// - Parameters:
    ///   - start: One end.
    ///   - end: The other end.
    ///   - paint: The stroke; a line without stroke is invisible.
    ///   - hoverText: Text shown when the pointer rests on the line.
    public mutating func line(from start: SVGPoint, to end: SVGPoint, paint: SVGPaint, hoverText: String? = nil) {
        let attributes = [number("x1", start.x), number("y1", start.y), number("x2", end.x), number("y2", end.y)]
        append(
            SVGNode(
                "line", attributes: attributes + paint.attributes(fillsByDefault: false),
                children: titles(hoverText)))
    }

    /// Adds an open polyline through `points`.
    /// - Parameters:
    ///   - points: The vertices in order.
    ///   - paint: Stroke and optional fill.
    ///   - hoverText: Text shown when the pointer rests on the line.
    /// - Complexity: O(n) in the number of points.
    public mutating func polyline(_ points: [SVGPoint], paint: SVGPaint, hoverText: String? = nil) {
        let list = points.map { "\(ChartNumberFormat.svg($0.x)),\(ChartNumberFormat.svg($0.y))" }
            .joined(separator: " ")
        let attributes = [SVGNode.Attribute(name: "points", value: list)] + paint.attributes(fillsByDefault: false)
        append(SVGNode("polyline", attributes: attributes, children: titles(hoverText)))
    }

    /// Adds a path.
    /// - Parameters:
    ///   - path: The outline.
    ///   - paint: Stroke and optional fill.
    ///   - hoverText: Text shown when the pointer rests on the path.
    public mutating func path(_ path: SVGPath, paint: SVGPaint, hoverText: String? = nil) {
        let attributes = [SVGNode.Attribute(name: "d", value: path.data)] + paint.attributes(fillsByDefault: false)
        append(SVGNode("path", attributes: attributes, children: titles(hoverText)))
    }

    /// Adds a circle.
    /// - Parameters:
    ///   - center: The centre.
    ///   - radius: The radius.
    ///   - paint: Fill and stroke.
    ///   - hoverText: Text shown when the pointer rests on the circle.
    public mutating func circle(center: SVGPoint, radius: Double, paint: SVGPaint, hoverText: String? = nil) {
        let attributes = [number("cx", center.x), number("cy", center.y), number("r", max(0, radius))]
        append(
            SVGNode(
                "circle", attributes: attributes + paint.attributes(fillsByDefault: true),
                children: titles(hoverText)))
    }

    // MARK: - Text

    /// Adds a single line of text whose baseline passes through `point`.
    /// - Parameters:
    ///   - content: The text; it is escaped, so `<`, `&` and quotes are safe.
    ///   - point: The anchor point on the baseline.
    ///   - anchor: Which point of the baseline `point` names.
    ///   - rotation: Degrees clockwise around `point`; `-45` slants the text up to the right, `-90` reads upwards.
    ///   - fontSize: The font size, or `nil` to inherit the document's.
    ///   - weight: The font weight.
    ///   - fill: The text colour, or `nil` for black.
    ///   - haloColour: A colour painted as a thin outline behind the glyphs, so the text stays legible over lines;
    ///     `nil` for none.
    ///   - hoverText: Text shown when the pointer rests on the label, such as the untruncated name.
    public mutating func text(
        _ content: String, at point: SVGPoint, anchor: SVGTextAnchor = .start, rotation: Double = 0,
        fontSize: Double? = nil, weight: SVGFontWeight = .regular, fill: String? = nil, haloColour: String? = nil,
        hoverText: String? = nil
    ) {
        var attributes = [number("x", point.x), number("y", point.y)]
        if anchor != .start { attributes.append(.init(name: "text-anchor", value: anchor.rawValue)) }
        if let fontSize { attributes.append(number("font-size", fontSize)) }
        if weight != .regular { attributes.append(.init(name: "font-weight", value: weight.rawValue)) }
        if let fill { attributes.append(.init(name: "fill", value: fill)) }
        if let haloColour {
            attributes += [
                .init(name: "stroke", value: haloColour), .init(name: "stroke-width", value: "3"),
                .init(name: "stroke-linejoin", value: "round"), .init(name: "paint-order", value: "stroke"),
            ]
        }
        if rotation != 0 {
            let angle = ChartNumberFormat.svg(rotation)
            let pivot = "\(ChartNumberFormat.svg(point.x)) \(ChartNumberFormat.svg(point.y))"
            attributes.append(.init(name: "transform", value: "rotate(\(angle) \(pivot))"))
        }
        append(SVGNode("text", attributes: attributes, text: content, children: titles(hoverText)))
    }

    // MARK: - Structure

    /// Adds a group whose children are added by `build`; the group's paint is inherited by them.
    /// - Parameters:
    ///   - paint: Presentation attributes inherited by the children.
    ///   - hoverText: Text shown when the pointer rests on any child.
    ///   - build: Adds the children to the document it is given.
    public mutating func group(
        paint: SVGPaint = SVGPaint(), hoverText: String? = nil, _ build: (inout SVGDocument) -> Void
    ) {
        var inner = self
        inner.nodes = []
        build(&inner)
        append(
            SVGNode(
                "g", attributes: paint.attributes(fillsByDefault: true),
                children: titles(hoverText) + inner.nodes))
    }

    // MARK: - Output

    /// The SVG markup: an `svg` root with `width`, `height` and `viewBox`, the title, the background, then the
    /// elements, one per line, ending with a newline.
    /// - Complexity: O(n) in the size of the drawing.
    public func render() -> String {
        var root = SVGNode(
            "svg",
            attributes: [
                .init(name: "xmlns", value: "http://www.w3.org/2000/svg"),
                number("width", width), number("height", height),
                .init(name: "viewBox", value: "0 0 \(ChartNumberFormat.svg(width)) \(ChartNumberFormat.svg(height))"),
                .init(name: "font-family", value: fontFamily), number("font-size", fontSize),
            ])
        if let title { root.children.append(.title(title)) }
        if let background {
            root.children.append(
                SVGNode(
                    "rect",
                    attributes: [
                        number("x", 0), number("y", 0), number("width", width), number("height", height),
                        .init(name: "fill", value: background),
                    ]))
        }
        root.children += nodes
        var output = ""
        root.write(to: &output, indent: 0)
        return output
    }

    // MARK: - Helpers

    private mutating func append(_ node: SVGNode) { nodes.append(node) }

    private func number(_ name: String, _ value: Double) -> SVGNode.Attribute {
        SVGNode.Attribute(name: name, value: ChartNumberFormat.svg(value))
    }

    private func titles(_ hoverText: String?) -> [SVGNode] {
        hoverText.map { [SVGNode.title($0)] } ?? []
    }
}
