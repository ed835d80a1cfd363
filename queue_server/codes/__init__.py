"""Signed and typed codes shared by licence pickup and appointment check-in: keys, lookup, refusals, throttle, audit."""
