"""Web pages served by the queue server (staff console, rating pads, supervision dashboard, web board)."""
