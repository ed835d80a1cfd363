"""Pure logic: numbering, ticket states, dispatch, estimates, rebalancing, the rating scale, signed codes.

Nothing here imports Flask, sqlite or a device library, so it is tested fast and the simulator runs it too.
"""
