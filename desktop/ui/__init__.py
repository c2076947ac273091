"""The Qt presentation: inbox window, tray icon, settings dialog."""
