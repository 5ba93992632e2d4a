"""Archived calls: seeded through the handle, deleted once (204), then 404; a bad date 400."""

from __future__ import annotations

import datetime as dt

import pytest
from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client

from fake_voice import FakeVoice
from tests.conftest import ACCOUNT_SID


def scenario_archived_call_deleted_once(client: Client, voice: FakeVoice) -> None:
    sid = voice.add_archived_call("2021-03-04", account_sid=ACCOUNT_SID)

    assert client.voice.v1.archived_calls(dt.date(2021, 3, 4), sid).delete() is True

    with pytest.raises(TwilioRestException) as gone:
        client.voice.v1.archived_calls("2021-03-04", sid).delete()
    assert (gone.value.status, gone.value.code) == (404, 20404)
    with pytest.raises(TwilioRestException) as bad_date:
        client.voice.v1.archived_calls("2021-02-30", sid).delete()
    assert (bad_date.value.status, bad_date.value.code) == (400, 20001)
