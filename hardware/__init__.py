"""Adapters for the hall's devices; each module is one device or concept.

Ticket printer (ESC/POS):
    ticket_layout      TicketLayout and the "print this list" slip, as printable blocks (pure)
    ticket_escpos      blocks -> ESC/POS bytes: GB18030 Chinese, FS & / FS ., raster fallback
    ticket_image       blocks -> picture (PNG preview, raster printing), Noto Sans CJK
    printer_connection network / usb / serial / file specs, timeouts, deadlines
    printer_status     DLE EOT replies -> PrinterStatus
    printer_errors     PrinterError (zh / en message), PrinterOffline, PaperOut, CoverOpen
    ticket_printer     open_printer(spec).print_ticket(ticket) / print_lines / status()
QR codes:
    qr_decode          decode_frame(frame): zxing-cpp, pyzbar fallback
    qr_scanner         QrScanner: camera thread, de-duplication, camera loss and reopen
    keyboard_wedge     KeyboardWedgeBuffer for USB scanners that type like a keyboard
Announcements:
    announcement_text  display and spoken texts (pure)
    speech_wav         chime + espeak-ng Mandarin and English -> WAV
    announcer          Announcer: queued, never cut off, aplay or any sink
Call-next buttons:
    window_buttons     presses -> act(window, action), pause toggle
    keypad_evdev       KeypadReader for a USB keypad (Linux input device)
    serial_caller      SerialCallerStation: base-station line protocol
Field diagnostics:
    cli                `hall printer test`, `hall scan`, `hall say`
Test doubles and data (hardware.testing): qr_video (camera), input_events (keypad),
qr_blackbox (real photos), printer_double + escpos_decoder (ESC/POS printer on a socket),
locker_board (locker relay board on a pseudo-terminal).
"""
