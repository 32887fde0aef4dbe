"""What both layouts (PDF and text dump) decide alike about a block of lines: whether a line
opens a block of its own (a section number, a division, an attachment's marker or list), and
a block's kind, level and number (`make_block`)."""

from __future__ import annotations

import re

from extract.common.text import (
    CONTENTS_HEADING,
    division_of,
    join_lines,
    normalize_spaces,
    opens_attachment,
    section_number,
)
from extract.model import Block, Provenance, TextLine
from extract.settings import LayoutSettings


def opens_block(text: str) -> bool:
    """A line that never continues the paragraph before it: it opens a numbered section, a
    division, or an attachment (its marker, or the attachment list)."""
    return bool(section_number(normalize_spaces(text)) or opens_division(text) or opens_attachment(text.strip()))


def opens_division(text: str) -> bool:
    """A line opening a part, chapter, section or article never continues a paragraph; a clause
    number (1.4.1) at the head of a wrapped line may be a reference, so it does not decide."""
    division = division_of(normalize_spaces(text))
    return (division is not None and division[0] != "clause") or bool(CONTENTS_HEADING.match(text.strip()))


def make_block(texts: list[TextLine], body_size: float | None, body_font: str | None, settings: LayoutSettings,
                starts_page: bool, provenance: list[Provenance]) -> Block:
    text = join_lines([t.text for t in texts])
    first = texts[0]
    numbered = section_number(text)
    kind = "paragraph"
    level = number = None
    if numbered:
        level, number, rest = numbered
        # a numbered line set in another font than the body's (黑体 headings over 仿宋 text)
        other_font = (body_font is not None and first.font is not None and first.size == body_size
                      and first.font != body_font)
        if level == 1 and (("。" not in rest and len(text) <= settings.heading_max_chars) or other_font):
            kind = "heading"
    elif set_apart(texts, body_size, settings):
        kind = "heading"  # a heading printed without a number (名词解释, 投资要点)
    confidence = min((t.confidence for t in texts if t.confidence is not None), default=None)
    return Block(kind=kind, text=text, page=first.page, level=level, number=number, size=first.size,
                 font=first.font, starts_page=starts_page, confidence=confidence, provenance=tuple(provenance))


def set_apart(texts: list[TextLine], body_size: float | None, settings: LayoutSettings) -> bool:
    """An unnumbered heading: one short line set larger than the body text or alone on a shaded
    band, no sentence in it (no 。，；： — a line that runs into text or leads into a list is body
    text)."""
    text = texts[0].text.strip()
    larger = body_size is not None and texts[0].size is not None and texts[0].size >= body_size * settings.heading_size_ratio
    return (len(texts) == 1 and (larger or texts[0].shaded)
            and 2 <= len(text) <= settings.heading_max_chars and not re.search(r"[。，,；;：:]", text)
            and division_of(text) is None and not CONTENTS_HEADING.match(text))


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0
