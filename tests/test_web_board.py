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


# Layout is measured only once it has settled: fonts loaded, then two animation frames with no pending fit.
SETTLED = ("() => document.fonts.ready.then(() => new Promise(r => requestAnimationFrame(() =>"
           " requestAnimationFrame(r))))")

# Cap-heights as drawn: the font of each element marked data-cap, measured on a canvas (the ink of "H"), against
# the rule of queue_server/core/board_layout.py: >= 1/cap of the screen's shorter side.
CAP_HEIGHTS = """() => {
  const ctx = document.createElement('canvas').getContext('2d');
  const side = Math.min(innerWidth, innerHeight);
  return [...document.querySelectorAll('[data-cap]')].filter(e => e.offsetParent !== null).map(e => {
    const cs = getComputedStyle(e);
    ctx.font = cs.fontWeight + ' ' + cs.fontSize + ' ' + cs.fontFamily;
    const m = ctx.measureText('H');
    const r = e.getBoundingClientRect();
    return {what: e.className || e.id, text: e.textContent, cap: m.actualBoundingBoxAscent,
            need: side / parseFloat(e.dataset.cap), clipped: e.scrollWidth > e.clientWidth + 1,
            inside: r.top >= 0 && r.left >= 0 && r.bottom <= innerHeight + 0.5 && r.right <= innerWidth + 0.5};
  });
}"""

# The board's regions in order, top to bottom (then left to right): none overlaps another.
REGIONS = """() => {
  const ids = ['.header', '#current', '.panel.recent', '#zone-panel', '.ticker'];
  const rects = ids.map(s => document.querySelector(s).getBoundingClientRect())
    .map(r => ({top: r.top, left: r.left, bottom: r.bottom, right: r.right}));
  const overlaps = [];
  for (let i = 0; i < rects.length; i++) for (let j = i + 1; j < rects.length; j++) {
    const a = rects[i], b = rects[j];
    if (a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5)
      overlaps.push(ids[i] + ' x ' + ids[j]);
  }
  // Every zone row's cells and every recent row's parts stay inside their row.
  const spill = [...document.querySelectorAll('.zone > *, .recent-row > *')].filter(e => {
    const p = e.parentElement.getBoundingClientRect(), r = e.getBoundingClientRect();
    return r.left < p.left - 0.5 || r.right > p.right + 0.5 || r.top < p.top - 0.5 || r.bottom > p.bottom + 0.5;
  }).map(e => e.className + ': ' + e.textContent);
  return {order: ids, rects, overlaps, spill};
}"""


def settle(page) -> None:
    page.evaluate(SETTLED)


def check_readable(page) -> list[dict]:
    """Every marked text meets its cap-height rule, is not cut and is on screen; returns the measures."""
    settle(page)
    measures = page.evaluate(CAP_HEIGHTS)
    assert measures
    small = [m for m in measures if m["cap"] + 0.5 < m["need"]]
    assert small == [], small
    assert [m for m in measures if m["clipped"] or not m["inside"]] == []
    regions = page.evaluate(REGIONS)
    assert regions["overlaps"] == [] and regions["spill"] == [], regions
    assert page.evaluate(NO_SCROLL_AND_FITTED) == {"scrolls": False, "spilled": []}
    return measures


