"""The touchscreen kiosk: take a number, read the "tell once" guide, scan QR codes, print tickets.

`presenter.py` holds the whole flow and imports no Kivy; `app.py` and `screens/` draw it.
"""
