"""The fake over real HTTP: the application, the control API and an HTTP/1.1 server.

It depends only on the small protocol in ``served`` (what it asks of a fake), never on the
handle class; ``fake_voice.serve()`` and ``voice.serve()`` put the two together.
"""

DEFAULT_HOST = "127.0.0.1"
DEFAULT_TIMEOUT = 10.0
"""Seconds a connection may sit idle mid-request before the server closes it."""
