/// The Lagrangian value bounds of the exact search, one per layer, as lower envelopes of lines.
///
/// For a relaxed resource with room r after layer i, weak duality bounds what the layers after i can add by
/// lambda x r + S_i(lambda) for every multiplier lambda >= 0. Over a fixed set of multipliers the tightest of
/// these is the lower envelope of the lines (lambda, S_i(lambda)), a concave piecewise-linear function of r:
/// a binary search over its breakpoints finds the line that is lowest at r, instead of trying every multiplier
/// for every state.
struct LagrangianEnvelope: Sendable {
    /// The lines of every envelope, slopes decreasing from one breakpoint to the next; layer i's lines are
    /// `starts[i]..<starts[i + 1]`.
    private var slopes: [Double] = []
    private var intercepts: [Double] = []
    /// breakpoints[k]: where line k stops being the lowest and line k + 1 takes over (+infinity for the last line).
    private var breakpoints: [Double] = []
    private var starts: [Int] = [0]

    /// Builds one envelope per entry of `bounds`, from the lines (multipliers[p], bounds[i][p]).
    /// - Complexity: O(layers x multipliers log multipliers).
    init(multipliers: [Double], bounds: [[Double]]) {
        let order = multipliers.indices.sorted { multipliers[$0] > multipliers[$1] }
        slopes.reserveCapacity(bounds.count * multipliers.count)
        intercepts.reserveCapacity(bounds.count * multipliers.count)
        breakpoints.reserveCapacity(bounds.count * multipliers.count)
        starts.reserveCapacity(bounds.count + 1)
        var hullSlopes: [Double] = []
        var hullIntercepts: [Double] = []
        hullSlopes.reserveCapacity(multipliers.count)
        hullIntercepts.reserveCapacity(multipliers.count)
        for row in bounds {
            hullSlopes.removeAll(keepingCapacity: true)
            hullIntercepts.removeAll(keepingCapacity: true)
            for position in order {
                let slope = multipliers[position], intercept = row[position]
                if let last = hullSlopes.last, last == slope {
                    // Same slope: the lower line is below it everywhere.
                    if hullIntercepts[hullIntercepts.count - 1] <= intercept { continue }
                    hullSlopes.removeLast()
                    hullIntercepts.removeLast()
                }
                // Drop the last line while the new one takes over from the one before it no later than it does.
                while hullSlopes.count >= 2 {
                    let a = hullSlopes.count - 2, b = hullSlopes.count - 1
                    let crossingAB = (hullIntercepts[b] - hullIntercepts[a]) / (hullSlopes[a] - hullSlopes[b])
                    let crossingAC = (intercept - hullIntercepts[a]) / (hullSlopes[a] - slope)
                    if crossingAC <= crossingAB { hullSlopes.removeLast(); hullIntercepts.removeLast() } else { break }
                }
                hullSlopes.append(slope)
                hullIntercepts.append(intercept)
            }
            for line in hullSlopes.indices {
                slopes.append(hullSlopes[line])
                intercepts.append(hullIntercepts[line])
                breakpoints.append(line + 1 < hullSlopes.count
                    ? (hullIntercepts[line + 1] - hullIntercepts[line]) / (hullSlopes[line] - hullSlopes[line + 1])
                    : .infinity)
            }
            starts.append(slopes.count)
        }
    }

    /// The bound of envelope `index` at room `room` (>= 0): the value of its lowest line there. Any line is an
    /// upper bound, so rounding at a breakpoint can only pick a line a few ulps above the lowest, never cut.
    @inline(__always)
    func bound(_ index: Int, room: Double) -> Double {
        var low = starts[index], high = starts[index + 1] - 1
        while low < high {
            let middle = (low + high) / 2
            if breakpoints[middle] < room { low = middle + 1 } else { high = middle }
        }
        return slopes[low] * room + intercepts[low]
    }
}
