/// TinyMetaFed's communication, memory and energy plan beside full-model federated meta-learning: what
/// `pmeta-plan federated` prints.
public struct FederatedReport: Sendable {
    /// The network's name.
    public var architectureName: String
    /// The plan.
    public var plan: FederatedPlan

    /// Creates a report.
    public init(architectureName: String, plan: FederatedPlan) {
        self.architectureName = architectureName
        self.plan = plan
    }

    /// The report as text, JSON or markdown.
    public func render(_ format: OutputFormat) -> String {
        switch format {
        case .json: return JSONWriter.write(json)
        case .text: return TextWrapping.wrappingProse(lines(markdown: false)).joined(separator: "\n") + "\n"
        case .markdown: return lines(markdown: true).joined(separator: "\n") + "\n"
        }
    }

    private var setup: FederatedSetup { plan.setup }
    private var partition: ParameterPartition { plan.partition }
    private var upload: SparseUpload { plan.upload }

    // MARK: - Text and markdown

    private func lines(markdown: Bool) -> [String] {
        let clients = "\(setup.clients) client\(setup.clients == 1 ? "" : "s")"
        let rounds = "\(setup.rounds) round\(setup.rounds == 1 ? "" : "s")"
        let title = "\(architectureName): TinyMetaFed plan, Top-\(setup.topPercentage) of the global weights, \(clients), \(rounds)"
        let workload = setup.workload
        var lines = [markdown ? "### \(title)" : title, ""]
        lines.append("Workload per client and round: \(workload.samplesPerStep) samples; batched in micro-batches of \(workload.microBatch), "
            + "online one at a time; K = \(setup.reconstructionSteps) reconstruction step\(setup.reconstructionSteps == 1 ? "" : "s"); "
            + "\(workload.precision.weightBytes) B weights. Profile: \(setup.profile.name) (\(setup.profile.summary)).")
        lines.append("")
        lines.append("Partition (--local \(partition.selector)): \(grouped(partition.parameterCount)) parameters, "
            + "\(grouped(partition.globalParameterCount)) global (federated), \(grouped(partition.localParameterCount)) local "
            + "(reconstructed on the device, never sent): \(partition.localNames.joined(separator: ", ")).")
        lines.append("Top-\(setup.topPercentage): each client sends the k = ceil(\(setup.topPercentage) x \(grouped(upload.positions))) = "
            + "\(grouped(upload.count)) global weights that changed most (largest |w_after - w_received|): values \(upload.valueBytes), plus their indices.")
        lines.append("")

        lines.append("Index encodings for \(grouped(upload.count)) of \(grouped(upload.positions)) positions:")
        lines += renderTable(["Encoding", "Worst case", "Mean (uniform indices)", "Chosen"], [.left, .right, .right, .left],
                       IndexEncoding.allCases.compactMap { encoding in
                           guard let worst = upload.worstCaseIndexBytes[encoding], let mean = upload.expectedIndexBytes[encoding] else { return nil }
                           return [encoding.displayName, worst.description, DecimalFormatting.groupedFixed(mean, decimals: 1) + " B",
                                   encoding == upload.encoding ? "yes" : ""]
                       }, markdown: markdown)
        lines.append("Chosen: \(upload.encoding.displayName), the smallest worst case, so the message size holds whichever indices "
            + "Top-P picks (every round alike: n and k do not change).")
        lines.append("")

        lines.append("Traffic per round (TinyMetaFed vs full-model federated meta-learning, every weight down and up):")
        let baselineName = "Full model"
        lines += renderTable(["Bytes", "TinyMetaFed, per client", "TinyMetaFed, \(clients)", "\(baselineName), per client",
                        "\(baselineName), \(clients)", "Saving"],
                       [.left, .right, .right, .right, .right, .right],
                       trafficRows(plan.clientRound, plan.fleetRound, plan.baselineClientRound, plan.baselineFleetRound), markdown: markdown)
        lines.append("Total over \(rounds), \(clients):")
        lines += renderTable(["Bytes", "TinyMetaFed", baselineName, "Saving"], [.left, .right, .right, .right],
                       trafficRows(plan.total, nil, plan.baselineTotal, nil), markdown: markdown)

        lines.append("On-device memory, from the cost model (adaptation peak; online: one sample, micro-batch 1):")
        let batchedTitle = "Batched (\(workload.samplesPerStep) samples, micro-batch \(workload.microBatch))"
        lines += renderTable(["Adaptation", "Updates", batchedTitle, "Online (1 sample)"], [.left, .left, .right, .right], [
            ["Partial local reconstruction", "local layers, K = \(setup.reconstructionSteps)",
             plan.reconstruction.batched.peak.description, plan.reconstruction.online.peak.description],
            ["Global update", "global layers, 1 step", plan.globalUpdate.batched.peak.description, plan.globalUpdate.online.peak.description],
            ["Full model (MAML, baseline)", "every layer, K = \(setup.reconstructionSteps)",
             plan.fullModel.batched.peak.description, plan.fullModel.online.peak.description],
        ], markdown: markdown)
        let bullet = markdown ? "- " : "  "
        lines.append("Device total = model \(plan.staticOnline.modelBytes.humanReadable) + samples + snapshot of the received global weights "
            + "(\(plan.snapshotBytes.humanReadable), to compute the changes) + the larger adaptation peak:")
        lines.append("\(bullet)TinyMetaFed online: \(plan.onlineDeviceBytes)")
        lines.append("\(bullet)TinyMetaFed batched: \(plan.batchedDeviceBytes)")
        lines.append("\(bullet)Full model (batched, no snapshot): \(plan.baselineDeviceBytes); online TinyMetaFed saves "
            + "\(saving(plan.onlineDeviceBytes.bytes, of: plan.baselineDeviceBytes.bytes)).")
        lines.append("")
        lines.append("MACs per client and round: TinyMetaFed \(plan.clientRoundMACs) (K reconstruction steps and one global update); "
            + "full model \(plan.baselineClientRoundMACs) (K + 1 steps of every layer); saving "
            + "\(saving(plan.clientRoundMACs.macs, of: plan.baselineClientRoundMACs.macs)).")
        lines.append("")
        if let energy = plan.clientRoundEnergy, let baseline = plan.baselineClientRoundEnergy, let device = setup.energy {
            lines.append("Energy (\(device.perByteSent) per byte sent, \(device.perByteReceived) per byte received, \(device.perMAC) per MAC):")
            lines += renderTable(["Energy", "Sent", "Received", "Compute", "Per client and round", "Fleet, all rounds"],
                           [.left, .right, .right, .right, .right, .right], [
                               energyRow("TinyMetaFed", energy),
                               energyRow(baselineName, baseline),
                               ["Saving", "", "", "", saving(energy.total.joules, of: baseline.total.joules), ""],
                           ], markdown: markdown)
        } else {
            lines.append("Energy: give --energy-per-byte and --energy-per-mac (joules) for the energy per round.")
            lines.append("")
        }
        lines.append("kB = 10^3 B. Weights travel at \(workload.precision.weightBytes) B each; local weights and batch-norm statistics never travel. "
            + "Saving = 1 - TinyMetaFed / full model.")
        return lines
    }

