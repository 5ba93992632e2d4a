"""Voice v2's dialect: JSON bodies, and Twilio's legacy error envelope, as v1 answers it.

v2 (Configurations, AccountDefaultConfiguration) has no list operation: its description
defines page schemas but no path serves them, so :meth:`V2.page` is v1's and never used.
"""

from __future__ import annotations

from fake_voice.core.dialects._json import JsonBodies
from fake_voice.core.dialects.v1 import V1


class V2(JsonBodies, V1):
    version = "v2"
    error_schema = "error.json"


DIALECT = V2()
