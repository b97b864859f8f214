enum PMetaTrainerPlaceholder {}
