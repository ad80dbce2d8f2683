"""Ingest formats: plain text, HTML, JSON/JSONL records and bundles, RSS/Atom feeds parsed into Articles."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from urllib.parse import urlparse

from ..model import Article
from .sources import content_hash, IngestError, short_hash, strip_controls
from .metadata import infer_outlet, iso_date, meta_published, outlet_name, stated_published


# --------------------------------------------------------------------------- format sniffing


def _looks_like_feed(text: str) -> bool:
    head = text.lstrip()[:2000].lower()
    return head.startswith("<?xml") and ("<rss" in head or "<feed" in head or "<rdf" in head) or head.startswith(
        ("<rss", "<feed", "<rdf:rdf")
    )


def _looks_like_html(text: str) -> bool:
    head = text.lstrip()[:4000].lower()
    return head.startswith(("<!doctype html", "<html")) or bool(re.search(r"<(html|body|head|div|p|article)\b", head))


def _looks_like_json(text: str) -> bool:
    return text.lstrip()[:1] in ("{", "[")


def parse(text: str, source: str, default_id: str, kind_hint: str = "") -> list[Article]:
    """Dispatch on content (and extension hint) to the right reader."""
    lower = source.lower()
    if kind_hint == "json" or lower.endswith((".json", ".jsonl", ".json.gz", ".jsonl.gz")) or (
        _looks_like_json(text) and not kind_hint
    ):
        try:
            return _read_json(text, source, default_id)
        except IngestError:
            if lower.endswith((".json", ".jsonl", ".json.gz", ".jsonl.gz")):
                raise
    if _looks_like_feed(text) or lower.endswith((".rss", ".atom", ".xml", ".rss.gz", ".xml.gz")):
        return _read_feed(text, source, default_id)
    if _looks_like_html(text) or lower.endswith((".html", ".htm", ".html.gz", ".htm.gz")):
        return [_read_html(text, source, default_id)]
    return [_read_text(text, source, default_id)]


def _read_text(text: str, source: str, art_id: str) -> Article:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise IngestError("no text")
    return Article(id=art_id, source=source, raw=text, outlet=infer_outlet(text, art_id),
                   published=stated_published(text), content_hash=content_hash(text), meta={"format": "text"})


def _html_to_text(html: str) -> tuple[str, dict]:
    """Main text and metadata of an HTML page, via trafilatura (scripts and furniture dropped)."""
    import trafilatura
    from trafilatura.settings import use_config

    cfg = use_config()
    cfg.set("DEFAULT", "EXTRACTION_TIMEOUT", "0")  # signal-based timeouts break in threads
    text = trafilatura.extract(
        html, include_comments=False, include_tables=True, favor_precision=False, config=cfg, deduplicate=False
    )
    meta = trafilatura.extract_metadata(html)
    md = {}
    if meta is not None:
        for key in ("title", "author", "url", "sitename", "hostname", "date", "description"):
            val = getattr(meta, key, None)
            if val:
                md[key] = val
    return text or "", md


# lxml (under trafilatura) gives up on trees deeper than libxml2's limit of 256 levels
_PARSER_DEPTH = 255
_BLOCK_TAGS = frozenset("""address article aside blockquote br dd details div dl dt figcaption figure footer form h1 h2 h3
    h4 h5 h6 header hr li main nav ol p pre section table td th tr ul""".split())
_VOID_TAGS = frozenset("area base br col embed hr img input link meta param source track wbr".split())


class _TextWalk(HTMLParser):
    """Visible text of a page in one streaming pass (no tree, so no depth limit); block tags break lines."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0
        self.depth = self.max_depth = 0

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in ("script", "style", "noscript", "template", "svg"):
            self.skip += 1
        if tag not in _VOID_TAGS:
            self.depth += 1
            self.max_depth = max(self.max_depth, self.depth)
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "noscript", "template", "svg") and self.skip:
            self.skip -= 1
        if tag not in _VOID_TAGS:
            self.depth = max(0, self.depth - 1)
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)

    def text(self) -> str:
        lines = (" ".join(ln.split()) for ln in "".join(self.parts).split("\n"))
        return "\n".join(ln for ln in lines if ln)


def _walk_text(html: str) -> tuple[str, int]:
    """(visible text, deepest tag nesting) of a page, by a streaming walk."""
    body = re.search(r"<body\b", html, re.I)
    walk = _TextWalk()
    walk.feed(html[body.start():] if body else html)
    walk.close()
    return walk.text(), walk.max_depth


_WORDS = re.compile(r"\w+")
_STOP_END = re.compile(r"[.!?…][\"'”’)\]]*\s*$")


def _prose(line: str) -> bool:
    """A paragraph of running text: 8+ words closed by a stop, with no furniture wording."""
    from ..clean.furniture import furniture_reason

    n = len(_WORDS.findall(line))
    return n >= 8 and bool(_STOP_END.search(line)) and not furniture_reason(line, n)


