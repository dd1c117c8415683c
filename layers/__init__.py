"""The data catalogue (what layers exist, where they come from) and their loaders."""
