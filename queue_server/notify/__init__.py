"""SMS to citizens who leave a mobile number at the kiosk: "3 ahead of you" and "please go to window N".

phones.py checks, masks and hashes numbers; outbox.py decides what to send and keeps the outbox (retries with
backoff, a delivery log, survives restarts); gateway.py is the HTTP adapter; worker.py runs it beside the server.
"""
