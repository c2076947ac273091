"""The bundle's entry point: the `tidings` command (PyInstaller needs a script, not a module)."""

from desktop.app.cli import main

raise SystemExit(main())
