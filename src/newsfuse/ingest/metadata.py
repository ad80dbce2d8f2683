"""Ingest metadata: outlet and publication date inferred from text, HTML meta tags and records."""

from __future__ import annotations

import re


_PUBLISHED_LINE = re.compile(
    r"(?:^|[|·•]\s*)(?:first\s+)?(?:published|posted|updated)(?:\s+on)?\s*:?\s*(?P<when>[^|·•\n]{6,60}?)\s*$", re.I | re.M
)


def stated_published(text: str, head_lines: int = 6) -> str | None:
    """The publication date (and time) a plain-text page states in a "Published …" line near its top.

    Only a line that says so counts (with a year in it); the first such line wins. Returns ISO
    `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM` when a time is given.
    """
    head = "\n".join(text.lstrip().split("\n")[:head_lines])
    for m in _PUBLISHED_LINE.finditer(head):
        when = m.group("when").strip()
        if not re.search(r"\b(19|20)\d\d\b", when):
            continue
        import dateparser

        try:
            dt = dateparser.parse(when, languages=["en"], settings={"RETURN_AS_TIMEZONE_AWARE": False, "STRICT_PARSING": True})
        except Exception:  # dateparser raises assorted errors on junk
            dt = None
        if dt is None:
            continue
        has_time = bool(re.search(r"\b\d{1,2}[:.]\d{2}\b", when))
        return dt.strftime("%Y-%m-%dT%H:%M") if has_time else dt.date().isoformat()
    return None


_CREDIT_LINE = re.compile(r"^\s*(?:published by|source)\s*:?\s+(?P<name>.+?)\s*\.?\s*$", re.I)
_MASTHEAD_PARTS = re.compile(r"\s+[|·•]\s+|\s+[–—]\s+")
_NAME_WORD = re.compile(r"^(?:[A-Z][\w'’&.-]*|&|of|the|and|de|du|la|le|el|der|die|des|for|on)$")


def _slug_words(art_id: str) -> list[str]:
    """The words of a file name's slug ("01_continental-press-agency" -> continental, press, agency)."""
    slug = re.sub(r"^[\d_\-\s]+", "", art_id)
    return [w for w in re.findall(r"[a-z0-9]+", slug.lower()) if w != "the"]


def _name_words(name: str) -> list[str]:
    return [w for w in re.findall(r"\w+", name.lower().replace("&", " and ")) if w != "the"]


def _looks_like_name(name: str) -> bool:
    """A short proper name (2-60 chars, at most 6 words, capitalised, not a sentence)."""
    words = name.split()
    return (2 <= len(name) <= 60 and 1 <= len(words) <= 6 and words[0][:1].isupper()
            and not re.search(r"[.!?;:]\s*$|\d{3,}", name) and all(_NAME_WORD.match(w) for w in words))


def infer_outlet(text: str, art_id: str = "", head_lines: int = 6) -> str:
    """The outlet a plain-text file names itself, only with evidence in the text; "" when none.

    Evidence: a short masthead line (or a ' | '-separated part of one) among the first `head_lines`
    lines whose words equal the file name's slug, or a "Published by X" / "Source: X" line at the
    top or bottom of the text. Nothing is guessed from the slug alone.
    """
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    slug = _slug_words(art_id)
    if slug:
        for ln in lines[:head_lines]:
            for part in _MASTHEAD_PARTS.split(ln):
                part = part.strip()
                if _looks_like_name(part) and _name_words(part) == slug:
                    return part
    for ln in lines[:head_lines] + lines[-head_lines:]:
        m = _CREDIT_LINE.match(ln)
        name = re.sub(r"^the\s+", "", m.group("name")) if m else ""
        if name and _looks_like_name(name):
            return name
    return ""


_META_TIME = re.compile(
    r"<meta\s[^>]*(?:property|name|itemprop)\s*=\s*[\"'](?:article:published_time|datePublished|pubdate|date)[\"'][^>]*>",
    re.I,
)
_CONTENT = re.compile(r"content\s*=\s*[\"']([^\"']+)[\"']", re.I)


def meta_published(html: str, date: str | None) -> str | None:
    """Keep the time of day from the page's published-time meta tag when it agrees with `date`."""
    for tag in _META_TIME.findall(html[:200_000]):
        m = _CONTENT.search(tag)
        t = re.match(r"(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})", m.group(1).strip()) if m else None
        if t and (date is None or date[:10] == t.group(1)):
            return f"{t.group(1)}T{t.group(2)}"
    return date


def outlet_name(host_or_name: str) -> str:
    s = (host_or_name or "").strip()
    if s.startswith("www."):
        s = s[4:]
    return s


def iso_date(value) -> str | None:
    """Normalise a date string to ISO (YYYY-MM-DD, or datetime when a time is given)."""
    if not value:
        return None
    s = str(value).strip()
    m = re.match(r"^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2})?))?", s)
    if m:
        return m.group(1) + ("T" + m.group(2) if m.group(2) else "")
    try:
        import dateparser

        dt = dateparser.parse(s, settings={"RETURN_AS_TIMEZONE_AWARE": False})
    except Exception:  # dateparser raises assorted errors on junk
        dt = None
    return dt.date().isoformat() if dt else None
