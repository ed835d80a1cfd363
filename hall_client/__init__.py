"""What every device (kiosk, wall display, call-next buttons) shares to reach the queue server: the HTTP client
with its event follower (`client.py`) and the device-file shape (`device_file.py`)."""
