/// Estimated sizes of text, without access to fonts, so that layouts can avoid overlap.
///
/// Widths are per character class, in ems, sized for DejaVu Sans, the widest common fallback face: labels
/// laid out with these estimates do not collide in Helvetica, Arial or Segoe UI either, which are narrower.
public enum TextMetrics {
    /// The height above the baseline that glyphs may reach, in ems.
    public static let ascent = 0.8
    /// The depth below the baseline that glyphs may reach, in ems.
    public static let descent = 0.25
    /// How much wider bold text runs than regular text.
    public static let boldFactor = 1.1

    /// The estimated advance width of `text`.
    /// - Parameters:
    ///   - text: One line of text.
    ///   - fontSize: The font size.
    ///   - weight: The font weight.
    /// - Returns: The width in user units.
    /// - Complexity: O(n) in the length of `text`.
    public static func width(of text: String, fontSize: Double, weight: SVGFontWeight = .regular) -> Double {
        var ems = 0.0
        for scalar in text.unicodeScalars { ems += width(of: scalar) }
        return ems * fontSize * (weight == .bold ? boldFactor : 1)
    }

    /// The estimated width of one character, in ems.
    static func width(of scalar: Unicode.Scalar) -> Double {
        switch scalar {
        case "i", "l", "j", ".", ",", ":", ";", "'", "|", "!", "I", "`": return 0.3
        case " ", "f", "t", "r", "(", ")", "[", "]", "{", "}", "-", "/", "\\", "\"", "*": return 0.42
        case "m", "w", "M", "W", "%", "@", "&", "\u{2014}": return 1.0
        case "\u{2026}": return 0.84
        case "a"..."z", "0"..."9", "_", "+", "=", "<", ">", "#", "$", "?", "^", "~": return 0.64
        case "A"..."Z": return 0.76
        default:
            if scalar.properties.generalCategory == .nonspacingMark { return 0 }
            // East Asian ideographs and symbols run a full em; other letters about like Latin capitals.
            return scalar.value >= 0x2E80 ? 1.0 : 0.76
        }
    }

    /// `text` cut so that its estimated width stays within `maximumWidth`, ending in an ellipsis when cut.
    /// - Parameters:
    ///   - text: One line of text.
    ///   - maximumWidth: The width available.
    ///   - fontSize: The font size.
    ///   - weight: The font weight.
    /// - Returns: `text` itself when it fits, else its longest fitting prefix followed by `…`.
    /// - Complexity: O(n) in the length of `text`.
    public static func truncated(
        _ text: String, toWidth maximumWidth: Double, fontSize: Double, weight: SVGFontWeight = .regular
    ) -> String {
        if width(of: text, fontSize: fontSize, weight: weight) <= maximumWidth { return text }
        let ellipsis = "\u{2026}"
        let budget = maximumWidth - width(of: ellipsis, fontSize: fontSize, weight: weight)
        var result = ""
        var used = 0.0
        for character in text {
            let characterWidth = width(of: String(character), fontSize: fontSize, weight: weight)
            if used + characterWidth > budget { break }
            result.append(character)
            used += characterWidth
        }
        return result + ellipsis
    }
}

extension TextMetrics {
    /// The estimated box of unrotated text whose baseline passes through `point`.
    /// - Parameters:
    ///   - text: One line of text.
    ///   - point: The anchor point on the baseline.
    ///   - anchor: Which point of the baseline `point` names.
    ///   - fontSize: The font size.
    ///   - weight: The font weight.
    /// - Returns: The box from the ascent line to the descent line.
    public static func boundingBox(
        of text: String, at point: SVGPoint, anchor: SVGTextAnchor, fontSize: Double, weight: SVGFontWeight = .regular
    ) -> ChartRect {
        let textWidth = width(of: text, fontSize: fontSize, weight: weight)
        let left: Double
        switch anchor {
        case .start: left = point.x
        case .middle: left = point.x - textWidth / 2
        case .end: left = point.x - textWidth
        }
        return ChartRect(
            x: left, y: point.y - ascent * fontSize, width: textWidth, height: (ascent + descent) * fontSize)
    }

    /// The distance from a baseline down to the visual middle of the text on it, so that a label can be centred
    /// on a tick: a label's baseline goes `centringOffset` below the tick.
    /// - Parameter fontSize: The font size.
    /// - Returns: The offset.
    public static func centringOffset(fontSize: Double) -> Double {
        (ascent - descent) / 2 * fontSize
    }
}
