"""One Screen class and one .kv file per kiosk screen; each draws what the presenter holds."""