def _run_on(text: str, walked: str) -> str:
    """`text` (the extractor's article) with the paragraphs by which the article runs on in the page's visible text
    (`walked`) past where the extractor stopped: prose right below its last paragraph, in runs of two or more (a box
    of up to three other lines between runs is skipped). A teaser list (a headline over each blurb) never runs two
    blurbs in a row, so it is not taken."""
    norm = lambda t: " " + " ".join(_WORDS.findall(t)) + " "  # noqa: E731
    have = norm(text)
    lines = walked.split("\n")
    ours = [i for i, ln in enumerate(lines) if len(_WORDS.findall(ln)) >= 5 and norm(ln) in have]
    if len(ours) < 2:
        return text
    added: list[str] = []
    j = ours[-1] + 1
    while j < len(lines):
        run = []
        while j < len(lines) and _prose(lines[j]) and norm(lines[j]) not in have:
            run.append(lines[j])
            j += 1
        if len(run) < 2:
            break
        added += run
        j = next((m for m in range(j + 1, min(j + 4, len(lines))) if _prose(lines[m])), len(lines))
    return text + "\n" + "\n".join(added) if added else text


POST_WORDS = 70  # an embedded post is short (a tweet is at most 280 characters)


def _with_posts(text: str, walked: str) -> str:
    """`text` (the extractor's article) with the posts it embeds put back: an extractor drops an embedded post, but
    the page's visible text (`walked`) holds it, between two of the article's paragraphs, as up to three short lines
    over its signature ("— Ann Lee (@annlee) March 3, 2018"). Each goes back after the paragraph above it."""
    from ..clean.furniture import POST_SIGNATURE

    norm = lambda t: " " + " ".join(_WORDS.findall(t)) + " "  # noqa: E731
    have = norm(text)
    lines = walked.split("\n")
    ours = [i for i, ln in enumerate(lines) if len(_WORDS.findall(ln)) >= 5 and norm(ln) in have]
    if len(ours) < 2 or not any(POST_SIGNATURE.match(ln) for ln in lines[ours[0]:ours[-1]]):
        return text
    out = text.split("\n")
    keys = [norm(t) for t in out]
    inserts: dict[int, list[str]] = {}
    for s in range(ours[0] + 1, ours[-1]):
        if not POST_SIGNATURE.match(lines[s]) or norm(lines[s]) in have:
            continue
        j = s
        while j > 0 and s - j < 3 and j - 1 not in ours and not POST_SIGNATURE.match(lines[j - 1]):
            j -= 1
        above = max((i for i in ours if i < j), default=None)
        post = lines[j:s + 1]
        if above is None or sum(len(_WORDS.findall(p)) for p in post) > POST_WORDS + 20:
            continue
        at = next((t for t, k in enumerate(keys) if norm(lines[above]) in k), None)
        if at is not None:
            inserts.setdefault(at, []).extend(post)
    for at in sorted(inserts, reverse=True):
        out[at + 1:at + 1] = inserts[at]
    return "\n".join(out)


def _read_html(html: str, source: str, art_id: str) -> Article:
    text, md = _html_to_text(html)
    fmt = "html"
    if len(_WORDS.findall(text)) >= 3:
        walked = _walk_text(html)[0]
        text = _run_on(_with_posts(text, walked), walked)
    if len(re.findall(r"\w+", text)) < 3:
        # the tree parser stops at its depth limit: read such a page's text by a streaming walk
        # (the whole visible page, so cleaning treats it as scraped page text)
        walked, depth = _walk_text(html)
        if depth <= _PARSER_DEPTH or len(re.findall(r"\w+", walked)) < 3:
            raise IngestError("HTML page with no article text found")
        text, fmt = walked, "html-text"
        if not md.get("title"):
            t = re.search(r"<title[^>]*>([^<]{1,300})</title>", html[:20000], re.I)
            if t:
                md["title"] = " ".join(t.group(1).split())
    url = md.get("url") or (source if source.startswith(("http://", "https://")) else "")
    outlet = md.get("sitename") or md.get("hostname") or (urlparse(url).hostname or "" if url else "")
    art = Article(
        id=art_id,
        source=source,
        raw=text,
        title=md.get("title", ""),
        author=md.get("author", ""),
        url=url,
        outlet=outlet_name(outlet),
        published=meta_published(html, iso_date(md.get("date"))),
        content_hash=content_hash(text),
        meta={"format": fmt, "description": md.get("description", "")},
    )
    return art


