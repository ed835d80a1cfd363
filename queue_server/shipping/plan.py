"""What the shipper does next, from the hall's log and the centre's mark (pure: no database, no HTTP)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Decision:
    action: str  # "ship" (events after `after`), "idle" (nothing new) or "stop" (the logs disagree)
    after: int = 0
    reason: str = ""


def decide(*, central_mark: int, local_last_id: int) -> Decision:
    """Ship what the centre lacks; stop when the centre holds more of this epoch than the hall has.

    That only happens when the database went back in time (a restore) without a new epoch: shipping would
    reuse ids the centre has (and drop those events silently), so the shipper stops and alerts instead.
    """
    if central_mark > local_last_id:
        return Decision("stop", reason=(
            f"中心已收到本纪元的第 {central_mark} 号事件，本厅最新只有第 {local_last_id} 号：数据库可能从旧备份恢复，"
            f"请运行 hall epoch renew 后再启动同步 / the centre holds event {central_mark} of this epoch but the "
            f"hall's log ends at {local_last_id}: the database was probably restored from an older backup; run "
            f"`hall epoch renew` and start the shipper again"))
    if central_mark == local_last_id:
        return Decision("idle", after=central_mark)
    return Decision("ship", after=central_mark)
