"""Register Noto Sans CJK with Kivy, using the Simplified Chinese face of the collection.

Kivy's SDL2 text provider opens the first face of a .ttc (Japanese glyph shapes), so the SC face
is copied once into a cache directory with fontTools; if that fails the collection is used as is.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

log = logging.getLogger(__name__)

FONT_DIR = Path("/usr/share/fonts/opentype/noto")
COLLECTIONS = {"regular": FONT_DIR / "NotoSansCJK-Regular.ttc", "bold": FONT_DIR / "NotoSansCJK-Bold.ttc"}
SC_INDEX = 2  # "Noto Sans CJK SC" in Debian's fonts-noto-cjk collections
FONT_NAME = "KioskCJK"


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "hall-kiosk" / "fonts"


def sc_face(collection: Path) -> Path:
    """The SC face as a standalone .otf (cached), or the collection itself if it cannot be made."""
    target = cache_dir() / (collection.stem + "-SC.otf")
    if target.exists():
        return target
    try:
        from fontTools.ttLib import TTCollection

        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(f".{os.getpid()}.tmp")
        TTCollection(str(collection), lazy=True).fonts[SC_INDEX].save(str(tmp))
        tmp.replace(target)
        return target
    except Exception as error:  # no fontTools, read-only home...: the JP-first collection still works
        log.warning("using %s as is (%s)", collection, error)
        return collection


def register_fonts() -> str:
    """Register the kiosk font with Kivy; returns its name for `font_name`."""
    from kivy.core.text import LabelBase

    missing = [str(p) for p in COLLECTIONS.values() if not p.exists()]
    if missing:
        raise FileNotFoundError(f"缺少中文字体 / missing CJK fonts {missing}: install the Debian package "
                                "fonts-noto-cjk (./hall setup)")
    LabelBase.register(FONT_NAME, fn_regular=str(sc_face(COLLECTIONS["regular"])),
                       fn_bold=str(sc_face(COLLECTIONS["bold"])))
    return FONT_NAME
