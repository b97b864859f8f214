/// A `--local` list that does not fit the network.
public struct PartitionError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What is wrong, naming the entry.
    public var message: String

    public var description: String { message }
}
