"""Request parameters as Mastodon reads them: query string, form or JSON body, all alike."""

from __future__ import annotations

import json
import re
from typing import Any

from aiohttp import web
from multidict import MultiDict

from fedinet.services.errors import InvalidInput, Malformed

_TRUE = ("true", "1", "on", "yes")
_FALSE = ("false", "0", "off", "no", "")



class Params:
    """Merged parameters; `name[]` and repeated names give lists."""

    def __init__(self, values: MultiDict[Any]) -> None:
        self._values = values

    def get(self, name: str, default: Any = None) -> Any:
        value = self._values.get(name, default)
        return default if value is None else value

    def text(self, name: str, default: str | None = None) -> str | None:
        value = self.get(name)
        if value is None:
            return default
        if isinstance(value, (dict, list)):
            raise InvalidInput(f"{name} must be a string")
        return str(value)

    def flag(self, name: str, default: bool = False) -> bool:
        value = self.get(name)
        if value is None:
            return default
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise InvalidInput(f"{name} must be true or false")

    def integer(self, name: str, default: int | None = None, *, low: int = 0, high: int = 2**63 - 1) -> int | None:
        value = self.get(name)
        if value is None or value == "":
            return default
        try:
            number = int(value)
        except (TypeError, ValueError) as error:
            raise InvalidInput(f"{name} must be a whole number") from error
        if not low <= number <= high:
            raise InvalidInput(f"{name} must be between {low} and {high}")
        return number

    def list(self, name: str) -> list[Any]:
        values: list[Any] = []
        for key in (name, f"{name}[]"):
            for value in self._values.getall(key, []):
                values.extend(value if isinstance(value, list) else [value])
        return values

    def nested(self, name: str) -> dict[str, Any]:
        """`name[key]=…` form fields, or a JSON object under `name`."""
        value = self.get(name)
        if isinstance(value, dict):
            return value
        prefix = f"{name}["
        return {
            key[len(prefix) : -1]: item
            for key, item in self._values.items()
            if key.startswith(prefix) and key.endswith("]") and "[" not in key[len(prefix) : -1]
        }

    def indexed(self, name: str) -> list[dict[str, Any]]:
        """`name[0][key]=…` form fields, or a JSON list or object of objects, in index order."""
        value = self.get(name)
        if isinstance(value, list):
            return [item for item in value if isinstance(item, dict)]
        if isinstance(value, dict):
            return [item for item in value.values() if isinstance(item, dict)]
        found: dict[int, dict[str, Any]] = {}
        for key, item in self._values.items():
            match = re.fullmatch(rf"{re.escape(name)}\[(\d+)\]\[(\w+)\]", key)
            if match:
                found.setdefault(int(match[1]), {})[match[2]] = item
        return [found[index] for index in sorted(found)]


PARAMS_KEY = web.RequestKey("params", Params)


async def params(request: web.Request) -> Params:
    """Parse once per request: query, then the body (form or JSON) on top."""
    if PARAMS_KEY in request:
        return request[PARAMS_KEY]
    values: MultiDict[Any] = MultiDict(request.query)
    if request.can_read_body:
        if request.content_type == "application/json":
            try:
                body = json.loads(await request.read() or b"{}")
            except (ValueError, RecursionError) as error:
                raise Malformed("the body is not valid JSON") from error
            if not isinstance(body, dict):
                raise Malformed("the JSON body must be an object")
            for key, value in body.items():
                values.add(key, value)
        elif request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            for key, value in (await request.post()).items():
                values.add(key, value)
    request[PARAMS_KEY] = Params(values)
    return request[PARAMS_KEY]
