"""The kiosk app driven by real touches in its own process (driver) and how to start one (driver_process)."""
