/// One element of an SVG tree: a name, ordered attributes, optional character data and children.
///
/// Attributes keep their insertion order so that the same drawing always serializes to the same bytes.
struct SVGNode: Hashable, Sendable {
    /// The element name, such as `rect` or `g`.
    var name: String
    /// Attribute names and unescaped values, in output order.
    var attributes: [Attribute]
    /// Unescaped character data, written after the children (used by `text` and `title`).
    var text: String?
    /// Child elements.
    var children: [SVGNode]

    /// An attribute name and its unescaped value.
    struct Attribute: Hashable, Sendable {
        var name: String
        var value: String
    }

    init(_ name: String, attributes: [Attribute] = [], text: String? = nil, children: [SVGNode] = []) {
        self.name = name
        self.attributes = attributes
        self.text = text
        self.children = children
    }

    /// A `title` child, which browsers show as hover text for its parent.
    static func title(_ text: String) -> SVGNode { SVGNode("title", text: text) }

    /// Appends the element to `output`, one element per line, indented two spaces per level.
    ///
    /// Elements that carry text, or whose only children are titles, stay on one line so that no whitespace is
    /// added inside a label.
    func write(to output: inout String, indent: Int) {
        output += String(repeating: "  ", count: indent)
        writeOpeningTag(to: &output)
        if children.isEmpty && text == nil {
            output += "/>\n"
            return
        }
        output += ">"
        let isInline = text != nil || children.allSatisfy { $0.name == "title" && $0.children.isEmpty }
        if isInline {
            for child in children { child.writeInline(to: &output) }
            if let text { output += XMLEscaping.escaped(text) }
        } else {
            output += "\n"
            for child in children { child.write(to: &output, indent: indent + 1) }
            output += String(repeating: "  ", count: indent)
        }
        output += "</\(name)>\n"
    }

    /// Appends the element to `output` without line breaks.
    private func writeInline(to output: inout String) {
        writeOpeningTag(to: &output)
        if children.isEmpty && text == nil {
            output += "/>"
            return
        }
        output += ">"
        for child in children { child.writeInline(to: &output) }
        if let text { output += XMLEscaping.escaped(text) }
        output += "</\(name)>"
    }

    private func writeOpeningTag(to output: inout String) {
        output += "<" + name
        for attribute in attributes {
            output += " \(attribute.name)=\"\(XMLEscaping.escaped(attribute.value))\""
        }
    }
}