def test_a_call_appears_without_reload_and_the_board_fits_both_orientations(live_server, browser, artifacts):
    out = artifacts / "display"
    out.mkdir(exist_ok=True)
    kiosk = HallClient(live_server.url, live_server.seeded.devices["kiosk-01"])
    for zone in ["commerce"] * 12 + ["public", "social", "public", "public"]:
        kiosk.take_number(zone)
    staff = staff_at_window(live_server.url, live_server.seeded, 1)
    page = browser.new_page(viewport=LANDSCAPE)
    page.goto(live_server.url + "/board")
    page.wait_for_selector("body[data-online='1']")
    page.wait_for_function("window.boardSnapshots === 1")
    navigations = []
    page.on("framenavigated", lambda frame: navigations.append(frame.url))
    first = staff.call_next(1)
    wait_text(page, "current-number", first["number"])
    assert text(page, "current-window") == "1 号窗口 Window 1"
    assert text(page, "current-zh") == f"请 {first['number']} 号到 1 号窗口办理"
    assert text(page, "current-en") == f"Number {first['number']}, please go to window 1"
    assert "flashing" in page.evaluate("document.body.className")
    called = [first]
    for _ in range(8):
        finish(staff, 1)
        called.append(staff.call_next(1))
    staff.window_action(1, "recall")
    page.wait_for_function("document.querySelectorAll('#recent .r-number').length === 8", timeout=15000)
    wait_text(page, "current-number", called[-1]["number"])
    page.wait_for_selector("#recall-tag:not([hidden])")
    assert page.locator("#recent .r-number").first.inner_text() == called[-1]["number"]  # its earlier call
    assert page.locator("#recent .r-tag").count() == 0
    assert page.locator(".zone[data-zone='commerce'] .z-zh").inner_text() == "A 商事登记"
    # The get-ready line: the next 3 of each zone in the order they will be called, from the events alone.
    assert page.locator(".zone[data-zone='commerce'] .z-numbers").inner_text() == "A010 A011 A012"
    assert page.locator(".zone[data-zone='public'] .z-numbers").inner_text() == "B001 B002 B003"
    assert page.locator(".zone[data-zone='social'] .z-n").inner_text() == "1"
    assert navigations == []  # live, not reloaded
    assert page.evaluate("window.boardSnapshots") == 1  # 20 events applied, no document refetched
    measures = check_readable(page)
    assert {m["need"] for m in measures} == {1080 / 40, 1080 / 24}
    # The regions and their order are the Kivy board's (test_display_board.py checks the same there).
    regions = page.evaluate(REGIONS)
    r = dict(zip(regions["order"], regions["rects"], strict=True))
    assert r[".header"]["top"] < r["#current"]["top"] == r[".panel.recent"]["top"] < r["#zone-panel"]["top"] \
        < r[".ticker"]["top"]
    assert r["#current"]["left"] < r[".panel.recent"]["left"]
    page.screenshot(path=str(out / "web_board_1920x1080.png"))

    # A recall shown among the earlier calls carries its bilingual tag.
    finish(staff, 1)
    staff.call_next(1)
    page.wait_for_selector("#recent .r-tag")
    assert page.locator("#recent .recall .r-tag").inner_text().split() == ["重呼", "Recall"]
    check_readable(page)
    page.screenshot(path=str(out / "web_board_recall_tag.png"))

    tall = browser.new_page(viewport=PORTRAIT)
    tall.goto(live_server.url + "/board?zones=A,B")
    tall.wait_for_selector("body[data-online='1']")
    tall.wait_for_function("document.querySelectorAll('#zones .zone').length === 2")
    check_readable(tall)
    regions = tall.evaluate(REGIONS)
    r = dict(zip(regions["order"], regions["rects"], strict=True))
    assert r["#current"]["top"] < r[".panel.recent"]["top"] < r["#zone-panel"]["top"]  # portrait: stacked
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
    page.wait_for_function("window.boardSnapshots === 2")  # the reconnect resyncs once
    finish(staff, 1)
    kiosk.take_number("public")
    last = staff.call_next(1)
    wait_text(page, "current-number", last["number"])
    wait_text(tall, "current-number", last["number"])
    page.close()
    tall.close()


WORST_CASE = """() => {
  window.boardState.zones.forEach(z => Object.assign(z, {waiting: 0, estimated_wait_s: 5220, open_windows: 1,
    idle_windows: 0, name_en: 'Specialised Services (Police, Tobacco)', next: ['A010', 'A011', 'A012']}));
  dispatchEvent(new Event('resize'));
}"""


def test_zones_that_do_not_fit_rotate_in_pages(live_server, browser, artifacts):
    """9 zones at the readable size: 3 pages of 3 in landscape and in portrait."""
    for viewport, name, pages in ((LANDSCAPE, "landscape", 3), (PORTRAIT, "portrait", 3)):
        page = browser.new_page(viewport=viewport)
        page.goto(live_server.url + "/board")
        page.wait_for_selector("body[data-online='1']")
        page.wait_for_function(f"document.getElementById('zones').dataset.pages === '{pages}'")
        # The longest texts the rule's size must hold, in every zone row at once (so whichever page shows).
        page.evaluate(WORST_CASE)
        settle(page)
        assert page.locator(".z-wait-zh").first.inner_text() == "下一位 · 约 1 小时 27 分钟"
        check_readable(page)
        page.screenshot(path=str(artifacts / "display" / f"web_board_longest_texts_{name}.png"))
        page.reload()
        page.wait_for_selector("body[data-online='1']")
        seen: dict[str, list[str]] = {}
        while len(seen) < pages:
            current = page.evaluate("document.getElementById('zones').dataset.page")
            # The page turns by itself (every ZONE_PAGE_S); wait for the turn, however long the machine takes.
            page.wait_for_function(f"document.getElementById('zones').dataset.page !== '{current}'", timeout=60000)
            settle(page)
            number, shown = page.evaluate("""() => [document.getElementById('zones').dataset.page,
              [...document.querySelectorAll('#zones .zone')].map(z => z.dataset.zone)]""")  # one moment
            seen[number] = shown
            check_readable(page)
            page.screenshot(path=str(artifacts / "display" / f"web_board_zones_{name}_page{int(number) + 1}.png"))
        codes = [z for p in sorted(seen) for z in seen[p]]
        assert len(codes) == 9 and len(set(codes)) == 9, seen
        assert text(page, "zone-page").endswith(f"/ {pages}")
        page.close()


def test_the_board_clock_is_the_halls_not_the_devices(live_server, browser):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    context = browser.new_context(timezone_id="America/New_York", viewport=LANDSCAPE)
    page = context.new_page()
    page.goto(live_server.url + "/board")
    page.wait_for_function("document.getElementById('clock').textContent !== ''")
    shown = page.evaluate("document.getElementById('clock').textContent")
    hall_hour = datetime.now(ZoneInfo("Asia/Shanghai")).hour
    device_hour = datetime.now(ZoneInfo("America/New_York")).hour
    # The hour may turn between the page's tick and this read; the device's zone is 12 or 13 hours away.
    assert int(shown.split(":")[0]) in (hall_hour, (hall_hour - 1) % 24) and hall_hour != device_hour
    context.close()


