"""What Voice v2 and v3 share: JSON request bodies, and query strings for GET and DELETE.

Both official clients send ``Content-Type: application/json`` on POST and PUT. The body is
read as JSON whatever its content type says, so a form body (what twilio-python's async
client sends for these versions) is a 400, as a server parsing JSON answers it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from fake_voice.core import json_bodies
from fake_voice.core.schemas import ParamViolation, RequestSchema, request_violations
from fake_voice.core.wire import JSON, MultiDict, Request, encode_json, form_value


class JsonBodies:
    def body_type(self, method: str) -> str | None:
        return None if method in ("GET", "DELETE") else "application/json"

    def where(self, method: str) -> str:
        return "query string" if method in ("GET", "DELETE") else json_bodies.WHERE

    def read(self, request: Request, method: str) -> MultiDict | JSON:
        query = request.query  # a query string that is not UTF-8 is a 400, whatever the method
        return query if method in ("GET", "DELETE") else json_bodies.read(request)

    def parse(self, given: MultiDict | JSON, schema: RequestSchema, method: str) -> dict[str, Any]:
        if isinstance(given, MultiDict):
            return schema.parse(given, self.where(method))
        return json_bodies.parse(schema, given)

    def request(self, method: str, url: str, params: Mapping[str, object]) -> Request:
        given = {key: value for key, value in params.items() if value is not None}
        if method in ("GET", "DELETE"):
            pairs = [(key, form_value(value)) for key, value in given.items()]
            if pairs:
                url += ("&" if "?" in url else "?") + urlencode(pairs)
            return Request(method, url, {})
        return Request(method, url, {"Content-Type": "application/json"}, encode_json(given))

    def violations(
        self, given: MultiDict | JSON, schema: RequestSchema, method: str
    ) -> list[ParamViolation]:
        if isinstance(given, MultiDict):
            return request_violations(schema, given, self.where(method))
        return json_bodies.violations(schema, given)
