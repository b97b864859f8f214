/// Placement of annotation labels so that they neither overlap each other nor cover what they annotate.
enum LabelPlacement {
    /// Moves intervals along a line as little as possible so that neighbours stay `gap` apart, keeping them within
    /// `range` when there is room.
    ///
    /// Labels beside reference lines use this: each wants to be centred on its line, and labels of lines that
    /// lie close together are pushed apart.
    /// - Parameters:
    ///   - centres: Where each interval would like its centre.
    ///   - extents: The length of each interval.
    ///   - gap: The least distance between neighbouring intervals.
    ///   - range: The span the intervals should stay within.
    /// - Returns: The centres, in the order of `centres`.
    /// - Complexity: O(n log n).
    static func spread(centres: [Double], extents: [Double], gap: Double, within range: ClosedRange<Double>) -> [Double]
    {
        precondition(centres.count == extents.count, "spread(centres:extents:) needs one extent per centre")
        let order = centres.indices.sorted { (centres[$0], $0) < (centres[$1], $1) }
        var result = centres
        var previous: Int?
        for index in order {
            var centre = max(centres[index], range.lowerBound + extents[index] / 2)
            if let previous {
                centre = max(centre, result[previous] + (extents[previous] + extents[index]) / 2 + gap)
            }
            result[index] = centre
            previous = index
        }
        var next: Int?
        for index in order.reversed() {
            var centre = min(result[index], range.upperBound - extents[index] / 2)
            if let next {
                centre = min(centre, result[next] - (extents[next] + extents[index]) / 2 - gap)
            }
            result[index] = centre
            next = index
        }
        return result
    }

    /// The index of the first candidate box that lies inside `bounds` and meets none of `obstacles`.
    /// - Parameters:
    ///   - candidates: Boxes in order of preference.
    ///   - bounds: Where a label may go.
    ///   - obstacles: Boxes a label must not touch.
    /// - Returns: The index, or `nil` when every candidate is blocked.
    /// - Complexity: O(candidates x obstacles).
    static func firstClear(_ candidates: [ChartRect], within bounds: ChartRect, avoiding obstacles: [ChartRect]) -> Int?
    {
        candidates.firstIndex { candidate in
            bounds.contains(candidate) && !obstacles.contains { $0.intersects(candidate) }
        }
    }

    /// Thin boxes that cover the axis-parallel segments of a polyline, so labels can avoid the line.
    /// - Parameters:
    ///   - points: The vertices of a line made of horizontal and vertical segments.
    ///   - thickness: The width of the box around each segment.
    /// - Returns: One box per segment.
    /// - Complexity: O(n).
    static func segmentBoxes(_ points: [SVGPoint], thickness: Double) -> [ChartRect] {
        zip(points, points.dropFirst()).map { start, end in
            ChartRect(
                x: min(start.x, end.x) - thickness / 2, y: min(start.y, end.y) - thickness / 2,
                width: abs(end.x - start.x) + thickness, height: abs(end.y - start.y) + thickness)
        }
    }
}

/// A place to try for a label next to a marker.
struct LabelCandidate {
    /// The anchor point on the label's baseline.
    var point: SVGPoint
    /// Which point of the baseline `point` names.
    var anchor: SVGTextAnchor
    /// Whether the place is away from the marker, so that a leader line should join them.
    var isDistant: Bool
}

extension LabelPlacement {
    /// Places for a label next to a round marker, nearest first.
    ///
    /// The near places touch the marker: beside it, above and below it (centred, or starting or ending at it).
    /// The distant places, tried only when asked, step one to four lines away above, beside and below.
    /// - Parameters:
    ///   - centre: The marker's centre.
    ///   - radius: The marker's radius.
    ///   - fontSize: The label's font size.
    ///   - prefersAbove: Whether places above the marker come before places beside it (for peaks), or after
    ///     (for points, whose labels read best beside them).
    ///   - includesDistant: Whether to add the distant places.
    /// - Returns: The candidates in order of preference.
    static func candidates(
        around centre: SVGPoint, radius: Double, fontSize: Double, prefersAbove: Bool, includesDistant: Bool
    ) -> [LabelCandidate] {
        let gap = radius + 3
        let lineHeight = (TextMetrics.ascent + TextMetrics.descent) * fontSize + 2
        let above = centre.y - gap - TextMetrics.descent * fontSize
        let below = centre.y + gap + TextMetrics.ascent * fontSize
        let level = centre.y + TextMetrics.centringOffset(fontSize: fontSize)
        let beside = [
            LabelCandidate(point: SVGPoint(x: centre.x + gap, y: level), anchor: .start, isDistant: false),
            LabelCandidate(point: SVGPoint(x: centre.x - gap, y: level), anchor: .end, isDistant: false),
        ]
        let overAndUnder = [
            LabelCandidate(point: SVGPoint(x: centre.x, y: above), anchor: .middle, isDistant: false),
            LabelCandidate(point: SVGPoint(x: centre.x - radius, y: above), anchor: .start, isDistant: false),
            LabelCandidate(point: SVGPoint(x: centre.x + radius, y: above), anchor: .end, isDistant: false),
            LabelCandidate(point: SVGPoint(x: centre.x, y: below), anchor: .middle, isDistant: false),
            LabelCandidate(point: SVGPoint(x: centre.x - radius, y: below), anchor: .start, isDistant: false),
            LabelCandidate(point: SVGPoint(x: centre.x + radius, y: below), anchor: .end, isDistant: false),
        ]
        var result =
            prefersAbove
            ? Array(overAndUnder.prefix(3)) + beside + overAndUnder.suffix(3)
            : beside + overAndUnder
        guard includesDistant else { return result }
        for step in 1...4 {
            let higher = above - Double(step) * lineHeight
            let lower = below + Double(step) * lineHeight
            let aside = gap + Double(step) * 2 * lineHeight
            result += [
                LabelCandidate(point: SVGPoint(x: centre.x + aside, y: higher), anchor: .start, isDistant: true),
                LabelCandidate(point: SVGPoint(x: centre.x - aside, y: higher), anchor: .end, isDistant: true),
                LabelCandidate(point: SVGPoint(x: centre.x + aside, y: level), anchor: .start, isDistant: true),
                LabelCandidate(point: SVGPoint(x: centre.x - aside, y: level), anchor: .end, isDistant: true),
                LabelCandidate(point: SVGPoint(x: centre.x, y: higher), anchor: .middle, isDistant: true),
                LabelCandidate(point: SVGPoint(x: centre.x, y: lower), anchor: .middle, isDistant: true),
                LabelCandidate(point: SVGPoint(x: centre.x + aside, y: lower), anchor: .start, isDistant: true),
                LabelCandidate(point: SVGPoint(x: centre.x - aside, y: lower), anchor: .end, isDistant: true),
            ]
        }
        return result
    }
}

extension ChartCanvas {
    /// Draws a thin line from the edge of a round marker to the nearest point of a label's box, so that a label
    /// placed away from its marker is not read as the label of a nearer one.
    mutating func leader(from centre: SVGPoint, radius: Double, to box: ChartRect, colour: String) {
        let target = SVGPoint(x: min(max(centre.x, box.minX), box.maxX), y: min(max(centre.y, box.minY), box.maxY))
        let dx = target.x - centre.x
        let dy = target.y - centre.y
        let length = (dx * dx + dy * dy).squareRoot()
        guard length > radius + 1 else { return }
        let start = SVGPoint(x: centre.x + dx / length * radius, y: centre.y + dy / length * radius)
        document.line(from: start, to: target, paint: .stroked(colour, width: 1))
    }
}
