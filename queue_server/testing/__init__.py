"""Tools for tests and benchmarks: a real server in a subprocess, and a database seeded with accounts."""
