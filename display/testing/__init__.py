"""The wall board run in its own process and driven by JSON lines (driver), and its client (driver_client)."""
