"""Each setting in queue_server/settings.py is documented in README.md, with its environment variable."""

from pathlib import Path

import pytest

from queue_server.settings import SETTINGS, server_settings

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
DOCUMENTED = README.split("<!-- settings:start -->")[1].split("<!-- settings:end -->")[0]


@pytest.mark.parametrize("setting", SETTINGS, ids=lambda s: s.name)
def test_setting_is_documented(setting):
    assert f"`{setting.name}`" in DOCUMENTED
    if setting.env:
        assert f"`{setting.env}`" in DOCUMENTED
    assert setting.help


def test_server_settings_layer_environment_then_overrides():
    assert server_settings(environ={})["SSE_HEARTBEAT_S"] == 10.0
    assert server_settings(environ={"HALL_SSE_HEARTBEAT_S": "2.5"})["SSE_HEARTBEAT_S"] == 2.5
    assert server_settings({"SSE_HEARTBEAT_S": 1.0}, environ={"HALL_SSE_HEARTBEAT_S": "2.5"})["SSE_HEARTBEAT_S"] == 1.0
