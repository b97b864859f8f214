// Placeholder so the package resolves on the trainer-kernels branch; other branches fill this target.
