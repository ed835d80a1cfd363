"""The `hall` command's entry: the server commands patch for gevent before anything else is imported."""

from __future__ import annotations

import sys

from queue_server.serving import green


def main() -> None:
    if green.serves(sys.argv[1:]):
        green.patch_process()
    from queue_server.cli import main as cli_main

    cli_main()
