"""The rating scale of 好差评 and the reasons a citizen may give for a bad rating. Pure."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from queue_server.hall_config import DEFAULT_RATING_REASONS, Rules


@dataclass(frozen=True)
class Level:
    score: int
    zh: str
    en: str
    face: str


# Five levels, best first, as the national 好差评 system names them.
LEVELS: tuple[Level, ...] = (
    Level(5, "非常满意", "Very satisfied", "😄"),
    Level(4, "满意", "Satisfied", "🙂"),
    Level(3, "基本满意", "Fairly satisfied", "😐"),
    Level(2, "不满意", "Dissatisfied", "🙁"),
    Level(1, "非常不满意", "Very dissatisfied", "😠"),
)
SCORES = tuple(level.score for level in LEVELS)
BAD_AT_OR_BELOW = 2  # 不满意 and 非常不满意 are 差评: a reason is asked and a follow-up opened

# The reasons a citizen may give are the hall's ([[rules.rating_reasons]]); these are the defaults.
REASONS: dict[str, tuple[str, str]] = {r.code: (r.zh, r.en) for r in DEFAULT_RATING_REASONS}


def reasons_of(rules: Rules) -> dict[str, tuple[str, str]]:
    """The hall's bad-rating reasons: code -> (zh, en)."""
    return {r.code: (r.zh, r.en) for r in rules.rating_reasons}


def level(score: int) -> Level:
    for lv in LEVELS:
        if lv.score == score:
            return lv
    raise KeyError(score)


def is_bad(score: int) -> bool:
    return score <= BAD_AT_OR_BELOW


def check_rating(score: object, reason: object, comment: object,
                 reasons: Mapping[str, tuple[str, str]] = REASONS) -> tuple[int, str | None, str | None]:
    """Validated (score, reason, comment); ValueError with a message that says what to send."""
    if isinstance(score, bool) or not isinstance(score, int) or score not in SCORES:
        raise ValueError("score must be a whole number from 1 (非常不满意 very dissatisfied) "
                         "to 5 (非常满意 very satisfied)")
    if reason is not None and (not isinstance(reason, str) or reason not in reasons):
        raise ValueError(f"reason must be one of {', '.join(reasons)}")
    if is_bad(score) and reason is None:
        raise ValueError("a bad rating needs a reason: " + ", ".join(reasons))
    if comment is not None and not isinstance(comment, str):
        raise ValueError("comment must be text")
    text = (comment or "").strip()[:500] or None
    return score, (reason if is_bad(score) else None), text


def satisfaction(scores: Iterable[int]) -> dict:
    """Counts per level and the satisfaction rate (满意率: share rated 基本满意 or better)."""
    scores = list(scores)
    counts = {s: 0 for s in SCORES}
    for s in scores:
        counts[s] += 1
    total = len(scores)
    good = sum(1 for s in scores if not is_bad(s))
    return {
        "ratings": total,
        "counts": {str(s): counts[s] for s in SCORES},
        "bad": total - good,
        "satisfaction_rate": round(good / total, 4) if total else None,
        "mean_score": round(sum(scores) / total, 2) if total else None,
    }
