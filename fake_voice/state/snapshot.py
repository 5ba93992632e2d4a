"""Reading a saved state: the data itself, or the path of a JSON file of it.

``Store.load`` checks the shape of what this returns; the handle also checks every record
by the fake's own rules before it loads (see ``FakeVoice.load_state``).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from fake_voice.state.store import StateError


def read(source: object) -> Any:
    """The state ``source`` holds: the data itself, or the path of a JSON file of it."""
    if not isinstance(source, (str, os.PathLike)):
        return source
    path = Path(source)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) else "not UTF-8 text"
        raise StateError(f"cannot read the state file {path}: {reason}") from None
    try:
        return json.loads(text)
    except ValueError as error:
        raise StateError(f"the state file {path} is not JSON: {error}") from None
