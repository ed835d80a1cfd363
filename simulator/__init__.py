"""The hall simulator: the server's own dispatch and estimate code, run in simulated time.

Pure discrete-event simulation (no database, no clock, no network): arrivals
files in, waits, predictions and utilisation out. `simulator.cli` adds the
`hall simulate` and `hall plan` commands.
"""
