"""Queue server: owns the hall's state (tickets, windows, waits) and serves the API.

Importing this package imports nothing heavy: the pure modules (numbering,
ticket_states, dispatch, estimate, hall_config) are used by the simulator and
tests without Flask or SQLite.
"""
