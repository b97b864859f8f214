/// The budgets worth planning for on one network and workload: from the smallest peak any plan with an update
/// reaches (one layer alone at the smallest channel ratio) to the peak of updating everything (MAML).
///
/// Below `smallest` nothing fits; from `everything` on every plan fits. The reports, the frontier sweep and the
/// benchmark pick their budgets inside it, so that a default budget always has a plan to show (a fixed share of
/// MAML's peak may not: 4Conv's first max pool alone holds half of it).
public struct BudgetRange: Hashable, Sendable {
    /// The smallest adaptation peak of any plan with at least one update.
    public var smallest: ByteCount
    /// The peak of MAML: every layer at every inner step.
    public var everything: ByteCount

    /// The range of `problem`'s network, workload, profile, ratios and K (its budget is not read).
    /// - Throws: `ArithmeticOverflow` for absurd workloads.
    public init(_ problem: PlanningProblem) throws {
        smallest = try FitAdvice.smallestPeak(model: problem.model, workload: problem.workload, problem: problem).0
        everything = try problem.model.adaptation(of: AdaptationMethod.maml.plan(for: problem.model.graph, innerSteps: problem.innerSteps),
                                                  workload: problem.workload, profile: problem.profile).peak
    }

    /// smallest + (everything - smallest) x numerator / denominator, rounded down (smallest when the range is empty).
    public func budget(_ numerator: Int, of denominator: Int) -> ByteCount {
        precondition(denominator > 0 && numerator >= 0, "a fraction of the range needs a positive denominator")
        let span = max(0, everything.bytes - smallest.bytes)
        // span / denominator x numerator + the remainder's share: exact without overflow for numerator <= denominator.
        let share = span / denominator * numerator + span % denominator * numerator / denominator
        return ByteCount(smallest.bytes + share)
    }
}
