import PMetaPlan
import PMetaTrainer

/// Reading what the trainer commands take: a network, a meta-trained model folder.
enum TrainerInputs {
    /// The architecture at `path` as a network the trainer can run.
    /// - Throws: `CommandFailure.unreadable` or `.badData` naming the file and the layer.
    static func network(at path: String) throws(CommandFailure) -> Network {
        let model = try InputFile.architecture(at: path)
        do {
            return try Network(model.graph)
        } catch {
            throw .badData(error.inFile(path).description)
        }
    }

    /// A meta-trained model folder (what `meta-train -o DIR` wrote).
    struct ModelFolder {
        var path: String
        var description: MetaTrainedModel
        var parameters: NetworkParameters
        var stepSizes: [[Float]]
        var attention: MetaAttention?
    }

    /// Reads `DIR/model.json`, `DIR/weights.bin` and `DIR/importance.json` for `network`.
    /// - Throws: `CommandFailure` naming the file.
    static func modelFolder(at path: String, for network: Network) throws(CommandFailure) -> ModelFolder {
        let modelPath = path + "/model.json"
        let description: MetaTrainedModel
        do {
            description = try MetaTrainedModel(json: try InputFile.json(at: modelPath))
        } catch let error as DataError {
            throw .badData(error.inFile(modelPath).description)
        } catch let failure as CommandFailure {
            throw failure
        } catch {
            throw .badData("\(modelPath): \(error)")
        }
        guard description.architecture == network.graph.graph.name else {
            throw .badData("\(modelPath): architecture: the model is a '\(description.architecture.quotedForMessage())', the architecture file a '\(network.graph.graph.name)'")
        }
        do {
            try description.task.check(fits: network)
        } catch {
            throw .badData(error.inFile(modelPath).description)
        }
        let weightsPath = path + "/weights.bin"
        let parameters: NetworkParameters
        do {
            parameters = try NetworkParameters(weightsFile: try InputFile.bytes(at: weightsPath), for: network)
        } catch let error as DataError {
            throw .badData(error.inFile(weightsPath).description)
        } catch let failure as CommandFailure {
            throw failure
        } catch {
            throw .badData("\(weightsPath): \(error)")
        }
        let importancePath = path + "/importance.json"
        let importance: ImportanceScores
        do {
            importance = try ImportanceScores(json: try InputFile.json(at: importancePath), for: network.graph, source: importancePath)
        } catch let error as DataError {
            throw .badData(error.inFile(importancePath).description)
        } catch let failure as CommandFailure {
            throw failure
        } catch {
            throw .badData("\(importancePath): \(error)")
        }
        var attention: MetaAttention?
        if let ratios = description.attentionClipRatios {
            let attentionPath = path + "/attention.bin"
            do {
                let modules = try NetworkParameters(weightsFile: try InputFile.bytes(at: attentionPath),
                                                    expectedShapes: MetaAttention.moduleShapes(of: network), network: network)
                attention = MetaAttention(forwardClipRatio: ratios.forward, backwardClipRatio: ratios.backward, modules: modules)
            } catch let error as DataError {
                throw .badData(error.inFile(attentionPath).description)
            } catch let failure as CommandFailure {
                throw failure
            } catch {
                throw .badData("\(attentionPath): \(error)")
            }
        }
        return ModelFolder(path: path, description: description, parameters: parameters, stepSizes: importance.stepSizes,
                           attention: attention)
    }
}
