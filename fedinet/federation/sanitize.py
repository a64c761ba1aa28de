"""HTML from other servers, made safe before it is stored or shown.

Remote HTML (Note ``content``/``summary``, actor ``summary``/``name``, PropertyValue
values) goes through :func:`sanitize_html`: nh3 (Rust's ammonia) with Mastodon's policy.

* Elements: ``ALLOWED_TAGS``; those in ``DROPPED_WITH_CONTENT`` (script, style,
  iframe, object, svg, math, ...) go with their content; any other element is
  unwrapped, its text kept. Comments go.
* Attributes: only ``ALLOWED_ATTRIBUTES``; ``class`` keeps only Mastodon's
  microformat/mention classes, ``translate`` only yes/no, ``start``/``value``
  only integers. Event handlers, ``style``, ``id`` never survive.
* Links: an ``href`` must be absolute with a scheme in ``LINK_SCHEMES``, else
  it is removed (the ``<a>`` and its text stay). Every ``<a>`` gets
  ``rel="nofollow noopener noreferrer"``, replacing the remote ``rel`` (a
  remote ``rel="me"`` must not vouch for anyone on our pages), and
  ``target="_blank"``, as Mastodon does.
* Hostile shapes: HTML5 tree building is quadratic in nesting depth, in
  unclosed formatting elements and in bare ``&``, and re-opening formatting
  elements can multiply the output. Input over ``MAX_TAGS`` start tags,
  ``MAX_OPEN`` open elements or ``MAX_AMPERSANDS`` ampersands, or output longer
  than ``6 * len(input) + 10000``, is instead reduced to escaped plain text.
"""

from __future__ import annotations

import html as _html
import re

import nh3

ALLOWED_TAGS = frozenset(
    "p br span a abbr del s pre blockquote code b strong u sub sup i em"
    " h1 h2 h3 h4 h5 ul ol li ruby rt rp".split())
DROPPED_WITH_CONTENT = frozenset(
    "script style iframe frame frameset object embed applet noscript noembed"
    " noframes template svg math textarea select title".split())
ALLOWED_ATTRIBUTES = {"a": {"href", "class", "translate"}, "span": {"class", "translate"},
                      "ol": {"start", "reversed"}, "li": {"value"}, "abbr": {"title"},
                      "*": set()}  # "*" empty: else ammonia keeps lang and title everywhere
LINK_SCHEMES = frozenset("http https dat dweb ipfs ipns ssb gopher xmpp magnet gemini".split())
LINK_REL = "nofollow noopener noreferrer"
MAX_TAGS, MAX_OPEN, MAX_AMPERSANDS = 1000, 64, 10_000

_CLASS_OK = re.compile(r"(?:h|p|u|dt|e)-\S*|mention|hashtag|ellipsis|invisible")
_INTEGER = re.compile(r"[+-]?\d{1,9}")
_TAG = re.compile(r"<(/?)([A-Za-z][^\t\n\f\r />]*)")
# Void elements and those whose end tag the parser implies: not counted as open.
_NOT_OPEN = frozenset("area base br col embed hr img input link meta param source track wbr"
                      " p li dt dd rt rp option optgroup tr td th".split())


def _filter_attribute(element: str, name: str, value: str) -> str | None:
    """Narrow the values of allowed attributes (None removes the attribute)."""
    if name == "class":
        return " ".join(c for c in value.split() if _CLASS_OK.fullmatch(c)) or None
    if name == "translate":
        return value.lower() if value.lower() in ("yes", "no") else None
    if name in ("start", "value"):
        return str(int(value)) if _INTEGER.fullmatch(value.strip()) else None
    return "" if name == "reversed" else value


_CLEANER = nh3.Cleaner(
    tags=set(ALLOWED_TAGS), clean_content_tags=set(DROPPED_WITH_CONTENT),
    attributes=ALLOWED_ATTRIBUTES, attribute_filter=_filter_attribute, strip_comments=True,
    link_rel=LINK_REL, set_tag_attribute_values={"a": {"target": "_blank"}},
    url_schemes=set(LINK_SCHEMES), url_relative="deny")

# html_to_plain_text keeps only the tags that mean a line break, then maps them.
_BLOCKS = ("p", "div", "blockquote", "pre", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6")
_TEXT_CLEANER = nh3.Cleaner(
    tags={"br", "li", *_BLOCKS}, clean_content_tags=set(DROPPED_WITH_CONTENT),
    attributes={"*": set()}, link_rel=None, strip_comments=True)
_LINE_END = re.compile(r"<br\b[^<>]*>|</li\s*>", re.IGNORECASE)
_PARAGRAPH_EDGE = re.compile(rf"</?(?:{'|'.join(_BLOCKS)})\b[^<>]*>", re.IGNORECASE)
_ANY_TAG = re.compile(r"<[^<>]*>")  # linear: a match attempt stops at the next "<"


def _is_hostile(html: str) -> bool:
    """True for input whose parsing could cost far more than its size."""
    if html.count("&") > MAX_AMPERSANDS:
        return True
    tags = _TAG.findall(html)
    if sum(not end for end, _ in tags) > MAX_TAGS:
        return True
    open_by_name: dict[str, int] = {}
    total = 0
    for end, name in tags:  # an estimate of the parser's stack depth
        name = name.lower()
        if name in _NOT_OPEN:
            continue
        if not end:
            open_by_name[name] = open_by_name.get(name, 0) + 1
            total += 1
            if total > MAX_OPEN:
                return True
        elif open_by_name.get(name):
            open_by_name[name] -= 1
            total -= 1
    return False


def _tags_to_text(markup: str) -> str:
    """Turn br, </li> and block edges into line breaks, drop other tags, unescape."""
    text = _ANY_TAG.sub("", _PARAGRAPH_EDGE.sub("\n\n", _LINE_END.sub("\n", markup)))
    lines = (line.rstrip() for line in _html.unescape(text).split("\n"))
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _check(value: object) -> str:
    if value is None or isinstance(value, str):
        return value or ""
    raise TypeError(f"expected str or None, got {type(value).__name__}")


def sanitize_html(html: str | None) -> str:
    """Return ``html`` reduced to the safe subset above ("" for None or "")."""
    html = _check(html)
    if not html:
        return ""
    if not _is_hostile(html):
        cleaned = _CLEANER.clean(html)
        if len(cleaned) <= 6 * len(html) + 10_000:
            return cleaned
    return plain_text_to_html(_tags_to_text(html))


def plain_text_to_html(text: str | None) -> str:
    """Escape ``text``; blank lines separate ``<p>`` paragraphs, newlines become ``<br>``."""
    text = _check(text).replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        return ""
    return "".join(
        "<p>" + "<br>".join(_html.escape(line) for line in paragraph.split("\n")) + "</p>"
        for paragraph in re.split(r"\n\s*\n", text))


def html_to_plain_text(html: str | None) -> str:
    """Text of ``html`` for summaries and notifications.

    Tags go (script, style and the other dropped elements with their content),
    ``<br>`` and ``</li>`` become a newline, the start and end of a paragraph
    or other block a blank line, entities are unescaped. The result is plain
    text: escape it before putting it into HTML.
    """
    html = _check(html)
    if html and not _is_hostile(html):
        html = _TEXT_CLEANER.clean(html)
    return _tags_to_text(html)
