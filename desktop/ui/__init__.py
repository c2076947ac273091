"""The Qt presentation: inbox window, tray icon, settings dialog."""

from desktop.ui import pyside_scan

pyside_scan.install()
