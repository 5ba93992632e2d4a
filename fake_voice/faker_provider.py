"""A Faker provider for users' own fixtures: Twilio SIDs, SIP URIs and friendly names.

from faker import Faker
from fake_voice.faker_provider import TwilioProvider

fake = Faker()
fake.add_provider(TwilioProvider)
fake.twilio_sid("NY")  # 'NY' + 32 lowercase hex digits
"""

from __future__ import annotations

import re

from faker.providers import BaseProvider

_PREFIX = re.compile(r"[A-Z]{2}\Z")


class TwilioProvider(BaseProvider):
    def twilio_sid(self, prefix: str) -> str:
        """A SID of the form Twilio uses: a two-letter prefix and 32 lowercase hex digits."""
        if not _PREFIX.match(prefix):
            raise ValueError(f"a Twilio SID prefix is two capital letters, not {prefix!r}")
        return f"{prefix}{self.generator.random.getrandbits(128):032x}"

    def account_sid(self) -> str:
        return self.twilio_sid("AC")

    def sip_uri(self) -> str:
        """A ``sip:`` URI a Connection Policy Target accepts, sometimes with a port."""
        host = self.generator.domain_name()
        user = self.generator.user_name()
        port = self.random_element(("", ":5060", ":5061", f":{self.random_int(1024, 65535)}"))
        return f"sip:{user}@{host}{port}"

    def friendly_name(self) -> str:
        """A short descriptive name, well under Twilio's 255-character limit."""
        return f"{self.generator.word()}-{self.generator.word()}-{self.random_int(1, 999)}"
