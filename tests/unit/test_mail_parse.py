"""Mail parsing without a server: hostile, broken and legacy-encoded mail gives sensible listings."""

from __future__ import annotations

import base64
import re
from datetime import UTC, datetime
from email.message import EmailMessage

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop.sources.imap import parse, structure
from desktop.sources.imap.body import body_from_bytes, sanitize_html

INTERNAL = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)


def b64word(text: str, charset: str) -> str:
    return f"=?{charset}?B?{base64.b64encode(text.encode(charset.replace('-', '_'))).decode()}?="


@pytest.mark.parametrize("charset", ["gbk", "gb18030", "big5"])
def test_declared_legacy_charsets(charset: str) -> None:
    subject, body = "季度报告", "请查收附件中的报告。"
    if charset == "big5":
        subject, body = "季度報告", "請查收附件中的報告。"
    raw = (
        f"Subject: {b64word(subject, charset)}\r\nFrom: {b64word('王小明', charset)} <w@example.cn>\r\n"
        f"Content-Type: text/plain; charset={charset}\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
    ).encode() + body.encode(charset)
    got = parse.parse_listing(raw, INTERNAL)
    assert (got.title, got.preview, got.sender) == (subject, body, "王小明 <w@example.cn>")


def test_iso_2022_jp() -> None:
    raw = (
        f"Subject: {b64word('会議のお知らせ', 'iso-2022-jp')}\r\nFrom: taro@example.jp\r\n"
        "Content-Type: text/plain; charset=ISO-2022-JP\r\n\r\n"
    ).encode() + "明日の会議は十時からです。".encode("iso2022_jp")
    got = parse.parse_listing(raw)
    assert got.title == "会議のお知らせ" and got.preview == "明日の会議は十時からです。"


def test_undeclared_8bit_headers_and_body() -> None:
    raw = "Subject: 会议通知\r\nFrom: 张三 <zs@example.cn>\r\n\r\n明天下午三点开会。\r\n".encode("gbk")
    got = parse.parse_listing(raw)
    assert (got.title, got.sender, got.preview) == ("会议通知", "张三 <zs@example.cn>", "明天下午三点开会。")
    utf8 = "Subject: Grüße\r\n\r\nSchöne Grüße aus Köln\r\n".encode()
    assert parse.parse_listing(utf8).title == "Grüße"
    latin = "Subject: Café\r\nContent-Type: text/plain\r\n\r\nUn café, s'il vous plaît\r\n".encode("latin-1")
    got = parse.parse_listing(latin)
    assert got.title == "Café" and got.preview == "Un café, s'il vous plaît"


def test_wrong_declared_charset_falls_back() -> None:
    raw = b"Subject: x\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n" + "naïve résumé".encode()
    assert parse.parse_listing(raw).preview == "naïve résumé"
    raw = b"Subject: x\r\nContent-Type: text/plain; charset=x-no-such-charset\r\n\r\n" + "日本語".encode()
    assert parse.parse_listing(raw).preview == "日本語"
    raw = b"Subject: x\r\nContent-Type: text/plain; charset=gb2312\r\n\r\n" + "Ünïcödé".encode()
    assert parse.parse_listing(raw).preview == "Ünïcödé"


def test_encoded_words_including_broken_ones() -> None:
    assert parse.decode_header_text("=?utf-8?Q?caf=C3=A9?= =?utf-8?Q?_au_lait?=") == "café au lait"
    # a GBK character split across two encoded-words
    data = "中文".encode("gbk")
    split = f"=?gbk?B?{base64.b64encode(data[:3]).decode()}?= =?gbk?B?{base64.b64encode(data[3:]).decode()}?="
    assert parse.decode_header_text(split) == "中文"
    broken = parse.decode_header_text("=?utf-8?B?5Lit5paH?= =?utf-8?B?!!bad!!?= tail =?nope?Q?x?=")
    assert broken.startswith("中文") and "tail" in broken
    assert parse.decode_header_text("=?utf-8?B?5Lit5paH") == "=?utf-8?B?5Lit5paH"  # unterminated: left as is
    assert "\n" not in parse.decode_header_text("a\r\n b\x00c\u202ed")


def test_missing_headers() -> None:
    got = parse.parse_listing(b"\r\njust a body\r\n", INTERNAL)
    assert got.title == "(no subject)" and got.sender == "(unknown sender)"
    assert got.time == INTERNAL and got.preview == "just a body"
    assert parse.parse_listing(b"", INTERNAL).title == "(no subject)"


def test_dates() -> None:
    future = b"Subject: s\r\nDate: Tue, 01 Jan 2999 00:00:00 +0000\r\n\r\nx"
    assert parse.parse_listing(future, INTERNAL).time == INTERNAL
    garbage = b"Subject: s\r\nDate: yesterday-ish\r\n\r\nx"
    assert parse.parse_listing(garbage, INTERNAL).time == INTERNAL
    ok = b"Subject: s\r\nDate: Thu, 19 Nov 2026 08:00:00 +0100\r\n\r\nx"
    assert parse.parse_listing(ok, INTERNAL).time == datetime(2026, 11, 19, 7, 0, tzinfo=UTC)


