"""Deterministic JSON, the one way the project writes it (documents, the catalog, schemas, run
reports, diffs): UTF-8, not ASCII-escaped, keys in model (or insertion) order, two-space
indent, a final newline, no timestamps; the same data always gives the same bytes."""

from __future__ import annotations

import json

from pydantic import BaseModel


def to_json(data: BaseModel | dict | list) -> str:
    value = data.model_dump(mode="json") if isinstance(data, BaseModel) else data
    return json.dumps(value, ensure_ascii=False, indent=2) + "\n"
