"""The ticket: the number very large, zone, people ahead, wait, where to wait; the printout state."""

from __future__ import annotations

from kivy.properties import BooleanProperty

from kiosk.presenter import KioskPresenter
from kiosk.screens.base import KioskScreen
from kiosk.texts import TEXT, both
from kiosk.ticket_info import find, priority_words, serving_windows, subject
from queue_server.core.waits import phrase_of, ticket_line


class TicketScreen(KioskScreen):
    paper_shown = BooleanProperty(False)  # the ticket is drawn on screen (printer failed or absent)
    sms_shown = BooleanProperty(False)  # the hall sends SMS and no number was given for this ticket yet

    def signature(self, p: KioskPresenter) -> object:
        return id(p.ticket), p.print_state, p.ticket_png, p.print_error, p.sms_offered

    def redraw(self, p: KioskPresenter) -> None:
        ticket = p.ticket or {}
        hall = p.hall or {}
        self.sms_shown = p.sms_offered
        zone = find(hall.get("zones", []), "code", ticket.get("zone")) or {}
        ids = self.ids
        ids.number.text = str(ticket.get("number", ""))
        ids.zone.zh, ids.zone.en = zone.get("name_zh", ""), zone.get("name_en", "")
        ids.subject.zh, ids.subject.en = subject(hall, ticket) if ticket.get("matter") or ticket.get(
            "bundle") else ("", "")
        # Worded as on the printed ticket and the phone page (queue_server/core/waits.py).
        ids.wait.zh, ids.wait.en = ticket_line(int(ticket.get("ahead") or 0), phrase_of(ticket, "ahead"))
        where_zh = TEXT["wait_where"][0].format(zone=zone.get("name_zh", ""))
        where_en = TEXT["wait_where"][1].format(zone=zone.get("name_en", ""))
        windows = serving_windows(hall, ticket.get("zone", ""))
        if windows:
            where_zh += "。" + both("windows", w=windows)[0]
            where_en += ". " + both("windows", w=windows)[1]
        ids.where.zh, ids.where.en = where_zh, where_en
        ids.priority.zh, ids.priority.en = priority_words(ticket.get("priority"))
        state = p.print_state
        if state == "failed":
            zh, en = TEXT["print_failed"]
            if p.print_error:
                zh, en = f"{p.print_error[0]}。{zh}", f"{p.print_error[1]}. {en}"
        else:
            zh, en = TEXT.get({"printing": "printing", "printed": "printed", "none": "no_printer"}.get(state, ""),
                              ("", ""))
        ids.status.zh, ids.status.en = zh, en
        ids.status.color = (0.70, 0.11, 0.11, 1) if state in ("failed", "none") else (0.09, 0.42, 0.20, 1)
        show_png = bool(p.ticket_png) and state in ("failed", "none")
        ids.paper.source = p.ticket_png if show_png else ""
        ids.paper.opacity = 1 if show_png else 0
        self.paper_shown = show_png
        if show_png:
            ids.paper_box.size_hint = (0.42, 1) if self.height > self.width else (0.38, 1)
        else:  # a size hint of 0 still takes room in a BoxLayout: take it out of the layout instead
            ids.paper_box.size_hint = (None, None)
            ids.paper_box.size = (0, 0)