def test_urgency() -> None:
    assert parse.parse_listing(b"X-Priority: 1 (Highest)\r\n\r\nx").urgent
    assert parse.parse_listing(b"Importance: High\r\n\r\nx").urgent
    assert not parse.parse_listing(b"X-Priority: 3\r\n\r\nx").urgent


def test_preview_is_one_short_line() -> None:
    body = "Hello Bob,\n\n" + "word " * 200 + "\n> quoted\n-- \nsig"
    raw = f"Subject: long\r\nContent-Type: text/plain\r\n\r\n{body}".encode()
    preview = parse.parse_listing(raw).preview
    assert len(preview) <= 200 and "\n" not in preview and preview.startswith("Hello Bob, word")
    assert preview.endswith("…")


def test_big_attachment_and_listing() -> None:
    msg = EmailMessage()
    msg["From"] = "a@example.com"
    msg["Subject"] = "report"
    msg.set_content("See attached.")
    msg.add_attachment(b"\0" * (10 * 1024 * 1024), maintype="application", subtype="pdf", filename="r.pdf")
    got = parse.parse_listing(msg.as_bytes())
    assert got.has_attachments and got.preview == "See attached." and got.title == "report"
    body = body_from_bytes(msg.as_bytes())
    assert [(a.name, a.content_type) for a in body.attachments] == [("r.pdf", "application/pdf")]
    assert body.attachments[0].size == 10 * 1024 * 1024


def test_deep_nesting_does_not_blow_the_stack() -> None:
    raw = b"Content-Type: text/plain\r\n\r\ndeep text\r\n"
    for level in range(200):
        raw = (
            f'Content-Type: multipart/mixed; boundary="b{level}"\r\n\r\n--b{level}\r\n'.encode()
            + raw
            + f"\r\n--b{level}--\r\n".encode()
        )
    got = parse.parse_listing(b"Subject: deep\r\n" + raw)
    assert got.title == "deep"  # the text is beyond the depth we follow: no preview, no crash
    body_from_bytes(b"Subject: deep\r\n" + raw)


def test_broken_mime() -> None:
    raw = b"Subject: b\r\nContent-Type: multipart/mixed\r\n\r\nno boundary at all\r\n"
    assert parse.parse_listing(raw).title == "b"
    raw = b"Subject: b\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\naGVsbG8gd29y!!bGQ"
    assert parse.parse_listing(raw).preview.startswith("hello wor")
    assert parse.parse_listing(b"\xff\xfe\x00garbage").title  # never raises


HOSTILE_HTML = """<html><head><style>body{background:url(http://t.example/css.png)}</style>
<link rel=stylesheet href="http://t.example/x.css"><script>alert(1)</script></head>
<body onload="steal()" background="http://t.example/bg.png">
<p onclick="x()">Hello <b>there</b></p>
<img src="http://t.example/pixel.gif" srcset="http://t.example/2x.gif 2x">
<img src="//t.example/relative.gif"><img src="cid:logo@x">
<div style="background-image: url('https://t.example/div.png'); color: red">styled</div>
<div style="color: blue; background: u\\72l(http://t.example/esc.png)">escaped</div>
<span style="color: green">green</span>
<table background="https://t.example/t.png"><tr><td>cell</td></tr></table>
<a href="javascript:alert(1)">js</a> <a href="https://ok.example/page">link</a>
<iframe src="https://t.example/frame"></iframe><object data="http://t.example/o"></object>
<svg><image href="http://t.example/svg.png"/></svg><video poster="http://t.example/p.png"></video>
<form action="http://t.example/f"><input name=x></form>
</body></html>"""


def test_sanitized_html_has_no_remote_content_and_no_script() -> None:
    clean, blocked = sanitize_html(HOSTILE_HTML)
    assert blocked
    urls = re.findall(r"(?:https?:)?//[^\s\"'<>)]+", clean)
    assert urls == ["https://ok.example/page"]  # only a link the user may click
    lowered = clean.lower()
    for bad in (
        "<script",
        "onload",
        "onclick",
        "javascript:",
        "<iframe",
        "<object",
        "<link",
        "<form",
        "url(",
    ):
        assert bad not in lowered, bad
    assert "Hello <b>there</b>" in clean and 'src="cid:logo@x"' in clean
    assert 'style="color:green"' in lowered.replace(" ", "")  # harmless styles survive


def test_html_only_mail_preview_and_body() -> None:
    raw = (
        b"From: s@example.com\r\nSubject: Offer\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
        + HOSTILE_HTML.encode()
    )
    got = parse.parse_listing(raw)
    assert got.preview.startswith("Hello there")
    assert "alert" not in got.preview and "background" not in got.preview
    body = body_from_bytes(raw)
    assert (
        body.text.startswith("Hello there") and "t.example" not in body.html and body.remote_content_blocked
    )


