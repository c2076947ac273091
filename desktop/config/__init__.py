"""Settings (TOML), paths (platformdirs) and secrets (keyring or a command). No Qt."""
