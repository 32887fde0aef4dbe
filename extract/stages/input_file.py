"""An input file's bytes, read once, for both loaders: every stage works from these bytes,
and the document's sha256 is theirs. Errors of reading are the load stage's."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from extract.errors import ErrorCode, NoticeError
from extract.model import ErrorItem

STAGE = "load"


def controls_error(count: int, page: int | None) -> ErrorItem:
    return ErrorItem(stage=STAGE, code=ErrorCode.CONTROL_CHARACTERS.value, page=page,
                     message=f"{count} control characters (terminal or text-direction controls) removed from the text")


def read_input(path: Path, name: str) -> bytes:
    """The file's bytes, read once from one open handle: every stage works from these, and the
    document's sha256 is theirs. Only a regular file is read (a FIFO would block the run)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        with os.fdopen(fd, "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                raise NoticeError(ErrorCode.NOT_A_REGULAR_FILE, "not a regular file", file=name, stage=STAGE)
            data = handle.read()
    except OSError as exc:
        raise NoticeError(ErrorCode.UNSUPPORTED_INPUT, f"cannot read the file: {exc.strerror}", file=name, stage=STAGE) from None
    if not data:
        raise NoticeError(ErrorCode.EMPTY_FILE, "the file is empty (0 bytes)", file=name, stage=STAGE)
    return data
