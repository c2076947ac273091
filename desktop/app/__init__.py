"""Wiring: the pipeline, the runtime shared by the tray app and `tidings watch`, the CLI."""