def test_body_headers() -> None:
    raw = (
        b'From: =?utf-8?Q?J=C3=BCrgen?= <j@example.de>\r\nTo: a@example.com, "B, Bee" <b@example.com>\r\n'
        b"Cc: c@example.com\r\nSubject: Hi\r\nDate: Thu, 19 Nov 2026 08:00:00 +0000\r\nMessage-ID: <1@x>\r\n\r\nbody"
    )
    body = body_from_bytes(raw)
    assert body.sender == "Jürgen <j@example.de>"
    assert body.to == "a@example.com, B, Bee <b@example.com>" and body.cc == "c@example.com"
    assert body.date == datetime(2026, 11, 19, 8, 0, tzinfo=UTC) and body.message_id == "<1@x>"
    assert body.text == "body" and body.html == ""


def test_bodystructure_walk() -> None:
    bs = (
        [
            (
                [
                    (b"TEXT", b"PLAIN", (b"CHARSET", b"gbk"), None, None, b"BASE64", 120, 3, None, None, None, None),
                    (b"text", b"html", (b"charset", b"utf-8"), None, None, b"quoted-printable", 400, 9, None, None, None, None),
                ],
                b"alternative",
                (b"boundary", b"a"),
                None,
                None,
                None,
            ),
            (b"application", b"pdf", (b"name", b"x.pdf"), None, None, b"base64", 13_981_016, None,
             (b"attachment", (b"filename*", b"utf-8''%E6%8A%A5%E5%91%8A.pdf")), None, None),
        ],
        b"mixed",
        (b"boundary", b"m"),
        None,
        None,
        None,
    )  # fmt: skip
    parts = structure.parts(bs)
    assert [p.spec for p in parts] == ["1.1", "1.2", "2"]
    text = structure.text_part(parts)
    assert text is not None and (text.spec, text.charset, text.encoding) == ("1.1", "gbk", "base64")
    assert [(a.filename, a.size) for a in structure.attachments(parts)] == [("报告.pdf", 13_981_016)]
    single = structure.parts((b"text", b"plain", None, None, None, b"7bit", 5, 1, None, None, None, None))
    assert [p.spec for p in single] == ["1"]
    assert structure.parts(None) == [] and structure.parts((b"garbage",)) == []


def test_preview_from_partial_part() -> None:
    data = base64.encodebytes("预览文字".encode("gbk") * 50)[:301]  # cut mid-line, as a partial fetch does
    assert parse.preview_from_part(data, "text/plain", "gbk", "base64").startswith("预览文字预览文字")
    qp = b"caf=C3=A9 au lait=\r\n tr=C3=A8s bon=C3"
    assert parse.preview_from_part(qp, "text/plain", "utf-8", "quoted-printable").startswith("café au lait")
    assert parse.preview_from_part(b"<p>a</p><p>b</p>", "text/html", "", "7bit") == "a b"


_HEADER_NAMES = st.sampled_from(
    [
        "From", "Sender", "Reply-To", "To", "Subject", "Date", "Message-ID", "X-Priority",
        "Importance", "Priority", "Content-Type", "Content-Disposition", "MIME-Version", "X-Any",
    ]
)  # fmt: skip
_HEADER_PIECES = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        [
            "=?utf-8?q?J=C3=B6rg?=", "=?utf-8?b?5Lya6K6u?=", "=?iso-8859-1?q?caf=E9?=",
            "=?bogus?x?zz?=", '"Doe, Jane" <jane@example.com>', "a@b.c, <d@e.f>",
            "multipart/mixed; boundary=x", "attachment; filename*=utf-8''%E4%BC%9A.pdf",
            "Mon, 30 Nov 2026 10:00:00 +0100", "1 (Highest)", "high", "urgent", "\r\n folded",
        ]
    ),
)  # fmt: skip
_VALUE = st.lists(_HEADER_PIECES, max_size=4).map(" ".join)
_RAW_VALUE = st.one_of(
    _VALUE.map(lambda v: v.encode("utf-8", "surrogatepass")),
    _VALUE.map(lambda v: v.encode("latin-1", "replace")),
    st.binary(max_size=40),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(_HEADER_NAMES, _RAW_VALUE), max_size=8))
def test_a_listing_from_the_header_alone_equals_the_full_policy_parse(
    headers: list[tuple[str, bytes]],
) -> None:
    # fetch.py lists a new mail from its header through the compat32 parse (no email.policy
    # at start, issue 9); it must read exactly what the default-policy parse reads.
    raw = b"".join(name.encode() + b": " + value + b"\r\n" for name, value in headers) + b"\r\n"
    internal = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    light = parse.listing_from_message(parse.parse_header_bytes(raw), internal, preview_text="p")
    full = parse.listing_from_message(parse.parse_bytes(raw), internal, preview_text="p")
    assert light == full
