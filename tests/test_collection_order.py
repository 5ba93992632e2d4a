"""A collection's order view against a plain list, through random adds, bulk loads and
deletes: what every list page and page token stands on."""

from __future__ import annotations

import random

import pytest

from fake_voice.state.store import Collection


def assert_matches(collection: Collection, live: list[str], drawn: int, rng: random.Random) -> None:
    ordered = collection.in_order()
    assert len(ordered) == len(live) == len(collection)
    assert [sid for sid, _, _ in ordered[:]] == live
    assert [ordered[i][0] for i in range(len(live))] == live
    entries = [(sid, collection.positions[sid], collection.records[sid]) for sid in live]
    assert list(ordered) == entries
    for _ in range(50):
        start, stop = rng.randrange(-3, len(live) + 3), rng.randrange(-3, len(live) + 3)
        assert [sid for sid, _, _ in ordered[start:stop]] == live[start:stop]
        if start >= 0 and stop >= 0:
            assert ordered.sids(start, stop) == live[start:stop]
    for place in range(drawn + 1):
        assert collection.rank(place) == sum(collection.positions[s] < place for s in live)
    with pytest.raises(IndexError):
        ordered[len(live)]


@pytest.mark.parametrize("seed", range(40))
@pytest.mark.parametrize("removals", [True, False])
def test_the_order_view_and_ranks_match_a_plain_list(seed: int, removals: bool) -> None:
    """With removals, checked also just before the first (a collection that has only grown
    keeps no tree of live places until then)."""
    rng = random.Random(seed)
    collection, live, drawn = Collection(), [], 0
    removed = False

    def fresh(count: int) -> list[str]:
        nonlocal drawn
        sids = [f"NY{drawn + i:032x}" for i in range(count)]
        drawn += count
        return sids

    first = fresh(rng.randrange(0, 40))
    collection.extend([{"sid": sid} for sid in first])
    live += first
    for _ in range(rng.randrange(1, 300)):
        roll = rng.random()
        if live and roll < 0.4 and removals:
            if not removed:
                assert_matches(collection, live, drawn, rng)
                removed = True
            sid = rng.choice(live)
            live.remove(sid)
            collection.remove(sid)
        elif roll < 0.5:
            batch = fresh(rng.randrange(0, 30))
            collection.extend([{"sid": sid} for sid in batch])
            live += batch
        else:
            [sid] = fresh(1)
            collection.add({"sid": sid})
            live.append(sid)
    assert_matches(collection, live, drawn, rng)
