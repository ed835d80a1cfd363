"""The staff exit: five quick taps on the hall name (or Esc) ask for the PIN; only the right PIN exits."""

from __future__ import annotations

from kiosk.presenter.staff_exit import StaffExit
from tests.support.kiosk_fakes import shared


def staff_exit() -> tuple[StaffExit, list[bool]]:
    exits: list[bool] = []
    door = StaffExit(shared())
    door.on_exit = lambda: exits.append(True)
    return door, exits


def test_staff_exit_needs_the_pin():
    door, exits = staff_exit()
    for _ in range(4):
        door.title_tapped()
    assert door.shared.screen == "home"
    door.title_tapped()
    assert door.shared.screen == "pin"
    for key in "1111":
        door.pin_key(key)
    door.pin_key("ok")
    assert door.pin_wrong and not exits and door.pin_entry == ""
    for key in "25809":
        door.pin_key(key)
    assert not door.pin_wrong  # typing again clears the warning
    door.pin_key("delete")
    door.pin_key("ok")
    assert exits == [True]


def test_slow_title_taps_do_not_open_the_exit():
    door, _ = staff_exit()
    for _ in range(5):
        door.title_tapped()
        door.shared.clock.now += 1.5
    assert door.shared.screen == "home"


def test_the_pin_takes_digits_only_and_at_most_twelve():
    door, _ = staff_exit()
    door.request_exit()
    for key in "12ab345678901234":
        door.pin_key(key)
    assert door.pin_entry == "123456789012"


def test_asking_again_starts_with_an_empty_pin():
    door, _ = staff_exit()
    door.request_exit()
    door.pin_key("9")
    door.pin_key("ok")
    door.request_exit()  # Esc, or the window's close button
    assert door.pin_entry == "" and not door.pin_wrong and door.shared.screen == "pin"


def test_the_presenter_forwards_the_exit():
    from tests.support.kiosk_fakes import started_kiosk

    kiosk = started_kiosk()
    exits = []
    kiosk.on_exit = lambda: exits.append(True)
    kiosk.request_exit()
    for key in "2580":
        kiosk.pin_key(key)
    kiosk.pin_key("ok")
    assert exits == [True] and kiosk.staff_exit.on_exit is kiosk.on_exit


def test_five_wrong_pins_lock_the_keypad_for_a_growing_time():
    door, exits = staff_exit()
    door.request_exit()

    def enter(pin):
        for key in pin:
            door.pin_key(key)
        door.pin_key("ok")

    for _ in range(5):
        enter("1111")
    assert door.pin_lock.locked_for() == 30
    enter("2580")  # even the right PIN waits out the lock
    assert not exits
    door.shared.clock.now += 30
    enter("1111")
    assert door.pin_lock.locked_for() == 60
    door.shared.clock.now += 60
    enter("2580")
    assert exits == [True] and door.pin_lock.wrong == 0
