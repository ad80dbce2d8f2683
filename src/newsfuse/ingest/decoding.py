"""Ingest decoding: an input's bytes to text without wild guesses, saying what was done when it was not plain UTF-8.

Order: a byte-order mark; a charset the input declares (HTTP header, HTML meta tag, XML prolog; ISO-8859-1
read as windows-1252, as browsers do); UTF-8, with invalid bytes replaced and counted while they are no more than
the valid non-ASCII UTF-8 characters; windows-1252 when the bytes that are not UTF-8 read as Latin letters and typography
(“smart quotes”, "São Paulo"); a statistical guess (charset-normalizer) only when UTF-8 fails broadly, and
never a CJK codec for mostly-Latin bytes. `decode_text` returns the text and a note (empty when the input
was clean UTF-8 or decoded as declared); ingest keeps the note in `meta["decoding"]`, clean turns it into a
removed entry, and the CLI counts it in its tally.
"""

from __future__ import annotations

import codecs
import re

# WHATWG: these labels mean windows-1252 on the web (its C1 range holds the quotes and dashes)
_AS_CP1252 = {"iso-8859-1", "iso8859-1", "latin-1", "latin1", "l1", "us-ascii", "ascii", "iso_8859-1", "cp819"}
_CJK = re.compile(r"shift|sjis|cp932|euc|gb|big5|cp9[45]|ks_c|iso2022|johab|hz|cp1361|cp950", re.I)
_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9._:-]{2,40})""", re.I)
_XML_PROLOG = re.compile(rb"""^\s*<\?xml[^>]{0,200}?encoding\s*=\s*["']([A-Za-z0-9._:-]{2,40})["']""", re.I)
_HEADER_CHARSET = re.compile(r"""charset\s*=\s*["']?\s*([A-Za-z0-9._:-]{2,40})""", re.I)
_TYPOGRAPHY = set("“”‘’‚„–—…•€£¥©®™°·§¶«»¡¿×÷±¢ªº¹²³¼½¾\u00a0")
_LATIN_HIGH = 0.3  # Latin-script text in a one-byte code has at most this share of bytes >= 0x80


def declared_charset(data: bytes, header: str = "") -> tuple[str, str]:
    """(codec name, where it was declared) from an HTTP Content-Type, an XML prolog or an HTML meta tag; ("", "")."""
    found = []
    m = _HEADER_CHARSET.search(header or "")
    if m:
        found.append((m.group(1), "the HTTP header"))
    head = data[:4096]
    m2 = _XML_PROLOG.search(head)
    if m2:
        found.append((m2.group(1).decode("ascii"), "the XML prolog"))
    m3 = _META_CHARSET.search(head)
    if m3:
        found.append((m3.group(1).decode("ascii"), "the HTML meta tag"))
    for label, where in found:
        name = label.strip().lower()
        if name in _AS_CP1252:
            return "cp1252", where
        try:
            return codecs.lookup(name).name, where
        except LookupError:
            continue
    return "", ""


def _utf8_counts(data: bytes) -> tuple[str, int, int]:
    """UTF-8 reading with invalid bytes replaced: (text, invalid sequences, valid non-ASCII characters)."""
    text = data.decode("utf-8", "replace")
    bad = text.count("\ufffd") - data.count(b"\xef\xbf\xbd")
    good = sum(1 for ch in text if ord(ch) > 127 and ch != "\ufffd")
    return text, max(0, bad), good


def _latin_looking(data: bytes) -> str | None:
    """The windows-1252 reading when the high bytes read as letters inside words or as typography, else None."""
    high = sum(1 for b in data if b >= 0x80)
    if not high or high > _LATIN_HIGH * len(data):
        return None
    text = data.decode("cp1252", "replace")
    ok = 0
    n = 0
    for i, ch in enumerate(text):
        if ord(ch) < 128:
            continue
        n += 1
        if ch in _TYPOGRAPHY:
            ok += 1
        elif ch.isalpha():
            near = text[max(0, i - 1): i] + text[i + 1: i + 2]
            ok += any(c.isalpha() or c in " '-" for c in near)
    return text if n and ok >= 0.8 * n else None


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def decode_text(data: bytes, header: str = "") -> tuple[str, str]:
    """(text, note) for bytes known to be text; the note says what was replaced or re-decoded ("" when nothing)."""
    for bom, codec in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
                       (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            body = data[len(bom):] if codec == "utf-8" else data
            try:
                return body.decode(codec), ""
            except UnicodeDecodeError:
                text = body.decode(codec, "replace")
                n = text.count("\ufffd")
                return text, f"{_plural(n, 'invalid ' + codec.upper() + ' sequence')} replaced with U+FFFD"
    codec, where = declared_charset(data, header)
    if codec and codec != "utf-8":
        try:
            return data.decode(codec), ""
        except UnicodeDecodeError:
            pass  # the declaration is wrong: read it as if none were given
    try:
        return data.decode("utf-8"), ""
    except UnicodeDecodeError:
        pass
    text, bad, good = _utf8_counts(data)
    if good >= bad:  # more valid UTF-8 than invalid: a few bad bytes in a UTF-8 text
        return text, f"{_plural(bad, 'invalid UTF-8 byte sequence')} replaced with U+FFFD"
    latin = _latin_looking(data)
    if latin is not None:
        return latin, "not valid UTF-8: decoded as windows-1252 (Latin-1)"
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is not None and best.encoding and not (_CJK.search(best.encoding) and _mostly_latin(data)):
        return str(best), f"not valid UTF-8: decoded as {best.encoding} (a guess from the bytes)"
    return text, f"{_plural(bad, 'invalid UTF-8 byte sequence')} replaced with U+FFFD (the encoding could not be told)"


def _mostly_latin(data: bytes) -> bool:
    """More than half the bytes are ASCII letters: Latin-script text, whatever its few high bytes are."""
    return sum(1 for b in data if 65 <= b <= 90 or 97 <= b <= 122) > 0.5 * len(data)
