"""Parameters an operation does not take, and bodies it does not read, for every dialect.

Twilio ignores both, so a typo (``Priorty``, ``friendlyName``) or a JSON body sent to a
form endpoint passes silently and the default is stored instead. The request path reports
them as the ``unknown_parameters`` option says (ignore, warn, reject); handle seeding always
refuses them; ``fake-voice validate --unknown-parameters`` lists them. Names are compared
exactly, so a name in the wrong case is unknown, and the closest known name is suggested.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import Literal

from fake_voice.core.dialect import Dialect
from fake_voice.core.schemas import RequestSchema
from fake_voice.core.wire import Request

Mode = Literal["ignore", "warn", "reject"]
MODES: tuple[Mode, ...] = ("ignore", "warn", "reject")


class UnknownParameterWarning(UserWarning):
    """A request carried a parameter its operation does not take (``unknown_parameters="warn"``).

    The message names the parameter, the operation and the closest parameter it does take.
    """


def closest(name: str, known: Iterable[str]) -> str | None:
    """The known name ``name`` most likely meant: the same name in another case, else the
    nearest by ``difflib`` (None when nothing is near)."""
    by_lower = {k.lower(): k for k in known}
    if name.lower() in by_lower:
        return by_lower[name.lower()]
    near = difflib.get_close_matches(name.lower(), list(by_lower), n=1, cutoff=0.6)
    return by_lower[near[0]] if near else None


def unknown_messages(
    request: Request,
    dialect: Dialect,
    method: str,
    operation: str,
    schema: RequestSchema,
    given: Iterable[str],
) -> list[tuple[str | None, str]]:
    """A body of a content type ``operation`` does not read, and each parameter of ``given``
    that its ``schema`` does not take, as ``(parameter or None, message)`` in the order sent.

    Messages are worded as the 400 of ``unknown_parameters="reject"``.
    """
    where = dialect.where(method)
    found: list[tuple[str | None, str]] = []
    wanted = dialect.body_type(method)
    sent = request.content_type
    if wanted is not None and request.body and sent not in ("", wanted):
        message = f"The body is {sent}, which {operation} does not read: it takes {wanted}"
        found.append((None, message))
    for name in given:
        if name in schema.params:
            continue
        guess = closest(name, schema.params)
        if guess is not None:
            hint = f"did you mean {guess}?"
        elif schema.params:
            hint = f"{operation} takes " + ", ".join(sorted(schema.params))
        else:
            hint = f"{operation} takes no parameters"
        found.append((name, f"Unknown parameter {name} in the {where}: {hint}"))
    return found