CASES = Path(__file__).parent / "cases"

RUN_CASES = """([waits, folds]) => ({
  waits: waits.map(c => HallWaits.phrase(c.ahead, c.seconds, c.idle, c.open)),
  folds: folds.map(c => {
    const fold = HallBoardFold.create(c.options);
    const refreshes = [];
    for (const step of c.steps) {
      if (step.snapshot) fold.resync(step.snapshot, 0);
      else if (fold.apply(step.event.id, step.event.kind, step.event.data, 0).refresh !== (step.refresh || false))
        refreshes.push(step.event.id);
    }
    return Object.assign(fold.view(), refreshes.length ? {wrong_refresh: refreshes} : {});
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


def test_window_screen_every_state_in_both_languages_with_who_serves(live_server, browser, artifacts):
    out = artifacts / "display"
    kiosk = HallClient(live_server.url, live_server.seeded.devices["kiosk-01"])
    kiosk.take_number("commerce")
    page = browser.new_page(viewport={"width": 1280, "height": 400})
    page.goto(live_server.url + "/window/1/screen")
    page.wait_for_selector("body[data-online='1']")

    def shown() -> list[str]:
        settle(page)
        assert page.evaluate(NO_SCROLL_AND_FITTED) == {"scrolls": False, "spilled": []}
        return [text(page, i) for i in ("ws-number", "ws-zh", "ws-en")]

    assert shown() == ["暂未开放", "本窗口暂未开放，请到其他窗口办理",
                       "This window is closed; please go to another window"]
    assert text(page, "ws-number-en") == "Closed" and page.locator("#ws-staff").is_hidden()
    page.screenshot(path=str(out / "window_screen_closed.png"))
    staff = staff_at_window(live_server.url, live_server.seeded, 1)
    wait_text(page, "ws-zh", "请等候叫号")
    assert shown() == ["—", "请等候叫号", "Please wait for your number"]
    assert text(page, "ws-staff-name") == "王丽" and text(page, "ws-staff-no") == "LX0001"
    page.screenshot(path=str(out / "window_screen_open.png"))
    ticket = staff.call_next(1)
    wait_text(page, "ws-number", ticket["number"])
    assert shown() == [ticket["number"], f"请 {ticket['number']} 号到本窗口办理",
                       f"Number {ticket['number']}, please come to this window"]
    assert page.locator("#ws-number-en").is_hidden()
    page.screenshot(path=str(out / "window_screen_serving.png"))
    finish(staff, 1)
    staff.window_action(1, "pause")
    wait_text(page, "ws-number", "暂停服务")
    assert page.locator("#ws-main").get_attribute("data-state") == "paused"
    assert shown() == ["暂停服务", "请到其他窗口办理", "Please go to another window"]
    assert text(page, "ws-number-en") == "Paused"
    page.screenshot(path=str(out / "window_screen_paused.png"))
    staff.window_action(1, "resume")
    staff.window_action(1, "pause", reason="午休")
    wait_text(page, "ws-zh", "暂停原因：午休，请到其他窗口办理")
    page.screenshot(path=str(out / "window_screen_paused_reason.png"))
    staff.window_action(1, "resume")
    wait_text(page, "ws-zh", "请等候叫号")
    staff.close_window(1)
    wait_text(page, "ws-number", "暂未开放")
    assert page.locator("#ws-staff").is_hidden()
    page.close()

    missing = browser.new_page(viewport={"width": 1280, "height": 400})
    response = missing.goto(live_server.url + "/window/999/screen")
    assert response.status == 404 and "text/html" in response.headers["content-type"]
    settle(missing)
    assert missing.locator(".ws-number-zh").inner_text() == "本大厅没有 999 号窗口"
    assert "There is no window 999 in this hall" in missing.inner_text("body")
    assert missing.evaluate(NO_SCROLL_AND_FITTED) == {"scrolls": False, "spilled": []}
    missing.screenshot(path=str(out / "window_screen_404.png"))
    missing.close()


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
            page.wait_for_function("document.querySelectorAll('#zones .zone').length > 0")
            settle(page)
            result = page.evaluate(NO_SCROLL_AND_FITTED)
            assert not result["scrolls"]
            # What cannot shrink further ends in an ellipsis inside its own box, never over a neighbour.
            assert all(s.split(":")[0] in ("z-zh fit", "z-en fit", "hall-zh fit") for s in result["spilled"])
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
    assert r.status_code == 404 and "本大厅没有 99 号窗口" in r.text and "There is no window 99" in r.text
    for asset in ("board.js", "board.css"):
        r = client.get(f"/board-assets/{asset}")
        assert r.status_code == 200 and "http://" not in r.text and "https://" not in r.text
        r.close()
