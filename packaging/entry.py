"""The bundle's entry point: the `tidings` command (PyInstaller needs a script, not a module),
and the keyring's child process (desktop/config/keyring_child.py), which is this same
executable started with --keyring-child."""

import sys

if sys.argv[1:] == ["--keyring-child"]:
    from desktop.config.keyring_child import main
else:
    from desktop.app.cli import main

raise SystemExit(main())
