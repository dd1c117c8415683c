"""The error hierarchy shared by every layer."""
