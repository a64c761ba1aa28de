"""RFC 8941 subset: parsing and strict serialization."""

from __future__ import annotations

import pytest

from fedinet.federation.signing import structured_fields as sf


def test_dictionary_of_inner_lists_with_params() -> None:
    parsed = sf.parse_dictionary(
        'sig1=("@method" "@target-uri");created=1618884473;keyid="k";alg=tok, sig2=()'
    )
    first = parsed["sig1"]
    assert isinstance(first, sf.InnerList)
    assert [item.value for item in first.items] == ["@method", "@target-uri"]
    assert first.params == {"created": 1618884473, "keyid": "k", "alg": "tok"}
    assert isinstance(first.params["alg"], sf.Token)
    assert not isinstance(first.params["keyid"], sf.Token)
    assert parsed["sig2"] == sf.InnerList(())


def test_items_byte_sequences_booleans_and_bare_keys() -> None:
    parsed = sf.parse_dictionary("a=:aGVsbG8=:, b=?0, c, d=-42;x;y=?1,e=*tok/x:y")
    assert parsed["a"] == sf.Item(b"hello")
    assert parsed["b"] == sf.Item(False)
    assert parsed["c"] == sf.Item(True)
    assert parsed["d"] == sf.Item(-42, {"x": True, "y": True})
    assert parsed["e"] == sf.Item(sf.Token("*tok/x:y"))


def test_string_escapes_round_trip() -> None:
    parsed = sf.parse_dictionary(r'k="a \"quoted\" \\ value"')
    item = parsed["k"]
    assert isinstance(item, sf.Item)
    assert item.value == 'a "quoted" \\ value'
    assert sf.serialize_item(item) == r'"a \"quoted\" \\ value"'


def test_later_duplicate_key_wins_and_whitespace_is_tolerated() -> None:
    assert sf.parse_dictionary("  a=1 ,\tb=2,a=3") == {"a": sf.Item(3), "b": sf.Item(2)}


def test_empty_field_is_an_empty_dictionary() -> None:
    assert sf.parse_dictionary("") == {}


def test_serialize_inner_list_with_all_param_types() -> None:
    value = sf.InnerList(
        (sf.Item("@method"), sf.Item("x", {"req": True})),
        {"created": 1, "keyid": "k", "alg": sf.Token("t"), "bin": b"\x00", "no": False},
    )
    assert (
        sf.serialize_inner_list(value)
        == '("@method" "x";req);created=1;keyid="k";alg=t;bin=:AA==:;no=?0'
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a=1,", "trailing comma"),
        ("A=1", "invalid key"),
        ('a="unterminated', "unterminated string"),
        (r'a="bad \n escape"', "invalid escape"),
        ("a=1.5", "decimals are not supported"),
        ("a=1234567890123456", "invalid integer"),
        ("a=(1 2", "unterminated inner list"),
        ("a=(1,2)", "malformed inner list"),
        ("a=:not base64!:", "invalid character in byte sequence"),
        ("a=:YQ:", "invalid base64"),
        ("a=?2", "invalid boolean"),
        ("a=1 b=2", "expected ','"),
        ("a=%", "unexpected"),
        ('a="caf\u00e9"', "invalid character in string"),
    ],
)
def test_malformed_fields_are_rejected(text: str, message: str) -> None:
    with pytest.raises(sf.StructuredFieldError, match=message):
        sf.parse_dictionary(text)


def test_serializer_rejects_values_outside_the_format() -> None:
    with pytest.raises(sf.StructuredFieldError):
        sf.serialize_item(sf.Item("line\nbreak"))
    with pytest.raises(sf.StructuredFieldError):
        sf.serialize_item(sf.Item(10**15))
