"""Native notifications: which items interrupt the user (dispatcher) and how (backends)."""
