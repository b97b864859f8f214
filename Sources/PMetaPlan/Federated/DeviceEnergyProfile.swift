/// A device's energy constants: joules per byte on the radio and per multiply-accumulate.
public struct DeviceEnergyProfile: Hashable, Sendable {
    /// Energy to transmit one byte.
    public var perByteSent: Energy
    /// Energy to receive one byte (0 when only transmission is counted).
    public var perByteReceived: Energy
    /// Energy of one MAC.
    public var perMAC: Energy

    /// Creates a profile.
    public init(perByteSent: Energy, perByteReceived: Energy = .zero, perMAC: Energy) {
        self.perByteSent = perByteSent
        self.perByteReceived = perByteReceived
        self.perMAC = perMAC
    }

    /// The energy of one client's round: its upload sent, its download received, its MACs computed.
    public func energy(of traffic: Traffic, macs: MACCount) -> RoundEnergy {
        RoundEnergy(sent: perByteSent.times(traffic.upBytes.bytes), received: perByteReceived.times(traffic.downBytes.bytes),
                    compute: perMAC.times(macs.macs))
    }
}

/// The energy of one client's round, by where it goes.
public struct RoundEnergy: Hashable, Sendable {
    /// Transmitting the upload.
    public var sent: Energy
    /// Receiving the download.
    public var received: Energy
    /// The MACs of local reconstruction and the global update.
    public var compute: Energy

    /// Everything.
    public var total: Energy { sent + received + compute }

    /// The energy of `count` such rounds (clients x rounds).
    public func times(_ count: Double) -> RoundEnergy {
        RoundEnergy(sent: Energy(joules: sent.joules * Double(count)), received: Energy(joules: received.joules * Double(count)),
                    compute: Energy(joules: compute.joules * Double(count)))
    }
}
