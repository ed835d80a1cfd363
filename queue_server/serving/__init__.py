"""How the server meets the network: gevent's WSGI server in a patched process, deadlines on slow clients,
limits on what one client address may hold, and the stream relay process that writes anonymous event streams."""
