"""Voice settings: fetch, update (202) and a refused update."""

from __future__ import annotations

import pytest
from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client

from fake_voice import FakeVoice


def scenario_inheritance_turned_off_and_on(client: Client, voice: FakeVoice) -> None:
    settings = client.voice.v1.dialing_permissions.settings()
    assert settings.fetch().dialing_permissions_inheritance is True

    assert (
        settings.update(dialing_permissions_inheritance=False).dialing_permissions_inheritance
        is False
    )
    assert settings.fetch().dialing_permissions_inheritance is False
    assert (
        settings.update(dialing_permissions_inheritance=True).dialing_permissions_inheritance
        is True
    )

    # The client sends any string it is given: the fake refuses what is not a boolean.
    with pytest.raises(TwilioRestException) as bad:
        settings.update(dialing_permissions_inheritance="sometimes")
    assert (bad.value.status, bad.value.code) == (400, 20001)
