"""Shared fixtures: paths to the example corpus and to ../shared (skipped with a reason when absent)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples" / "corpus"
SHARED = Path(os.environ.get("NEWSFUSE_SHARED", ROOT.parent / "shared"))
SEEDS = SHARED / "seeds"


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    if not SEEDS.is_dir() or not any(SEEDS.iterdir()):
        pytest.skip(f"seed articles not available at {SEEDS} (they live in ../shared, outside the repo)")
    return SEEDS


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.skip(f"../shared not available at {SHARED}")
    return SHARED


@pytest.fixture(scope="session")
def examples_dir() -> Path:
    return EXAMPLES


def _apply_rows(db: dict[str, dict[str, str]], rows) -> None:
    """What a store does with a streaming stage's `changed_rows` output (see `store.stages`)."""
    if rows.replace:
        db.clear()
    for kind in rows.clear:
        db.pop(kind, None)
    for kind, key in rows.delete:
        db.get(kind, {}).pop(key, None)
    for kind, key, value in rows.put:
        db.setdefault(kind, {})[key] = value


@pytest.fixture
def apply_rows():
    """`apply_rows(db, rows)`: a dict standing in for the `state_rows` table."""
    return _apply_rows
