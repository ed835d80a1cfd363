"""The kiosk's staff exit PIN: only its salted hash is in the device file, and wrong tries lock the keypad.

Pure (hashlib, no Kivy). `hall devices add NAME --kind kiosk` (or `hall devices pin`) makes a PIN, shows
it once and prints the `exit_pin_hash` line for the device file. After MAX_WRONG wrong PINs in a row the
keypad is locked for FIRST_LOCK_S, doubling with each further wrong PIN up to MAX_LOCK_S, so a
six-digit PIN cannot be tried through at the screen.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import secrets
from collections.abc import Callable

PIN_DIGITS = 6
SCHEME = "pbkdf2_sha256"
ITERATIONS = 200_000  # about a tenth of a second on a kiosk PC: the exit is rare, a stolen file is slow to try
MAX_WRONG = 5
FIRST_LOCK_S = 30
MAX_LOCK_S = 15 * 60


def new_pin(digits: int = PIN_DIGITS) -> str:
    return "".join(secrets.choice("0123456789") for _ in range(digits))


def hash_pin(pin: str, *, iterations: int = ITERATIONS, salt: bytes | None = None) -> str:
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.pbkdf2_hmac("sha256", pin.encode(), salt, iterations)
    return f"{SCHEME}${iterations}${salt.hex()}${digest.hex()}"


def _parts(encoded: str) -> tuple[int, bytes, bytes] | None:
    scheme, _, rest = encoded.partition("$")
    iterations, _, rest = rest.partition("$")
    salt, _, digest = rest.partition("$")
    try:
        if scheme != SCHEME or int(iterations) < 1:
            return None
        return int(iterations), bytes.fromhex(salt), bytes.fromhex(digest)
    except ValueError:
        return None


def is_pin_hash(encoded: str) -> bool:
    parts = _parts(encoded)
    return parts is not None and len(parts[1]) >= 8 and len(parts[2]) == 32


def verify_pin(pin: str, encoded: str) -> bool:
    parts = _parts(encoded)
    if parts is None:
        return False
    iterations, salt, digest = parts
    return hmac.compare_digest(hashlib.pbkdf2_hmac("sha256", pin.encode(), salt, iterations), digest)


def lock_seconds(wrong: int) -> int:
    """How long the keypad stays locked after the `wrong`-th wrong PIN in a row (0: not locked)."""
    if wrong < MAX_WRONG:
        return 0
    return min(FIRST_LOCK_S * 2 ** min(wrong - MAX_WRONG, 16), MAX_LOCK_S)


class PinLock:
    """Checks typed PINs against the hash and keeps the lockout; `clock` gives seconds (monotonic)."""

    def __init__(self, pin_hash: str, clock: Callable[[], float]):
        self.pin_hash = pin_hash
        self.clock = clock
        self.wrong = 0
        self.locked_until = 0.0

    def locked_for(self) -> int:
        """Whole seconds until a PIN may be tried again (0: now)."""
        return max(0, math.ceil(self.locked_until - self.clock()))

    def try_pin(self, pin: str) -> bool:
        """True for the right PIN (the count starts again); a PIN typed while locked is not even checked."""
        if self.locked_for():
            return False
        if verify_pin(pin, self.pin_hash):
            self.wrong = 0
            return True
        self.wrong += 1
        self.locked_until = self.clock() + lock_seconds(self.wrong)
        return False
