"""Noto Sans CJK, Simplified Chinese face, for every screen and paper: the kiosk and the wall display (Kivy)
and the ticket picture (Pillow) find and load the font here.

Debian's fonts-noto-cjk ships collections (.ttc) whose first face is Japanese; Chinese readers see the
wrong glyph shapes (e.g. 直, 骨, 今) there. Pillow takes the face index; Kivy's SDL2 text provider opens only
the first face, so for Kivy the SC face is copied once into a cache directory with fontTools (if that fails
the collection is used as is).
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL import ImageFont

log = logging.getLogger(__name__)

FONT_DIR = Path("/usr/share/fonts/opentype/noto")
COLLECTIONS = {False: FONT_DIR / "NotoSansCJK-Regular.ttc", True: FONT_DIR / "NotoSansCJK-Bold.ttc"}  # by bold
SC_INDEX = 2  # "Noto Sans CJK SC" in Debian's collections (JP, KR, SC, TC, HK, then the Mono faces)
SC_NAME = "Noto Sans CJK SC"


def collection(bold: bool = False) -> Path:
    """The regular or bold collection; a plain error naming the Debian package when it is missing."""
    path = COLLECTIONS[bold]
    if not path.exists():
        raise FileNotFoundError(f"缺少中文字体 {path}，请安装 fonts-noto-cjk / Missing CJK font {path}: "
                                "install the Debian package fonts-noto-cjk (./hall setup)")
    return path


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "hall-kiosk" / "fonts"


def sc_face_file(bold: bool = False) -> Path:
    """The SC face as a standalone .otf (cached), or the collection itself if it cannot be made."""
    source = collection(bold)
    target = cache_dir() / (source.stem + "-SC.otf")
    if target.exists():
        return target
    try:
        from fontTools.ttLib import TTCollection

        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(f".{os.getpid()}.tmp")
        with TTCollection(str(source), lazy=True) as faces:
            faces.fonts[SC_INDEX].save(str(tmp))
        tmp.replace(target)
        return target
    except Exception as error:  # no fontTools, read-only home...: the JP-first collection still shows Chinese
        log.warning("using %s as is (%s)", source, error)
        return source


def register_kivy(name: str) -> str:
    """Register the SC face with Kivy under `name` (e.g. kivy.core.text.DEFAULT_FONT); returns the name."""
    from kivy.core.text import LabelBase

    LabelBase.register(name, fn_regular=str(sc_face_file(False)), fn_bold=str(sc_face_file(True)))
    return name


def pil_font(px: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    """The SC face at `px` pixels for Pillow (the ticket picture)."""
    from PIL import ImageFont

    return ImageFont.truetype(str(collection(bold)), px, index=SC_INDEX)
