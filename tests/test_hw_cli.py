"""Field diagnostics: `python -m hardware.cli` (and `hall`) printer test, scan, say."""

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
from click.testing import CliRunner
from PIL import Image

from hardware.cli import COMMANDS, main
from hardware.qr_decode import decode_frame
from hardware.speech_wav import RATE, read_wav
from hardware.testing.printer_double import PrinterDouble
from hardware.testing.qr_video import QrScene, write_video

ROOT = Path(__file__).resolve().parents[1]


def run(*args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "hardware.cli", *args], capture_output=True,
                          text=True, timeout=60, cwd=ROOT, env=env)


def test_printer_test_prints_a_sample_ticket_and_png(tmp_path):
    png = tmp_path / "ticket.png"
    with PrinterDouble() as printer:
        done = run("printer", "test", "--printer", printer.spec, "--png", str(png))
        assert printer.wait_for_cut(5)
        text = printer.text
    assert done.returncode == 0, done.stderr
    assert "printer status: ok" in done.stdout
    assert "历下区政务服务大厅" in text and "[QR:" in text and "[CUT]" in text
    image = Image.open(png)
    assert image.size[0] == 576
    # The PNG's QR code opens the same status page as the printed one.
    assert decode_frame(np.asarray(image.convert("L"))) == ["http://192.168.1.10:8000/t/1?k=sample"]


def test_printer_test_on_a_dead_printer_fails_with_a_clear_message():
    with PrinterDouble(refuse=True) as printer:
        done = run("printer", "test", "--printer", printer.spec, "--timeout", "2")
    assert done.returncode == 1
    assert "无法连接打印机" in done.stderr and "cannot reach the printer" in done.stderr
    assert "Traceback" not in done.stderr


def test_printer_status_and_bad_spec():
    runner = CliRunner()
    with PrinterDouble(paper="low") as printer:
        result = runner.invoke(main, ["printer", "status", "--printer", printer.spec])
    assert result.exit_code == 0 and result.output.startswith("paper_low")
    result = runner.invoke(main, ["printer", "test", "--printer", "lpt1"])
    assert result.exit_code == 1 and "network:HOST:PORT" in result.output
    result = runner.invoke(main, ["printer", "test"])
    assert result.exit_code == 1 and "--printer" in result.output


def test_scan_prints_each_distinct_code_and_ends_at_end_of_file(tmp_path):
    video = write_video(tmp_path / "scan.avi", [
        None, QrScene("CODE-ONE"), None, QrScene("CODE-TWO", dark_mode=True),
        QrScene("CODE-ONE", angle_deg=30), None])
    done = run("scan", "--camera", str(video))
    assert done.returncode == 0, done.stderr
    assert done.stdout == "CODE-ONE\nCODE-TWO\n"
    once = run("scan", "--camera", str(video), "--once")
    assert once.returncode == 0 and once.stdout == "CODE-ONE\n"


def test_scan_of_a_missing_or_empty_video_fails_clearly(tmp_path):
    done = run("scan", "--camera", str(tmp_path / "missing.avi"))
    assert done.returncode == 1 and "cannot read video" in done.stderr
    empty = write_video(tmp_path / "empty.avi", [None])
    done = run("scan", "--camera", str(empty))
    assert done.returncode == 1 and "no QR code found" in done.stderr


def test_say_writes_the_announcement_wav(tmp_path):
    out = tmp_path / "call.wav"
    done = run("say", "请 A001 号到 3 号窗口办理", "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert "A 零 零 一" in done.stderr and "Number A, 0, 0, 1" in done.stderr
    rate, samples = read_wav(out.read_bytes())
    assert rate == RATE and len(samples) > 3 * rate


def test_say_free_text_and_options(tmp_path):
    runner = CliRunner()
    zh_only = tmp_path / "zh.wav"
    both = tmp_path / "both.wav"
    assert runner.invoke(main, ["say", "请 A001 号到 3 号窗口办理", "--out", str(both)]).exit_code == 0
    result = runner.invoke(main, ["say", "请 A001 号到 3 号窗口办理", "--lang", "zh", "--no-chime",
                                  "--out", str(zh_only)])
    assert result.exit_code == 0
    assert len(read_wav(zh_only.read_bytes())[1]) < len(read_wav(both.read_bytes())[1])
    free = tmp_path / "free.wav"
    assert runner.invoke(main, ["say", "大厅将于17点关闭", "--out", str(free)]).exit_code == 0
    assert free.stat().st_size > 10000
    result = runner.invoke(main, ["say", "hello"])
    assert result.exit_code == 1 and "--out" in result.output


def test_commands_register_in_the_hall_cli():
    assert [c.name for c in COMMANDS] == ["printer", "scan", "say", "buttons"]
    from queue_server.cli import cli

    assert {"printer", "scan", "say", "buttons"} <= set(cli.commands)
