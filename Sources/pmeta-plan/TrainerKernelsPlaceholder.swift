// Placeholder so the package resolves on the trainer-kernels branch; the json-cli branch fills this target.
