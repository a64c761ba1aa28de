"""RFC 8941 Structured Field Values: the subset HTTP message signatures need.

Dictionaries whose members are items or inner lists, with parameters; bare items
are integers, strings, tokens, byte sequences and booleans. Decimals are
rejected as unsupported. Serialization follows the strict rules of RFC 8941
section 4.1, which RFC 9421 uses to rebuild `@signature-params`.
"""

from __future__ import annotations

import base64
import binascii
import string
from dataclasses import dataclass, field

_KEY_START = string.ascii_lowercase + "*"
_KEY_CHARS = string.ascii_lowercase + string.digits + "_-.*"
_TCHARS = string.ascii_letters + string.digits + "!#$%&'*+-.^_`|~:/"
_BASE64_CHARS = frozenset(string.ascii_letters + string.digits + "+/=")
_MAX_INTEGER = 999_999_999_999_999


class StructuredFieldError(ValueError):
    """The text is not a valid structured field (of the supported subset)."""


class Token(str):
    """An sf-token: kept apart from strings because it serializes without quotes."""


BareItem = int | str | bytes | bool
Params = dict[str, BareItem]


@dataclass(frozen=True)
class Item:
    value: BareItem
    params: Params = field(default_factory=dict)


@dataclass(frozen=True)
class InnerList:
    items: tuple[Item, ...]
    params: Params = field(default_factory=dict)


Member = Item | InnerList


def parse_dictionary(text: str) -> dict[str, Member]:
    """Parse a Dictionary field value (RFC 8941 section 4.2.2); a later duplicate key wins."""
    parser = _Parser(text)
    parser.skip(" ")
    members: dict[str, Member] = {}
    while not parser.at_end():
        key = parser.key()
        if parser.peek() == "=":
            parser.advance()
            members[key] = parser.inner_list() if parser.peek() == "(" else parser.item()
        else:
            members[key] = Item(True, parser.params())
        parser.skip(" \t")
        if parser.at_end():
            break
        parser.expect(",")
        parser.skip(" \t")
        if parser.at_end():
            raise StructuredFieldError("trailing comma in dictionary")
    return members


def serialize_inner_list(value: InnerList) -> str:
    """Strict serialization of an inner list with its parameters."""
    items = " ".join(serialize_item(item) for item in value.items)
    return f"({items}){_serialize_params(value.params)}"


def serialize_item(item: Item) -> str:
    """Strict serialization of an item with its parameters."""
    return _serialize_bare(item.value) + _serialize_params(item.params)


def _serialize_params(params: Params) -> str:
    out = []
    for key, value in params.items():
        out.append(f";{key}" if value is True else f";{key}={_serialize_bare(value)}")
    return "".join(out)


def _serialize_bare(value: BareItem) -> str:
    if isinstance(value, bool):
        return "?1" if value else "?0"
    if isinstance(value, int):
        if abs(value) > _MAX_INTEGER:
            raise StructuredFieldError("integer out of range")
        return str(value)
    if isinstance(value, Token):
        return str(value)
    if isinstance(value, str):
        if any(not 0x20 <= ord(char) <= 0x7E for char in value):
            raise StructuredFieldError("strings must be printable ASCII")
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return ":" + base64.b64encode(value).decode("ascii") + ":"


class _Parser:
    """A cursor over the field text with one method per RFC 8941 parsing algorithm."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def at_end(self) -> bool:
        return self.pos >= len(self.text)

    def peek(self) -> str:
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def advance(self) -> str:
        char = self.peek()
        self.pos += 1
        return char

    def skip(self, chars: str) -> None:
        while not self.at_end() and self.text[self.pos] in chars:
            self.pos += 1

    def expect(self, char: str) -> None:
        if self.peek() != char:
            raise StructuredFieldError(f"expected {char!r} at position {self.pos}")
        self.pos += 1

    def key(self) -> str:
        if not self.peek() or self.peek() not in _KEY_START:
            raise StructuredFieldError(f"invalid key at position {self.pos}")
        start = self.pos
        while not self.at_end() and self.text[self.pos] in _KEY_CHARS:
            self.pos += 1
        return self.text[start : self.pos]

    def params(self) -> Params:
        params: Params = {}
        while self.peek() == ";":
            self.advance()
            self.skip(" ")
            key = self.key()
            value: BareItem = True
            if self.peek() == "=":
                self.advance()
                value = self.bare_item()
            params[key] = value
        return params

    def item(self) -> Item:
        value = self.bare_item()
        return Item(value, self.params())

    def inner_list(self) -> InnerList:
        self.expect("(")
        items: list[Item] = []
        while not self.at_end():
            self.skip(" ")
            if self.peek() == ")":
                self.advance()
                return InnerList(tuple(items), self.params())
            items.append(self.item())
            if not self.at_end() and self.peek() not in (" ", ")"):
                raise StructuredFieldError(f"malformed inner list at position {self.pos}")
        raise StructuredFieldError("unterminated inner list")

    def bare_item(self) -> BareItem:
        char = self.peek()
        if char and char in "-" + string.digits:
            return self.integer()
        if char == '"':
            return self.string()
        if char == ":":
            return self.byte_sequence()
        if char == "?":
            return self.boolean()
        if char and char in string.ascii_letters + "*":
            return self.token()
        raise StructuredFieldError(f"unexpected {char or 'end of input'!r} at position {self.pos}")

    def integer(self) -> int:
        start = self.pos
        if self.peek() == "-":
            self.advance()
        digits_start = self.pos
        while not self.at_end() and self.text[self.pos] in string.digits:
            self.pos += 1
        digits = self.text[digits_start : self.pos]
        if self.peek() == ".":
            raise StructuredFieldError("decimals are not supported")
        if not digits or len(digits) > 15:
            raise StructuredFieldError(f"invalid integer at position {start}")
        return int(self.text[start : self.pos])

    def string(self) -> str:
        self.expect('"')
        chars: list[str] = []
        while not self.at_end():
            char = self.advance()
            if char == "\\":
                escaped = self.advance()
                if escaped not in ('"', "\\"):
                    raise StructuredFieldError("invalid escape in string")
                chars.append(escaped)
            elif char == '"':
                return "".join(chars)
            elif not 0x20 <= ord(char) <= 0x7E:
                raise StructuredFieldError("invalid character in string")
            else:
                chars.append(char)
        raise StructuredFieldError("unterminated string")

    def token(self) -> Token:
        start = self.pos
        self.advance()
        while not self.at_end() and self.text[self.pos] in _TCHARS:
            self.pos += 1
        return Token(self.text[start : self.pos])

    def byte_sequence(self) -> bytes:
        self.expect(":")
        end = self.text.find(":", self.pos)
        if end < 0:
            raise StructuredFieldError("unterminated byte sequence")
        encoded = self.text[self.pos : end]
        self.pos = end + 1
        if not _BASE64_CHARS.issuperset(encoded):
            raise StructuredFieldError("invalid character in byte sequence")
        try:
            return base64.b64decode(encoded, validate=True)
        except binascii.Error as exc:
            raise StructuredFieldError("invalid base64 in byte sequence") from exc

    def boolean(self) -> bool:
        self.expect("?")
        char = self.advance()
        if char not in ("0", "1"):
            raise StructuredFieldError("invalid boolean")
        return char == "1"
