"""The touchscreen kiosk: take a number, read the "tell once" guide, scan QR codes, print tickets.

`presenter/` holds the whole flow (one module per concern behind `KioskPresenter`) and imports no
Kivy; `app.py` and `screens/` draw it.
"""
