"""Migration scripts, one per revision, in a single linear chain."""
