"""Which hosts are Twilio's, which of them the fake serves, and the refusal for the rest."""

from __future__ import annotations

import re
from functools import lru_cache

from fake_voice.core.redact import redact_url
from fake_voice.state.store import REGION

DIRECT_BASE = "https://voice.twilio.com"
"""Where direct calls on the handle say they were sent."""
VOICE_HOST = re.compile(r"^voice(?:\.[a-z0-9-]+){0,2}\.twilio\.com(?::[0-9]+)?$", re.IGNORECASE)
"""voice.twilio.com, voice.{region}.twilio.com and voice.{edge}.{region}.twilio.com."""
_TWILIO = r"https?://(?:[^/?#]*\.)?twilio\.com(?::[0-9]+)?(?:[/?#]|$)"
TWILIO_URL = re.compile(f"^{_TWILIO}", re.IGNORECASE)
"""A URL for any ``*.twilio.com`` host: what interception catches."""
NOT_TWILIO_URL = re.compile(f"^(?!{_TWILIO})", re.IGNORECASE)


def voice_base(region: str) -> str:
    """Where direct calls acting in ``region`` say they were sent (ValueError for a string
    that is no region's name)."""
    if not (isinstance(region, str) and REGION.match(region)):
        raise ValueError(f"region must be a region's name such as 'us1' or 'au1', not {region!r}")
    return DIRECT_BASE if region == "us1" else f"https://voice.{region}.twilio.com"


@lru_cache(maxsize=256)  # a pure function of the host; a client sends one host throughout
def region_of(host: str) -> str | None:
    """The region a Voice host serves, as Twilio routes it; None for a host that is not one.

    ``voice.twilio.com`` (and ``voice.us1...``) is US1, ``voice.{region}.twilio.com`` and
    ``voice.{edge}.{region}.twilio.com`` are that region: an edge only picks the entry point.
    """
    if not VOICE_HOST.match(host):
        return None
    middle = host.lower().partition(":")[0].split(".")[1:-2]  # between voice. and .twilio.com
    return middle[-1] if middle else "us1"


def is_twilio_host(host: str) -> bool:
    host = host.lower().rstrip(".")
    return host == "twilio.com" or host.endswith(".twilio.com")


class HostRefused(Exception):
    """A request for a Twilio host other than Voice, which must never reach the network.

    Each adapter turns it into its own transport's connection error.
    """

    def __init__(self, method: str, url: str) -> None:
        super().__init__(
            f"fake_voice refused {method} {redact_url(url)}: it serves only "
            "voice.twilio.com and its regional hosts, and lets no request for another Twilio "
            "host reach the network."
        )
