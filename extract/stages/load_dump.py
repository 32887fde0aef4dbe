"""Load stage of a text dump (what a crawler saved), the sibling of `extract.stages.load` for
PDFs: decoded as UTF-8 or GB18030; by the dumps' convention a line starting with a space opens
a new page, and blank lines carry nothing. Control characters are removed and reported.

Errors: raises `NoticeError` (codes empty_file, unknown_text_encoding) naming the file.
"""

from __future__ import annotations

from pathlib import Path

from extract.common.digest import sha256_of
from extract.common.text import strip_controls
from extract.errors import ErrorCode, NoticeError
from extract.model import DumpLine, SourceDocument, SourcePage
from extract.stages.input_file import STAGE, controls_error, read_input


def decode_text_dump(data: bytes, name: str) -> str:
    """UTF-8 (with or without BOM) or GB18030; anything else is an error naming the file."""
    if b"\x00" in data:
        raise NoticeError(ErrorCode.UNKNOWN_TEXT_ENCODING, "the file contains NUL bytes: not a text dump",
                          file=name, stage=STAGE)
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _looks_like_text(text):
            return text
    raise NoticeError(ErrorCode.UNKNOWN_TEXT_ENCODING, "the text is neither UTF-8 nor GB18030",
                      file=name, stage=STAGE)


def _looks_like_text(text: str) -> bool:
    if not text:
        return False
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\r\n\t\f")
    return controls <= len(text) // 100


def load_text_dump(path: Path, name: str) -> SourceDocument:
    data = read_input(path, name)
    text = decode_text_dump(data, name)
    pages: list[list[DumpLine]] = [[]]
    seen_content = False
    controls = 0
    for number, raw in enumerate(text.splitlines(), start=1):
        raw, removed = strip_controls(raw)
        controls += removed
        if not raw.strip():
            continue
        if raw[0].isspace() and seen_content and pages[-1]:
            pages.append([])
        seen_content = True
        pages[-1].append(DumpLine(number=number, text=raw.strip()))
    if not seen_content:
        raise NoticeError(ErrorCode.EMPTY_FILE, "the text dump has no text", file=name, stage=STAGE)
    return SourceDocument(file=name, content=data, sha256=sha256_of(data), media_type="text/plain",
                          page_count=None,
                          pages=tuple(SourcePage(number=i, lines=tuple(lines))
                                      for i, lines in enumerate(pages, start=1)),
                          errors=(controls_error(controls, None),) if controls else ())