    private func trafficRows(_ client: Traffic, _ fleet: Traffic?, _ baselineClient: Traffic, _ baselineFleet: Traffic?) -> [[String]] {
        let rows: [(String, KeyPath<Traffic, ByteCount>)] = [
            ("Down: global weights", \.downBytes), ("Up: values", \.upValueBytes), ("Up: indices", \.upIndexBytes),
            ("Up", \.upBytes), ("Down + up", \.totalBytes),
        ]
        return rows.map { name, path in
            var cells = [name, client[keyPath: path].description]
            if let fleet { cells.append(fleet[keyPath: path].description) }
            cells.append(baselineClient[keyPath: path].description)
            if let baselineFleet { cells.append(baselineFleet[keyPath: path].description) }
            let ours = client[keyPath: path].bytes
            let theirs = baselineClient[keyPath: path].bytes
            cells.append(theirs == 0 ? "-" : saving(ours, of: theirs))
            return cells
        }
    }

    private func energyRow(_ name: String, _ energy: RoundEnergy) -> [String] {
        [name, energy.sent.description, energy.received.description, energy.compute.description, energy.total.description,
         energy.times(Double(setup.clients) * Double(setup.rounds)).total.description]
    }

    private func grouped(_ value: Int) -> String { DecimalFormatting.grouped(value) }

    /// `87.5%`: 1 - ours / baseline with one decimal; negative when ours is larger.
    private func saving(_ ours: Int, of baseline: Int) -> String {
        saving(Double(ours), of: Double(baseline))
    }

    private func saving(_ ours: Double, of baseline: Double) -> String {
        guard baseline > 0 else { return "-" }
        return DecimalFormatting.fixed(abs(1 - ours / baseline) * 100, decimals: 1).withSign(negative: ours > baseline) + "%"
    }

    // MARK: - JSON

