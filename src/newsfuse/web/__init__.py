"""The web reader and its API over the store (FastAPI + Jinja2, autoescape always on).

`create_app(db)` builds the app: reader pages (`pages`: story list with search and filters, story,
article, entity pages, API docs) and the JSON API under `/api/v1` (`api`: stories, articles, entities,
authenticated ingest). Every piece of article text goes through Jinja's or `markup`'s escaping; a strict
Content-Security-Policy (scripts and styles only from the app itself, no inline code) is a second line
of defence, and every page works without its script. Unknown routes answer a page (or JSON under /api),
never a traceback. GET responses are cached until the store changes (`cache`).
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

import jinja2
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..store import Store, StoreError, open_store
from .cache import ResponseCache
from .markup import pieces
from .view import ago, day

__all__ = ["create_app", "pieces"]

PACKAGE = Path(__file__).resolve().parent.parent
TEMPLATES = PACKAGE / "templates"
STATIC = PACKAGE / "static"
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; base-uri 'none'; "
       "form-action 'self'; frame-ancestors 'none'; connect-src 'self'")
log = logging.getLogger("newsfuse")


def _env() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True, undefined=jinja2.ChainableUndefined
    )
    env.filters["ago"] = ago
    env.filters["day"] = day
    return env


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


_SECURITY = [
    (b"content-security-policy", CSP.encode()), (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
]


class _Headers:
    """Pure ASGI middleware: security headers on every response; GET responses served from and kept in the cache."""

    def __init__(self, app: Any, cache: ResponseCache) -> None:
        self.app, self.cache = app, cache

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        cacheable = scope.get("method") == "GET" and self.cache.enabled and not path.startswith("/static/")
        key = path + "?" + scope.get("query_string", b"").decode("latin-1")
        if cacheable:
            if self.cache.due():  # the fingerprint is a database read: keep it off the event loop
                await run_in_threadpool(self.cache.refresh)
            hit = self.cache.get(key)
            if hit is not None:
                body, status, headers = hit
                await send({"type": "http.response.start", "status": status, "headers": headers})
                await send({"type": "http.response.body", "body": body})
                return
        start: dict[str, Any] = {}
        chunks: list[bytes] = []

        async def wrapped(message: dict) -> None:
            if message["type"] == "http.response.start":
                keep = [(k, v) for k, v in message.get("headers", []) if k.lower() not in {h for h, _ in _SECURITY}]
                message = {**message, "headers": keep + _SECURITY}
                start.update(message)
            elif message["type"] == "http.response.body" and cacheable:
                chunks.append(message.get("body", b""))
                if not message.get("more_body") and start.get("status") in (200, 301, 404):
                    self.cache.put(key, (b"".join(chunks), start["status"], list(start["headers"])))
            await send(message)

        await self.app(scope, receive, wrapped)


def create_app(db: str | Store | None = None, *, token: str | None = None) -> FastAPI:
    """The reader and API over the store at `db` (a URL, an open Store, or the default store).

    `token` (default $NEWSFUSE_TOKEN) is the bearer token `POST /api/v1/articles` requires; without one
    the server is read-only.
    """
    from . import api, pages

    store = db if isinstance(db, Store) else open_store(db)
    env = _env()
    app = FastAPI(
        title="newsfuse API", version="1",
        description="Stories fused from many outlets' reports: list and search them, read their briefs, "
                    "articles and entities, and add articles (with a bearer token).",
        docs_url=None, redoc_url=None, openapi_url="/api/v1/openapi.json",
    )
    cache = ResponseCache(store.fingerprint)
    app.state.cache = cache

    def page(_template: str, code: int = 200, **ctx: Any) -> HTMLResponse:
        return HTMLResponse(env.get_template(_template).render(**ctx), status_code=code)

    def error(request: Request, code: int, message: str) -> Response:
        if _is_api(request):
            return JSONResponse({"error": message, "status": code}, status_code=code)
        title = {404: "Not found", 405: "Method not allowed"}.get(code, "Error")
        return page("error.html", code, status=title, message=message)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        message = exc.detail if isinstance(exc.detail, str) and exc.status_code != 404 else "No such page."
        if exc.status_code == 404 and isinstance(exc.detail, str) and exc.detail.startswith("no such"):
            message = exc.detail
        response = error(request, exc.status_code, message)
        for k, v in (exc.headers or {}).items():
            response.headers[k] = v
        return response

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        parts = []
        for e in exc.errors():
            where = ".".join(str(x) for x in e.get("loc", ()) if x not in ("query", "path", "body"))
            parts.append(f"{where}: {e.get('msg', 'invalid')}" if where else str(e.get("msg", "invalid")))
        return error(request, 422, "; ".join(parts) or "invalid request")

    @app.exception_handler(StoreError)
    async def _store_down(request: Request, exc: StoreError) -> Response:  # database went away while serving
        return error(request, 503, str(exc))

    @app.exception_handler(Exception)
    async def _crash(request: Request, exc: Exception) -> Response:
        log.exception("error serving %s", request.url.path)
        return error(request, 500, "internal error (logged on the server)")

    app.add_middleware(_Headers, cache=cache)
    pages.install(app, store, page, error)
    api.install(app, store, cache, token if token is not None else os.environ.get("NEWSFUSE_TOKEN") or None)
    return app
