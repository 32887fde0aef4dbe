"""Store stage: deterministic JSON written atomically.

Deterministic: UTF-8, not ASCII-escaped, keys in model order, two-space indent, a final
newline, no timestamps; the same notice always gives the same bytes. Atomic: the bytes go to
a temporary file in the target folder, are flushed to disk and renamed over the target, so
a reader (or a killed run) never sees a half-written file.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from pydantic import BaseModel


def to_json(document: BaseModel | dict) -> str:
    data = document.model_dump(mode="json") if isinstance(document, BaseModel) else document
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def write_atomic(path: Path, text: str) -> bool:
    """Write `text` to `path` atomically; returns False (and writes nothing) when the file
    already holds exactly these bytes."""
    data = text.encode("utf-8")
    if path.is_file() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return True
