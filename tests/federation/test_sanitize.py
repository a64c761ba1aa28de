"""The sanitiser for HTML from other servers: hostile input, Mastodon content, text helpers."""

from __future__ import annotations

import random
import re
import time
from html import escape
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest

from fedinet.federation.sanitize import (
    ALLOWED_ATTRIBUTES,
    ALLOWED_TAGS,
    LINK_SCHEMES,
    MAX_AMPERSANDS,
    MAX_OPEN,
    MAX_TAGS,
    html_to_plain_text,
    plain_text_to_html,
    sanitize_html,
)

LINK = 'target="_blank" rel="nofollow noopener noreferrer"'


class _Canon(HTMLParser):
    """Re-serialises HTML with sorted attributes, so tests need not know nh3's attribute order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.out: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.comments = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self.out.append("<" + " ".join([tag, *(f'{k}="{escape(v or "")}"' for k, v in sorted(attrs))]) + ">")

    def handle_endtag(self, tag: str) -> None:
        self.out.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        self.out.append(data)

    def handle_entityref(self, name: str) -> None:
        self.out.append(f"&{name};")

    def handle_charref(self, name: str) -> None:
        self.out.append(f"&#{name};")

    def handle_comment(self, data: str) -> None:
        self.comments += 1


def parse(html: str) -> _Canon:
    parser = _Canon()
    parser.feed(html)
    parser.close()
    return parser


def canon(html: str) -> str:
    return "".join(parse(html).out)


def assert_safe(output: str) -> None:
    """Whatever the input, the output keeps to the policy."""
    parsed = parse(output)
    assert parsed.comments == 0
    for tag, attrs in parsed.tags:
        assert tag in ALLOWED_TAGS, output
        allowed = ALLOWED_ATTRIBUTES.get(tag, set()) | ({"rel", "target"} if tag == "a" else set())
        assert set(attrs) <= allowed, output
        if tag == "a":
            assert attrs["rel"] == "nofollow noopener noreferrer" and attrs["target"] == "_blank"
            if "href" in attrs:
                assert urlsplit(attrs["href"] or "").scheme.lower() in LINK_SCHEMES, output
    lowered = output.lower()  # text keeps "<" escaped, so these could only be real tags
    for needle in ("<script", "<style", "<img", "<svg", "<math", "<iframe", "<!--"):
        assert needle not in lowered, output


# (hostile input, exactly what remains — compared with attributes sorted)
HOSTILE = [
    ("<script>alert(1)</script>", ""),
    ("<p>a<script>alert(1)</script>b</p>", "<p>ab</p>"),
    ("<img src=x onerror=alert(1)>", ""),
    ("<b><img src=x onerror=alert(1)>bold</b>", "<b>bold</b>"),
    ('<a href="javascript:alert(1)">x</a>', f"<a {LINK}>x</a>"),
    ('<a href="JaVaScRiPt:alert(1)">x</a>', f"<a {LINK}>x</a>"),
    ('<a href=" javascript:alert(1)">x</a>', f"<a {LINK}>x</a>"),
    ('<a href="java&#x09;script:alert(1)">x</a>', f"<a {LINK}>x</a>"),
    ('<a href="&#106;avascript:alert(1)">x</a>', f"<a {LINK}>x</a>"),
    ('<a href="&#x6A;avascript&#x3A;alert(1)">x</a>', f"<a {LINK}>x</a>"),
    ('<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>', f"<a {LINK}>x</a>"),
    ('<a href="vbscript:msgbox(1)">x</a>', f"<a {LINK}>x</a>"),
    ('<a href="//evil.example/">x</a>', f"<a {LINK}>x</a>"),
    ('<a href="/relative/path">x</a>', f"<a {LINK}>x</a>"),
    ('<a href="mailto:a@b.example">x</a>', f"<a {LINK}>x</a>"),
    ("<a href='https://x.example/\" onclick=alert(1)'>x</a>",  # stays inside the quoted value
     f'<a href="https://x.example/&quot; onclick=alert(1)" {LINK}>x</a>'),
    ('<a href="https://x.example/" onclick="alert(1)">x</a>', f'<a href="https://x.example/" {LINK}>x</a>'),
    ('<a href="https://x.example/" rel="me" target="_top">x</a>', f'<a href="https://x.example/" {LINK}>x</a>'),
    ("<svg onload=alert(1)><circle r=1 /></svg>ok", "ok"),
    ("<svg><p>inside svg</p></svg>after", "<p>inside svg</p>after"),  # html breaks out of svg
    ('<iframe src="https://evil.example/">fallback</iframe>ok', "ok"),
    ('<object data="x.swf"><embed src="x.swf">fallback</object>ok', "ok"),
    ("<style>body{display:none}</style>ok", "ok"),
    ("<template><p>t</p></template>ok", "ok"),
    ('<p style="color:red" id="x" data-x="1" lang="en" title="t" dir="rtl">p</p>', "<p>p</p>"),
    ('<b title="t" class="mention">b</b><abbr title="t" lang="en">a</abbr>', '<b>b</b><abbr title="t">a</abbr>'),
    ('<div onmouseover="alert(1)">d</div>', "d"),
    ('<form action="https://e.example/"><input value=1><button>b</button></form>', "b"),
    ('<img src="https://x.example/cat.png" alt="cat">', ""),
    ("<p>a<!-- comment -->b</p>", "<p>ab</p>"),
    ("<!--><script>alert(1)</script>-->x", "--&gt;x"),
    ("<b><i>unclosed", "<b><i>unclosed</i></b>"),
    ("<p><b>x</p></b>y", "<p><b>x</b></p>y"),
    ("<<script>script>alert(1)<</script>/script>", "&lt;/script&gt;"),
    ("<scr<script>ipt>alert(1)</script>", "ipt&gt;alert(1)"),
    ('<a href="https://a.example/">a<a href="https://b.example/">b</a></a>',
     f'<a href="https://a.example/" {LINK}>a</a><a href="https://b.example/" {LINK}>b</a>'),
    ('<noscript><p title="</noscript><img src=x onerror=alert(1)>">', '"&gt;'),
    ("<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table></mtext></math>x", "x"),
    (('<math><mi><mglyph><svg><mtext><textarea><path id="</textarea><img onerror=alert(1) src=1>">'
      "</path></textarea></mtext></svg></mglyph></mi></math>"), ""),
    ('<form><math><mtext></form><form><mglyph><style></math><img src onerror=alert(1)>', ""),
    ("<textarea><script>alert(1)</script></textarea>ok", "ok"),
    ("<title><script>alert(1)</script></title>ok", "ok"),
    ('<span class="evil u-url mention x">s</span>', '<span class="u-url mention">s</span>'),
    ('<span class="">y</span><a class="evil">x</a>', f"<span>y</span><a {LINK}>x</a>"),
    ('<span translate="maybe">t</span>', "<span>t</span>"),
    ('<ol start="x" reversed="yes"><li value="1; x">a</li></ol>', '<ol reversed=""><li>a</li></ol>'),
    ("<h6>six</h6><table><tr><td>cell</td></tr></table>", "sixcell"),
]


@pytest.mark.parametrize(("hostile", "expected"), HOSTILE)
def test_hostile_input(hostile: str, expected: str) -> None:
    output = sanitize_html(hostile)
    assert canon(output) == canon(expected)
    assert_safe(output)


MASTODON = [
    '<p>Hello <span class="h-card"><a href="https://b.example/@bob" class="u-url mention">@<span>bob</span></a></span></p>',
    '<p><a href="https://b.example/tags/tag" class="mention hashtag" rel="tag">#<span>tag</span></a></p>',
    ('<p>see <a href="https://example.com/a/long/path" rel="nofollow noopener noreferrer" target="_blank">'
     '<span class="invisible">https://</span><span class="ellipsis">example.com/a/lo</span>'
     '<span class="invisible">ng/path</span></a></p>'),
    "<p>first paragraph</p><p>second<br>line &amp; &lt;tags&gt;</p>",
    "<blockquote><p>quoted</p></blockquote><pre><code>x = 1</code></pre>",
    "<ul><li><strong>b</strong> <em>i</em> <del>d</del> <s>s</s> <u>u</u></li></ul>",
    '<ol start="3" reversed=""><li value="5">a</li></ol>',
    '<h1>t</h1><h5>t</h5><p>H<sub>2</sub>O, x<sup>2</sup>, <abbr title="HyperText">HTML</abbr></p>',
    "<p><ruby>漢<rp>(</rp><rt>kan</rt><rp>)</rp></ruby></p>",
    '<p><span class="p-name" translate="no">Ünïcödé 🚲</span></p>',
    '<p><a href="gemini://g.example/" class="u-url">g</a> <a href="ipfs://bafy">i</a></p>',
]


@pytest.mark.parametrize("content", MASTODON)
def test_mastodon_content_is_preserved(content: str) -> None:
    output = sanitize_html(content)
    assert_safe(output)
    # The same markup, except that every link gets our own rel and target.
    expected = parse(content)
    for _, attrs in (t for t in expected.tags if t[0] == "a"):
        attrs.update(rel="nofollow noopener noreferrer", target="_blank")
    assert parse(output).tags == expected.tags
    assert html_to_plain_text(output) == html_to_plain_text(content)


def test_exact_mention_and_hashtag_markup() -> None:
    mention = '<span class="h-card"><a href="https://b.example/@bob" class="u-url mention">@<span>bob</span></a></span>'
    assert canon(sanitize_html(mention)) == canon(
        f'<span class="h-card"><a href="https://b.example/@bob" class="u-url mention" {LINK}>@<span>bob</span></a></span>'
    )
    assert 'class="u-url mention"' in sanitize_html(mention)


@pytest.mark.parametrize("empty", [None, ""])
def test_empty_input(empty: str | None) -> None:
    assert sanitize_html(empty) == html_to_plain_text(empty) == plain_text_to_html(empty) == ""


def test_non_string_input_is_refused() -> None:
    with pytest.raises(TypeError):
        sanitize_html(["<p>x</p>"])  # type: ignore[arg-type]


def test_plain_text_to_html() -> None:
    assert plain_text_to_html("a < b & \"c\" 'd'") == "<p>a &lt; b &amp; &quot;c&quot; &#x27;d&#x27;</p>"
    assert plain_text_to_html("one\ntwo\r\n\r\n\n  \nthree\n") == "<p>one<br>two</p><p>three</p>"
    assert plain_text_to_html("<script>alert(1)</script>") == "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"
    assert plain_text_to_html(" \n\n ") == ""


def test_html_to_plain_text() -> None:
    html = (
        "<p>Hello <b>world</b> &amp; &lt;you&gt; &#128690;</p><p>line1<br>line2<br/>line3</p>"
        "<script>hidden()</script><style>p{}</style><ul><li>a</li><li>b</li></ul><!-- c -->"
        "<h2>heading</h2>tail"
    )
    assert html_to_plain_text(html) == "Hello world & <you> 🚲\n\nline1\nline2\nline3\n\na\nb\n\nheading\n\ntail"
    assert html_to_plain_text("<b>cw</b>") == "cw"
    assert html_to_plain_text('<p title="<b>x" lang="en">a</p><div>b</div>') == "a\n\nb"
    assert html_to_plain_text("plain & simple") == "plain & simple"


def test_plain_text_round_trip() -> None:
    text = "Dear <friends> & co,\nline two\n\nBye"
    assert html_to_plain_text(plain_text_to_html(text)) == text
    assert sanitize_html(plain_text_to_html(text)) == plain_text_to_html(text)


# Shapes whose HTML5 parsing is quadratic or multiplies the output: reduced to escaped text, fast.
ABUSIVE = [
    "<div>" * 20_000 + "deep<script>x</script>",
    "<blockquote><pre><ul>" * 5_000 + "deep",
    "".join(f"<b id={i}>" for i in range(3_000)) + "fmt",
    "<div>" + "".join(f"<b id={i}>" for i in range(MAX_OPEN - 1)) + "</div>" + "<p>x" * (MAX_TAGS - MAX_OPEN),
    "<p>" + "&" * 500_000 + "</p>",
    '<a title="' + "&x" * 200_000 + '">t</a>',
    "<span>x</span>" * (MAX_TAGS + 1),
]


@pytest.mark.parametrize("abusive", ABUSIVE, ids=range(len(ABUSIVE)))
def test_abusive_shapes_are_cheap_and_safe(abusive: str) -> None:
    started = time.perf_counter()
    output, text = sanitize_html(abusive), html_to_plain_text(abusive)
    assert time.perf_counter() - started < 3  # unguarded, each of these takes seconds to minutes
    assert re.fullmatch(r"(?:<p>|</p>|<br>|[^<])*", output)  # reduced to escaped text
    assert len(output) <= 6 * len(abusive) + 100  # "&" -> "&amp;", but nothing multiplied
    assert "<" not in text  # tags stripped


def test_guards_leave_ordinary_long_content_alone() -> None:
    paragraphs = "".join(f'<p>para {i} <a href="https://x.example/{i}">link</a> &amp; more</p>' for i in range(300))
    assert paragraphs.count("&") < MAX_AMPERSANDS
    output = sanitize_html(paragraphs)
    assert output.count('<a href="https://x.example/') == 300
    nested = "<blockquote>" * 20 + "<p>deep quote</p>" + "</blockquote>" * 20
    assert sanitize_html(nested).count("<blockquote>") == 20


def test_random_markup_never_escapes_the_policy() -> None:
    pieces = [
        "<a href='javascript:x'>", "<a href=https://ok.example/>", "</a>", "<p>", "</p>", "<svg>", "</svg>",
        "<math>", "<mglyph>", "<style>", "</style>", "<script>", "</script>", "<img src=x onerror=alert(1)>",
        "<!--", "-->", "<span class='mention evil'>", "</span>", "<table>", "<td>", "<textarea>", "</textarea>",
        "<noscript>", "</noscript>", '"', "'", ">", "<", "&", "&#106;", "text", "<b>", "</i>", "<iframe>",
        "<a href='data:text/html,x' onclick=x>", "<select>", "<template>", "<xmp>", "<plaintext>",
    ]
    rng = random.Random(1234)
    for _ in range(2_000):
        markup = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 25)))
        assert_safe(sanitize_html(markup))