def _record_to_article(rec: dict, source: str, default_id: str) -> Article:
    """A news-please style record (title, maintext/text, url, date_publish, source_domain)."""
    text = rec.get("maintext") or rec.get("text") or rec.get("content") or rec.get("body") or ""
    if not isinstance(text, str):
        raise IngestError(f"record {default_id!r}: text is not a string")
    title = rec.get("title") or ""
    rid = str(rec.get("id") or rec.get("_id") or default_id)
    outlet = rec.get("source_domain") or rec.get("outlet") or rec.get("source") or ""
    url = rec.get("url") or ""
    if not outlet and url:
        outlet = urlparse(url).hostname or ""
    text, note = strip_controls(text.replace("\r\n", "\n"))
    if not text.strip() and not title.strip():
        raise IngestError(f"record {rid!r} has no text")
    meta: dict = {"format": "json"}
    if note:
        meta["control_characters"] = note
    if rec.get("clean") is True:  # the producer vouches the text is the article alone: cleaning keeps it whole
        meta["clean"] = True
    return Article(
        id=rid,
        source=source,
        raw=text,
        title=title if isinstance(title, str) else "",
        outlet=outlet_name(str(outlet)),
        url=str(url),
        author=", ".join(rec["authors"]) if isinstance(rec.get("authors"), list) else str(rec.get("author") or ""),
        published=iso_date(rec.get("date_publish") or rec.get("published") or rec.get("date")),
        stance=rec.get("stance"),
        content_hash=content_hash(text),
        meta=meta,
    )


def _bundle_to_articles(rec: dict, source: str, default_id: str) -> list[Article]:
    """A story bundle: {"id", "title"?, "date"?, "articles": [{"source", "stance"?, "text", ...}]}."""
    sid = str(rec.get("id") or default_id)
    out = []
    for i, a in enumerate(rec.get("articles") or []):
        if not isinstance(a, dict):
            continue
        sub = dict(a)
        sub.setdefault("id", f"{sid}-{i + 1}")
        sub.setdefault("date", rec.get("date"))
        if rec.get("clean") is True:
            sub.setdefault("clean", True)
        art = _record_to_article(sub, source, f"{sid}-{i + 1}")
        art.story = sid
        art.meta["bundle"] = {"id": sid, "title": rec.get("title") or ""}
        out.append(art)
    return out


def _read_json(text: str, source: str, default_id: str) -> list[Article]:
    records: list = []
    try:
        data = json.loads(text)
        records = data if isinstance(data, list) else [data]
    except json.JSONDecodeError:
        bad = 0
        for n, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            try:
                records.append(json.loads(line))
            except json.JSONDecodeError:
                bad += 1
                records.append(IngestError(f"line {n}: not valid JSON"))
        if bad and bad == len(records):
            raise IngestError("not valid JSON or JSONL") from None
    out: list[Article] = []
    many = len(records) > 1
    for n, rec in enumerate(records, 1):
        rid = f"{default_id}-{n}" if many else default_id
        if isinstance(rec, IngestError):
            out.append(rec)  # type: ignore[arg-type]  # surfaced as a problem by the caller
            continue
        if not isinstance(rec, dict):
            out.append(IngestError(f"record {n}: not a JSON object"))  # type: ignore[arg-type]
            continue
        try:
            if isinstance(rec.get("articles"), list):
                out.extend(_bundle_to_articles(rec, source, rid))
            else:
                out.append(_record_to_article(rec, source, rid))
        except IngestError as exc:
            out.append(exc)  # type: ignore[arg-type]
    return out


_XML_BOMB = re.compile(r"<!DOCTYPE[^>]*\[|<!ENTITY", re.IGNORECASE)


def _read_feed(text: str, source: str, default_id: str) -> list[Article]:
    """RSS/Atom: one article per item, full content when present. DTDs/entities are refused."""
    if _XML_BOMB.search(text):
        raise IngestError("feed declares a DTD or XML entities (possible entity bomb / external entity): refused")
    import feedparser

    parsed = feedparser.parse(text, sanitize_html=True, resolve_relative_uris=False)
    if not parsed.entries:
        why = getattr(parsed, "bozo_exception", None)
        raise IngestError(f"not a readable RSS/Atom feed ({why or 'no items'})")
    feed_title = parsed.feed.get("title", "") if hasattr(parsed, "feed") else ""
    out: list[Article] = []
    for n, e in enumerate(parsed.entries, 1):
        body = ""
        if e.get("content"):
            body = max((c.get("value", "") for c in e["content"]), key=len)
        body = body or e.get("summary", "") or ""
        if "<" in body:
            body, _ = _html_to_text(f"<html><body><article>{body}</article></body></html>") if body else ("", {})
        link = e.get("link", "")
        eid = e.get("id") or link or f"{default_id}-{n}"
        art_id = f"{default_id}-{short_hash(eid)}"
        if not body.strip():
            out.append(IngestError(f"item {n} ({e.get('title', '')[:60]!r}) has no text"))  # type: ignore[arg-type]
            continue
        published = None
        for key in ("published_parsed", "updated_parsed"):
            if e.get(key):
                t = e[key]
                published = f"{t.tm_year:04d}-{t.tm_mon:02d}-{t.tm_mday:02d}"
                break
        out.append(
            Article(
                id=art_id,
                source=source,
                raw=body,
                title=e.get("title", ""),
                url=link,
                outlet=outlet_name(feed_title or (urlparse(link).hostname or "")),
                author=e.get("author", ""),
                published=published,
                content_hash=content_hash(body),
                meta={"format": "feed"},
            )
        )
    return out
