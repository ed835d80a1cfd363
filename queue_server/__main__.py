"""`python -m queue_server`: the `hall` command."""

from queue_server.entry import main

main()
