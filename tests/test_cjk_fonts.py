"""One font helper (hardware/cjk_fonts.py): the Simplified Chinese face of Noto Sans CJK for Kivy and Pillow."""

from fontTools.ttLib import TTCollection, TTFont

from hardware import cjk_fonts


def test_the_index_is_the_simplified_chinese_face():
    for bold in (False, True):
        with TTCollection(str(cjk_fonts.collection(bold)), lazy=True) as faces:
            assert faces.fonts[cjk_fonts.SC_INDEX]["name"].getDebugName(1).startswith(cjk_fonts.SC_NAME)


def test_kivy_gets_a_standalone_sc_face(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    path = cjk_fonts.sc_face_file(bold=True)
    assert path.parent == tmp_path / "hall-kiosk" / "fonts" and path.suffix == ".otf"
    with TTFont(str(path), lazy=True) as face:
        assert face["name"].getDebugName(1).startswith(cjk_fonts.SC_NAME)
    assert cjk_fonts.sc_face_file(bold=True) == path  # cached


def test_pillow_gets_the_sc_face():
    assert cjk_fonts.pil_font(24).getname()[0] == cjk_fonts.SC_NAME


def test_a_missing_font_names_the_debian_package(tmp_path, monkeypatch):
    monkeypatch.setitem(cjk_fonts.COLLECTIONS, False, tmp_path / "none.ttc")
    try:
        cjk_fonts.collection(False)
    except FileNotFoundError as error:
        assert "fonts-noto-cjk" in str(error)
    else:
        raise AssertionError("no error for a missing font")
