"""Spoken announcements: texts, real espeak-ng WAVs, queueing, and no audio device."""

import io
import logging
import subprocess
import threading
import wave

import numpy as np
import pytest

from hardware.announcement_text import (
    announcement_texts,
    parse_call_text,
    speakable,
    spoken_texts,
)
from hardware.announcer import Announcement, Announcer, AplaySink, CaptureSink
from hardware.speech_wav import RATE, ZH_VOICE, read_wav


def test_display_texts():
    assert announcement_texts("A001", 3) == ("请 A001 号到 3 号窗口办理",
                                             "Number A001, please go to window 3")
    assert announcement_texts("yl012", "07") == ("请 YL012 号到 7 号窗口办理",
                                                 "Number YL012, please go to window 7")


def test_spoken_texts_read_the_ticket_one_by_one_and_the_window_as_a_number():
    zh, en = spoken_texts("A001", 12)
    assert zh == "请，A 零 零 一，号，到12号窗口办理。"
    assert en == "Number A, 0, 0, 1. Please go to window 12."


@pytest.mark.parametrize(("number", "window"), [("", 1), ("A 001", 1), ("A001;rm", 1),
                                                ("A001", ""), ("A001", "3号")])
def test_bad_calls_raise_value_error(number, window):
    with pytest.raises(ValueError):
        announcement_texts(number, window)


def test_call_text_parsing_and_free_text():
    assert parse_call_text("请 A001 号到 3 号窗口办理") == ("A001", "3")
    assert parse_call_text("请A001号到3号窗口办理。") == ("A001", "3")
    assert parse_call_text("Number B020, please go to window 15") == ("B020", "15")
    assert parse_call_text("大厅将于17点关闭") is None
    assert speakable("请 C003 号到咨询台", chinese=True) == "请  C 零 零 三  号到咨询台"


def test_mandarin_voice_speaks_mandarin_not_english_letters():
    # espeak-ng 1.51's plain `cmn` voice reads its pinyin with English rules; ours must not.
    zh, _ = spoken_texts("A001", 3)
    phonemes = subprocess.run(["espeak-ng", "-v", ZH_VOICE, "-x", "-q", zh],
                              capture_output=True, text=True, check=True).stdout
    assert "(en)" not in phonemes
    assert "tS;h'i" in phonemes  # 请 qing
    assert phonemes.count("l'i35N") == 2  # 零 零


def test_announcements_render_to_wav_and_arrive_in_order():
    sink = CaptureSink()
    with Announcer(sink=sink, repeat=1) as announcer:
        announcer.announce("A001", 3)
        announcer.announce("B002", 4)
        announcer.announce("C003", 5, repeat=2)
        assert announcer.wait_idle(60)
    got = sink.announcements
    assert [a.number for a in got] == ["A001", "B002", "C003"]
    assert got[0].zh_text == "请 A001 号到 3 号窗口办理"
    rate, samples = read_wav(got[0].wav)
    assert rate == RATE
    seconds = len(samples) / rate
    assert 3 < seconds < 20  # chime + Mandarin + English
    # The chime comes first and there is speech after it.
    assert np.abs(samples[: rate // 2]).max() > 5000
    assert np.abs(samples[int(1.5 * rate):]).astype(float).mean() > 100
    assert len(read_wav(got[2].wav)[1]) > 1.6 * (len(samples) - rate)  # spoken twice


def test_one_announcement_never_cuts_off_another():
    events = []
    lock = threading.Lock()

    def slow_sink(announcement: Announcement) -> None:
        with lock:
            events.append(("start", announcement.number))
        threading.Event().wait(0.05)  # playing
        with lock:
            events.append(("end", announcement.number))

    announcer = Announcer(sink=slow_sink, render_audio=False)
    for n in ("A001", "A002", "A003"):
        announcer.announce(n, 1)
    assert announcer.wait_idle(10)
    announcer.close()
    assert events == [(kind, n) for n in ("A001", "A002", "A003") for kind in ("start", "end")]


def test_failing_sink_and_bad_input_do_not_stop_the_queue():
    sink = CaptureSink()
    calls = []

    def flaky(announcement: Announcement) -> None:
        calls.append(announcement.number)
        if announcement.number == "A001":
            raise OSError("display gone")
        sink(announcement)

    announcer = Announcer(sink=flaky, render_audio=False)
    announcer.announce("A001", 1)
    with pytest.raises(ValueError):
        announcer.announce("not a number!", 1)
    with pytest.raises(ValueError):
        announcer.announce("A002", 1, repeat=0)
    announcer.announce("A002", 2)
    assert announcer.wait_idle(10)
    announcer.close()
    assert calls == ["A001", "A002"]
    assert sink.announcements[0].wav is None


def test_no_audio_device_is_logged_not_raised(caplog):
    wav = io.BytesIO()
    with wave.open(wav, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(b"\x00\x00" * 2205)
    announcement = Announcement("A001", "3", "", "", "", "", 1, wav.getvalue())
    sink = AplaySink(device="hall_no_such_device")
    with caplog.at_level(logging.WARNING, logger="hardware.announcer"):
        sink(announcement)
        sink(announcement)
    warnings = [r for r in caplog.records if "no audio output" in r.getMessage()]
    assert len(warnings) == 1  # said once, not for every call
