"""A small server-rendered web UI over the store (FastAPI + Jinja2, autoescape always on).

`/` lists stories, `/stories/{id}` shows a brief, `/articles/{id}` shows an article with removed
page furniture greyed; `/api/stories` and `/api/stories/{id}` serve the same data as JSON. Every
piece of article text goes through Jinja's escaping; a strict Content-Security-Policy (no scripts at
all) is a second line of defence.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from .model import Article, Segment
from .store import Store, StoreError, open_store

TEMPLATES = Path(__file__).parent / "templates"
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"


def _env() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True, undefined=jinja2.ChainableUndefined
    )


def pieces(article: Article) -> tuple[list[tuple[str, str | None]], list[Segment]]:
    """The raw text cut into (text, removal reason or None) runs, and removed segments with no usable offsets."""
    raw = article.raw
    placed = sorted((s for s in article.removed if 0 <= s.start < s.end <= len(raw)), key=lambda s: s.start)
    unplaced = [s for s in article.removed if s not in placed]
    out: list[tuple[str, str | None]] = []
    pos = 0
    for s in placed:
        if s.start < pos:  # overlapping removals: show the rest of this one only
            if s.end <= pos:
                continue
            out.append((raw[pos : s.end], s.reason))
            pos = s.end
            continue
        if s.start > pos:
            out.append((raw[pos : s.start], None))
        out.append((raw[s.start : s.end], s.reason))
        pos = s.end
    if pos < len(raw):
        out.append((raw[pos:], None))
    return out, unplaced


def create_app(db: str | Store | None = None) -> FastAPI:
    """The web app over the store at `db` (a URL, an open Store, or the default store)."""
    store = db if isinstance(db, Store) else open_store(db)
    env = _env()
    app = FastAPI(title="newsfuse", docs_url=None, redoc_url=None, openapi_url=None)

    def page(name: str, code: int = 200, **ctx: Any) -> HTMLResponse:
        return HTMLResponse(env.get_template(name).render(**ctx), status_code=code)

    def not_found(what: str, api: bool) -> Response:
        if api:
            return JSONResponse({"error": f"no such {what}"}, status_code=404)
        return page("error.html", 404, status="Not found", message=f"No such {what}.")

    @app.middleware("http")
    async def _headers(request: Request, call_next):  # noqa: ANN001, ANN202
        response = await call_next(request)
        response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        return response

    @app.exception_handler(StoreError)
    async def _store_down(request: Request, exc: StoreError) -> Response:  # database went away while serving
        return JSONResponse({"error": str(exc)}, status_code=503)

    @app.get("/", response_class=HTMLResponse)
    def index() -> Response:
        return page("index.html", stories=store.stories())

    @app.get("/stories/{story_id}", response_class=HTMLResponse)
    def story(story_id: str) -> Response:
        row = store.story(story_id)
        if row is None:
            return not_found("story", api=False)
        doc = store.brief(story_id) or {}
        stories = doc.get("stories") if isinstance(doc, dict) else None
        brief = stories[0] if isinstance(stories, list) and stories and isinstance(stories[0], dict) else {}
        if isinstance(doc, dict) and "stories" not in doc:  # a bare per-story document
            brief = doc
        arts = store.articles(row.articles)
        order = {aid: i for i, aid in enumerate(row.articles)}
        arts.sort(key=lambda a: order.get(a.id, 0))
        title = (brief.get("title") if isinstance(brief.get("title"), str) else "") or row.title or row.id
        labels = {a.id: a.outlet or a.id for a in arts}  # cite by outlet name, fall back to the id
        return page("story.html", story=row, brief=brief, title=title, articles=arts, labels=labels)

    @app.get("/articles/{article_id}", response_class=HTMLResponse)
    def article(article_id: str) -> Response:
        art = store.article(article_id)
        if art is None:
            return not_found("article", api=False)
        runs, unplaced = pieces(art)
        return page("article.html", article=art, pieces=runs, unplaced=unplaced)

    @app.get("/api/stories")
    def api_stories() -> list[dict[str, Any]]:
        return [
            {"id": s.id, "title": s.title, "updated_at": s.updated_at, "articles": s.articles, "outlets": s.outlets}
            for s in store.stories()
        ]

    @app.get("/api/stories/{story_id}")
    def api_story(story_id: str) -> Response:
        doc = store.brief(story_id)
        if doc is None:
            return not_found("story", api=True)
        return JSONResponse(doc)

    return app
