"""The wall display's presenter is the board fold every board shares (queue_server/core/board_fold.py).

The display app drives it as `BoardPresenter`: resync on each snapshot, apply each event, speak
`Outcome.announce`, draw `view()`.
"""

from queue_server.core.board_fold import BoardFold as BoardPresenter
from queue_server.core.board_fold import BoardView, Call, Outcome, WindowLine, ZoneLine

__all__ = ["BoardPresenter", "BoardView", "Call", "Outcome", "WindowLine", "ZoneLine"]
