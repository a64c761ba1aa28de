"""Addressing and parsing of posts, without servers."""

from __future__ import annotations

import pytest

from fedinet.federation.addressing import audience, visibility_from_audience
from fedinet.federation.note_parsing import InvalidNote, parse_note

PUBLIC = "https://www.w3.org/ns/activitystreams#Public"
FOLLOWERS = "https://a.example/users/ann/followers"
BOB = "https://b.example/users/bob"


@pytest.mark.parametrize(
    ("visibility", "to", "cc"),
    [
        ("public", [PUBLIC], [FOLLOWERS, BOB]),
        ("unlisted", [FOLLOWERS], [PUBLIC, BOB]),
        ("private", [FOLLOWERS], [BOB]),
        ("direct", [BOB], []),
    ],
)
def test_audience_round_trip(visibility: str, to: list[str], cc: list[str]) -> None:
    assert audience(visibility, FOLLOWERS, [BOB]) == (to, cc)
    assert visibility_from_audience(to, cc, FOLLOWERS) == visibility


def test_public_aliases_and_limited() -> None:
    assert visibility_from_audience(["as:Public"], [], FOLLOWERS) == "public"
    assert visibility_from_audience([BOB], ["Public"], FOLLOWERS) == "unlisted"
    assert visibility_from_audience([BOB], [FOLLOWERS], FOLLOWERS) == "direct"  # Mastodon's "limited"


def post(**fields: object) -> dict[str, object]:
    author = "https://a.example/users/ann"
    return {"id": "https://a.example/notes/1", "type": "Note", "attributedTo": author, **fields}


def test_parse_a_rich_post() -> None:
    note = parse_note(
        post(
            type=["Note"],
            attributedTo=[{"type": "Person", "id": "https://a.example/users/ann"}],
            contentMap={"pt-BR": "<p>olá</p>"},
            summaryMap={"pt-BR": "aviso"},
            url=[{"type": "Link", "mediaType": "text/html", "href": "https://a.example/@ann/1"}],
            inReplyTo={"id": "https://c.example/notes/9"},
            published="2024-05-01T12:00:00+02:00",
            to=[PUBLIC],
            cc=[FOLLOWERS, BOB],
            tag=[
                {"type": "Mention", "href": BOB, "name": "@bob@b.example"},
                {"type": "Mention", "href": "javascript:alert(1)"},
                {"type": "Hashtag", "name": "#Café"},
                {"type": "Hashtag", "name": "#café"},
                {"type": "Hashtag", "name": "#123"},
                {"type": "Hashtag", "name": "#no spaces"},
            ],
            sensitive="yes",
        ),
        FOLLOWERS,
    )
    assert (note.content, note.summary, note.language) == ("<p>olá</p>", "aviso", "pt-BR")
    assert note.url == "https://a.example/@ann/1" and note.in_reply_to_uri == "https://c.example/notes/9"
    assert note.published_at.isoformat() == "2024-05-01T10:00:00+00:00"
    assert note.mentions == {BOB: "@bob@b.example"} and note.tags == ["café"]
    assert note.visibility == "public" and note.addressed_to == [PUBLIC, FOLLOWERS, BOB]
    assert note.sensitive is False  # only a real true counts


@pytest.mark.parametrize(
    "document",
    [
        post(type="Person"),
        post(id="ftp://a.example/notes/1"),
        post(attributedTo="https://elsewhere.example/users/ann"),
        post(attributedTo=None),
        post(content="x" * 100_001),
        "https://a.example/notes/1",
    ],
)
def test_refused(document: object) -> None:
    with pytest.raises(InvalidNote):
        parse_note(document, FOLLOWERS)


def test_url_on_another_host_is_dropped() -> None:
    assert parse_note(post(url="https://evil.example/@ann/1", content="x"), FOLLOWERS).url is None
