"""The locker relay board adapter against a pseudo-terminal board."""

from __future__ import annotations

import pytest

from hardware.locker import LockerError, SerialLocker, check_door, open_locker
from hardware.testing.locker_board import PtyLockerBoard


def test_open_door_and_state():
    with PtyLockerBoard() as board:
        locker = SerialLocker(board.port, timeout_s=2)
        assert locker.ping()
        assert locker.door_state("7") == "closed"
        locker.open_door("7")
        assert board.opened == ["7"]
        assert locker.door_state("7") == "open"
        locker.close()
    assert board.lines == ["PING", "STATE 7", "OPEN 7", "STATE 7"]


def test_door_names_are_normalised():
    with PtyLockerBoard(doors=("A12",)) as board:
        locker = SerialLocker(board.port)
        locker.open_door(" a12 ")
        assert board.opened == ["A12"]
        locker.close()


@pytest.mark.parametrize("door, code", [("99", "NO_DOOR"), ("3", "JAMMED")])
def test_board_refusals(door, code):
    with PtyLockerBoard(jammed=("3",)) as board:
        locker = SerialLocker(board.port)
        with pytest.raises(LockerError) as e:
            locker.open_door(door)
        assert e.value.code == code and door in e.value.message
        locker.open_door("4")  # the line still works after a refusal
        locker.close()


@pytest.mark.parametrize("door", ["", "A 1", "门1", "1234567", "-1"])
def test_bad_door_never_reaches_the_board(door):
    with pytest.raises(LockerError) as e:
        check_door(door)
    assert e.value.code == "BAD_DOOR"


def test_silent_board_times_out_with_a_clear_error():
    with PtyLockerBoard(silent=True) as board:
        locker = SerialLocker(board.port, timeout_s=0.3)
        with pytest.raises(LockerError) as e:
            locker.open_door("1")
        assert e.value.code == "NO_ANSWER"
        board.silent = False
        locker.open_door("2")  # reopens the line and goes on
        assert board.opened[-1] == "2"
        locker.close()


def test_missing_port_is_offline():
    locker = SerialLocker("/dev/does-not-exist-locker")
    with pytest.raises(LockerError) as e:
        locker.open_door("1")
    assert e.value.code == "OFFLINE" and "/dev/does-not-exist-locker" in e.value.message


def test_open_locker_specs():
    assert open_locker(None) is None and open_locker("none") is None and open_locker("") is None
    lk = open_locker("serial:/dev/ttyUSB0")
    assert (lk.port, lk.baud) == ("/dev/ttyUSB0", 9600)
    lk = open_locker("serial:/dev/ttyS1:19200")
    assert (lk.port, lk.baud) == ("/dev/ttyS1", 19200)
    with pytest.raises(ValueError):
        open_locker("usb:1:2")


def test_server_opens_the_door_through_the_configured_locker(seeded_template, tmp_path):
    """A real server started with HALL_LOCKER=serial:<pty>: a kiosk redeems a locker licence, the door opens."""
    import shutil

    import requests

    from queue_server.testing.server_process import ServerProcess

    db = tmp_path / "hall.db"
    shutil.copy(seeded_template[0], db)
    seeded = seeded_template[1]
    with PtyLockerBoard(doors=("A12",)) as board, ServerProcess(db, env={"HALL_LOCKER": f"serial:{board.port}"}) as srv:
        url = srv.url + "/api/v1"
        token = requests.post(url + "/login", timeout=10, json={"username": seeded.manager[0],
                                                                "password": seeded.manager[1]}).json()["token"]
        lic = requests.post(url + "/licences", headers={"Authorization": f"Bearer {token}"}, timeout=10, json={
            "case_no": "L1", "licence_type": "营业执照", "holder_name": "张三", "id_last4": "1234",
            "phone_last4": "5678", "method": "locker", "locker_door": "a12"}).json()
        kiosk = {"Authorization": f"Bearer {seeded.devices['kiosk-01']}"}
        r = requests.post(url + "/pickups", headers=kiosk, json={"code": lic["pickup_code"]}, timeout=10)
        assert r.status_code == 201, r.text
        assert r.json()["door"] == "A12"
        assert board.opened == ["A12"]
