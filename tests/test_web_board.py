"""The web board (/board) and window screens in headless Chromium against a real server."""

import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from hall_client.client import HallClient
from queue_server.testing.server_process import SAMPLE_CONFIG, ServerProcess

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
LANDSCAPE = {"width": 1920, "height": 1080}
PORTRAIT = {"width": 1080, "height": 1920}

NO_SCROLL_AND_FITTED = """() => {
  const d = document.documentElement;
  const spilled = [...document.querySelectorAll('.fit')]
    .filter(e => e.offsetParent !== null && e.scrollWidth > e.clientWidth + 1)
    .map(e => e.className + ': ' + e.textContent);
  return {scrolls: d.scrollHeight > innerHeight || d.scrollWidth > innerWidth, spilled};
}"""


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield b
        b.close()


def staff_at_window(url: str, seeded, window: int, who: str = "staff1") -> HallClient:
    staff = HallClient(url)
    staff.login(who, seeded.staff[who])
    staff.open_window(window)
    return staff


def finish(staff: HallClient, window: int) -> None:
    staff.window_action(window, "start")
    staff.window_action(window, "finish")


def text(page, element_id: str) -> str:
    return page.locator(f"#{element_id}").inner_text()


def wait_text(page, element_id: str, value: str) -> None:
    page.wait_for_function("([id, v]) => document.getElementById(id).textContent === v", arg=[element_id, value],
                           timeout=15000)


def test_a_call_appears_without_reload_and_the_board_fits_both_orientations(live_server, browser, artifacts):
    out = artifacts / "display"
    out.mkdir(exist_ok=True)
    kiosk = HallClient(live_server.url, live_server.seeded.devices["kiosk-01"])
    for zone in ("commerce", "commerce", "public", "social", "commerce"):
        kiosk.take_number(zone)
    staff = staff_at_window(live_server.url, live_server.seeded, 1)
    page = browser.new_page(viewport=LANDSCAPE)
    page.goto(live_server.url + "/board")
    page.wait_for_selector("body[data-online='1']")
    navigations = []
    page.on("framenavigated", lambda frame: navigations.append(frame.url))
    first = staff.call_next(1)
    wait_text(page, "current-number", first["number"])
    assert text(page, "current-window") == "1 号窗口 Window 1"
    assert text(page, "current-zh") == f"请 {first['number']} 号到 1 号窗口办理"
    assert text(page, "current-en") == f"Number {first['number']}, please go to window 1"
    assert "flashing" in page.evaluate("document.body.className")
    for _ in range(3):
        finish(staff, 1)
        staff.call_next(1)
    page.wait_for_function("document.querySelectorAll('#recent .r-number').length === 3", timeout=15000)
    assert page.locator("#recent .r-number").first.inner_text() != first["number"]
    assert page.locator(".zone[data-zone='commerce'] .z-name").inner_text() == "A 商事登记"
    assert page.locator(".zone[data-zone='social'] .z-n").inner_text() == "1"
    assert navigations == []  # live, not reloaded
    page.wait_for_timeout(300)
    assert page.evaluate(NO_SCROLL_AND_FITTED) == {"scrolls": False, "spilled": []}
    page.screenshot(path=str(out / "web_board_1920x1080.png"))

    tall = browser.new_page(viewport=PORTRAIT)
    tall.goto(live_server.url + "/board?zones=A,B")
    tall.wait_for_selector("body[data-online='1']")
    tall.wait_for_function("document.querySelectorAll('#zones .zone').length === 2")
    assert tall.evaluate(NO_SCROLL_AND_FITTED) == {"scrolls": False, "spilled": []}
    assert text(tall, "current-number") == text(page, "current-number")
    tall.screenshot(path=str(out / "web_board_1080x1920.png"))

    # The server goes away: the board says offline and keeps what it shows; back again, it catches up by itself.
    shown = text(page, "current-number")
    live_server.proc.stop(kill=True)
    page.wait_for_selector("#offline:not([hidden])", timeout=15000)
    assert text(page, "current-number") == shown
    page.screenshot(path=str(out / "web_board_offline.png"))
    live_server.proc.start()
    page.wait_for_selector("body[data-online='1']", timeout=20000)
    finish(staff, 1)
    kiosk.take_number("public")
    last = staff.call_next(1)
    wait_text(page, "current-number", last["number"])
    wait_text(tall, "current-number", last["number"])
    page.close()
    tall.close()


CASES = Path(__file__).parent / "cases"

RUN_CASES = """([waits, folds]) => ({
  waits: waits.map(c => HallWaits.phrase(c.ahead, c.seconds, c.idle, c.open)),
  folds: folds.map(c => {
    const fold = HallBoardFold.create(c.options);
    for (const step of c.steps) {
      if (step.snapshot) fold.resync(step.snapshot, 0);
      else fold.apply(step.event.id, step.event.kind, step.event.data, 0);
    }
    return fold.view();
  }),
})"""


