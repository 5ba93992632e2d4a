"""The Faker provider users add to their own Faker for Twilio-shaped test data."""

from __future__ import annotations

import re

import pytest
from faker import Faker

import fake_voice
from fake_voice.faker_provider import TwilioProvider


@pytest.fixture
def fake() -> Faker:
    generator = Faker()
    generator.add_provider(TwilioProvider)
    generator.seed_instance(11)
    return generator


def test_sids_have_the_prefix_and_32_lowercase_hex_digits(fake: Faker) -> None:
    sids = [fake.twilio_sid("NY") for _ in range(50)]

    assert all(re.fullmatch(r"NY[0-9a-f]{32}", sid) for sid in sids)
    assert len(set(sids)) == 50
    assert re.fullmatch(r"AC[0-9a-f]{32}", fake.account_sid())


@pytest.mark.parametrize("prefix", ["ny", "N", "NYX", "N1", ""])
def test_a_prefix_must_be_two_capital_letters(fake: Faker, prefix: str) -> None:
    with pytest.raises(ValueError, match="two capital letters"):
        fake.twilio_sid(prefix)


def test_a_seeded_faker_repeats_its_values() -> None:
    def draw() -> list[str]:
        generator = Faker()
        generator.add_provider(TwilioProvider)
        generator.seed_instance(4)
        return [generator.twilio_sid("NE"), generator.sip_uri(), generator.friendly_name()]

    assert draw() == draw()


def test_sip_uris_and_names_are_accepted_by_the_fake(fake: Faker) -> None:
    with fake_voice.mock() as voice:
        policy = voice.create("ConnectionPolicies", FriendlyName=fake.friendly_name())
        for _ in range(30):
            uri = fake.sip_uri()
            target = voice.create(
                f"ConnectionPolicies/{policy['sid']}/Targets",
                Target=uri,
                FriendlyName=fake.friendly_name(),
            )
            assert target["target"] == uri
            assert len(target["friendly_name"]) <= 255