    private var json: JSONValue {
        func traffic(_ traffic: Traffic) -> JSONValue {
            ["down_bytes": .integer(traffic.downBytes.bytes), "up_value_bytes": .integer(traffic.upValueBytes.bytes),
             "up_index_bytes": .integer(traffic.upIndexBytes.bytes), "up_bytes": .integer(traffic.upBytes.bytes),
             "total_bytes": .integer(traffic.totalBytes.bytes)]
        }
        func footprint(_ footprint: FederatedPlan.Footprint) -> JSONValue {
            ["batched_peak_bytes": .integer(footprint.batched.peak.bytes), "online_peak_bytes": .integer(footprint.online.peak.bytes),
             "batched_macs": .integer(footprint.batched.macs.macs)]
        }
        func energy(_ energy: RoundEnergy) -> JSONValue {
            ["sent_joules": .double(energy.sent.joules), "received_joules": .double(energy.received.joules),
             "compute_joules": .double(energy.compute.joules), "total_joules": .double(energy.total.joules)]
        }
        let encodings: [JSONValue] = IndexEncoding.allCases.compactMap { encoding in
            guard let worst = upload.worstCaseIndexBytes[encoding], let mean = upload.expectedIndexBytes[encoding] else { return nil }
            return ["encoding": .string(encoding.rawValue), "worst_case_bytes": .integer(worst.bytes), "expected_bytes": .double(mean)]
        }
        var energyJSON: JSONValue = .null
        if let device = setup.energy, let ours = plan.clientRoundEnergy, let baseline = plan.baselineClientRoundEnergy {
            let runs = Double(setup.clients) * Double(setup.rounds)
            energyJSON = [
                "joules_per_byte_sent": .double(device.perByteSent.joules), "joules_per_byte_received": .double(device.perByteReceived.joules),
                "joules_per_mac": .double(device.perMAC.joules),
                "client_round": energy(ours), "baseline_client_round": energy(baseline),
                "fleet_total_joules": .double(ours.times(runs).total.joules),
                "baseline_fleet_total_joules": .double(baseline.times(runs).total.joules),
            ]
        }
        return [
            "architecture": .string(architectureName),
            "local": .string(partition.selector.description),
            "top_p": .string(setup.topPercentage.description),
            "clients": .integer(setup.clients),
            "rounds": .integer(setup.rounds),
            "reconstruction_steps": .integer(setup.reconstructionSteps),
            "profile": .string(setup.profile.name),
            "workload": setup.workload.json(innerSteps: setup.reconstructionSteps),
            "parameters": [
                "total": .integer(partition.parameterCount), "global": .integer(partition.globalParameterCount),
                "local": .integer(partition.localParameterCount), "local_layers": .array(partition.localNames.map { .string($0) }),
            ],
            "upload": [
                "values_sent": .integer(upload.count), "value_bytes": .integer(upload.valueBytes.bytes),
                "encoding": .string(upload.encoding.rawValue), "index_bytes": .integer(upload.indexBytes.bytes),
                "encodings": .array(encodings),
            ],
            "per_round": [
                "client": traffic(plan.clientRound), "fleet": traffic(plan.fleetRound),
                "baseline_client": traffic(plan.baselineClientRound), "baseline_fleet": traffic(plan.baselineFleetRound),
            ],
            "total": ["tinymetafed": traffic(plan.total), "baseline": traffic(plan.baselineTotal)],
            "memory": [
                "reconstruction": footprint(plan.reconstruction), "global_update": footprint(plan.globalUpdate),
                "full_model": footprint(plan.fullModel),
                "model_bytes": .integer(plan.staticBatched.modelBytes.bytes),
                "batched_sample_bytes": .integer(plan.staticBatched.sampleBytes.bytes),
                "online_sample_bytes": .integer(plan.staticOnline.sampleBytes.bytes),
                "snapshot_bytes": .integer(plan.snapshotBytes.bytes),
                "device_online_bytes": .integer(plan.onlineDeviceBytes.bytes),
                "device_batched_bytes": .integer(plan.batchedDeviceBytes.bytes),
                "baseline_device_bytes": .integer(plan.baselineDeviceBytes.bytes),
            ],
            "macs": ["client_round": .integer(plan.clientRoundMACs.macs), "baseline_client_round": .integer(plan.baselineClientRoundMACs.macs)],
            "energy": energyJSON,
        ]
    }
}

private extension String {
    /// The text with a leading minus when `negative`.
    func withSign(negative: Bool) -> String { negative && self != "0.0" ? "-" + self : self }
}