def test_the_page_folds_and_words_waits_as_the_python_does(live_server, browser):
    """common/waits.js and board/board_fold.js on the case tables test_waits.py and test_board_fold.py run."""
    waits = json.loads((CASES / "waits.json").read_text(encoding="utf-8"))
    folds = json.loads((CASES / "board_fold.json").read_text(encoding="utf-8"))
    page = browser.new_page()
    page.goto(live_server.url + "/board")
    got = page.evaluate(RUN_CASES, [waits, folds])
    for case, (zh, en) in zip(waits, got["waits"], strict=True):
        assert (zh, en) == (case["zh"], case["en"]), case["why"]
    for case, view in zip(folds, got["folds"], strict=True):
        assert view == case["expect"], case["why"]
    page.close()


def test_window_screen_shows_the_ticket_then_paused(live_server, browser, artifacts):
    kiosk = HallClient(live_server.url, live_server.seeded.devices["kiosk-01"])
    kiosk.take_number("commerce")
    page = browser.new_page(viewport={"width": 1280, "height": 400})
    page.goto(live_server.url + "/window/1/screen")
    page.wait_for_selector("body[data-online='1']")
    assert text(page, "ws-zh") == "本窗口暂未开放"
    staff = staff_at_window(live_server.url, live_server.seeded, 1)
    ticket = staff.call_next(1)
    wait_text(page, "ws-number", ticket["number"])
    assert text(page, "ws-zh") == f"请 {ticket['number']} 号到本窗口办理"
    page.screenshot(path=str(artifacts / "display" / "window_screen_serving.png"))
    finish(staff, 1)
    staff.window_action(1, "pause")
    wait_text(page, "ws-number", "暂停服务 / Paused")
    assert page.locator("#ws-main").get_attribute("data-state") == "paused"
    assert page.evaluate(NO_SCROLL_AND_FITTED) == {"scrolls": False, "spilled": []}
    page.screenshot(path=str(artifacts / "display" / "window_screen_paused.png"))
    staff.window_action(1, "resume")
    wait_text(page, "ws-zh", "请等候叫号")
    page.close()


def test_long_names_fit(tmp_path, browser, artifacts):
    long_zh, long_en = "超长名称测试" * 6, "An Exceedingly Long Zone Name For Testing Wrapping " * 3
    cfg = SAMPLE_CONFIG.read_text(encoding="utf-8")
    cfg = re.sub(r'(?m)^name_zh = "商事登记"$', f'name_zh = "{long_zh}"', cfg)
    cfg = re.sub(r'(?m)^name_en = "Business Registration"$', f'name_en = "{long_en.strip()}"', cfg)
    hall_zh = "济南市历下区政务服务中心"
    cfg = re.sub(f'(?m)^name_zh = "{hall_zh}"$', f'name_zh = "{hall_zh * 4}"', cfg)
    path = tmp_path / "long.toml"
    path.write_text(cfg, encoding="utf-8")
    with ServerProcess(tmp_path / "hall.db", config=path) as server:
        for viewport, name in ((LANDSCAPE, "landscape"), (PORTRAIT, "portrait")):
            page = browser.new_page(viewport=viewport)
            page.goto(server.url + "/board")
            page.wait_for_selector("body[data-online='1']")
            page.wait_for_function("document.querySelectorAll('#zones .zone').length === 9")
            result = page.evaluate(NO_SCROLL_AND_FITTED)
            assert not result["scrolls"]
            # What cannot shrink further ends in an ellipsis inside its own box, never over a neighbour.
            assert all(s.split(":")[0] in ("z-name fit", "z-en fit", "hall-zh fit") for s in result["spilled"])
            page.screenshot(path=str(artifacts / "display" / f"web_board_long_names_{name}.png"))
            page.close()


def test_pages_answer_bad_addresses_clearly(tmp_path):
    from queue_server.app import create_app

    client = create_app(db_path=tmp_path / "hall.db").test_client()
    page = client.get("/board?zones=A,B")
    assert page.status_code == 200 and "济南市历下区政务服务中心" in page.text
    assert 'data-zones="commerce,public"' in page.text
    assert "http" not in page.text  # no external assets: scripts and styles are local paths
    r = client.get("/board?zones=Q")
    assert (r.status_code, r.json["error"]) == (400, "unknown_zone") and "'Q'" in r.json["message"]
    assert client.get("/board?history=99").json["error"] == "bad_history"
    r = client.get("/window/99/screen")
    assert (r.status_code, r.json["error"]) == (404, "window_not_found")
    for asset in ("board.js", "board.css"):
        r = client.get(f"/board-assets/{asset}")
        assert r.status_code == 200 and "http://" not in r.text and "https://" not in r.text
        r.close()
