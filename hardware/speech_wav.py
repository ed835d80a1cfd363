"""Render announcements to WAV offline: a chime, then Mandarin and English from espeak-ng.

Voices: espeak-ng's Mandarin voice is `cmn`, but in espeak-ng 1.51 (Debian 12) `cmn` turns
characters into pinyin and then reads that pinyin with English rules ("请" comes out as "king
three"). `cmn-latn-pinyin` is the same Mandarin voice reading Latin as pinyin, which speaks
the characters correctly, so it is the default. English uses `en`.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
import wave
from pathlib import Path

import numpy as np

RATE = 22050  # espeak-ng's native sample rate
ZH_VOICE = "cmn-latn-pinyin"
EN_VOICE = "en"


class SpeechError(RuntimeError):
    """espeak-ng is missing or failed; the message says what to install or check."""


def synthesize(text: str, voice: str, speed: int = 150, timeout_s: float = 20.0) -> np.ndarray:
    """Speech for `text` as int16 samples at RATE."""
    if shutil.which("espeak-ng") is None:
        raise SpeechError("espeak-ng is not installed: install the Debian package espeak-ng")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "speech.wav"
        try:
            # Text on stdin: nothing in it can be taken for a command-line option.
            subprocess.run(["espeak-ng", "-v", voice, "-s", str(speed), "-w", str(out), "--stdin"],
                           input=text.encode("utf-8"), capture_output=True, check=True,
                           timeout=timeout_s)
        except subprocess.CalledProcessError as error:
            raise SpeechError(f"espeak-ng failed for voice {voice!r}: "
                              f"{error.stderr.decode(errors='replace').strip()}") from None
        except subprocess.TimeoutExpired:
            raise SpeechError(f"espeak-ng took longer than {timeout_s:.0f} s") from None
        rate, samples = read_wav(out.read_bytes())
    if rate != RATE:
        samples = resample(samples, rate, RATE)
    return samples


def chime(rate: int = RATE) -> np.ndarray:
    """A two-tone "ding-dong" (E5 then C5) with a soft decay, about a second long."""
    parts = []
    for freq, length in ((659.25, 0.45), (523.25, 0.65)):
        t = np.arange(int(rate * length)) / rate
        tone = np.sin(2 * np.pi * freq * t) + 0.3 * np.sin(4 * np.pi * freq * t)
        envelope = np.exp(-t * 4.0) * np.minimum(1.0, t * 200)  # 5 ms attack: no click
        parts.append(tone * envelope)
    return (np.concatenate(parts) / 1.3 * 0.6 * 32767).astype(np.int16)


def silence(seconds: float, rate: int = RATE) -> np.ndarray:
    return np.zeros(int(rate * seconds), np.int16)


def resample(samples: np.ndarray, from_rate: int, to_rate: int) -> np.ndarray:
    positions = np.linspace(0, len(samples) - 1, int(len(samples) * to_rate / from_rate))
    return np.interp(positions, np.arange(len(samples)), samples).astype(np.int16)


def to_wav(samples: np.ndarray, rate: int = RATE) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(samples.astype("<i2").tobytes())
    return buffer.getvalue()


def read_wav(data: bytes) -> tuple[int, np.ndarray]:
    """(rate, mono int16 samples) from 16-bit PCM WAV bytes."""
    with wave.open(io.BytesIO(data), "rb") as wav:
        rate, channels, width = wav.getframerate(), wav.getnchannels(), wav.getsampwidth()
        frames = wav.readframes(wav.getnframes())
    if width != 2:
        raise SpeechError(f"expected 16-bit WAV, got {8 * width}-bit")
    samples = np.frombuffer(frames, "<i2")
    if channels > 1:
        samples = samples.reshape(-1, channels).mean(axis=1).astype(np.int16)
    return rate, samples


def announcement_wav(zh_text: str, en_text: str, *, repeat: int = 1, with_chime: bool = True,
                     zh_voice: str = ZH_VOICE, en_voice: str = EN_VOICE, zh_speed: int = 140,
                     en_speed: int = 150) -> bytes:
    """Chime, then (Mandarin, pause, English, pause) `repeat` times, as WAV bytes.

    Either text may be empty (a Mandarin-only or English-only hall).
    """
    speech = []
    if zh_text:
        speech += [synthesize(zh_text, zh_voice, zh_speed), silence(0.5)]
    if en_text:
        speech += [synthesize(en_text, en_voice, en_speed), silence(0.5)]
    once = np.concatenate(speech) if speech else silence(0.1)
    parts = ([chime(), silence(0.25)] if with_chime else []) + [once] * max(1, repeat)
    return to_wav(np.concatenate(parts))
