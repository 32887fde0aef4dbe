"""Layout stage of a text dump, the sibling of `extract.stages.layout` for PDFs: a dump has no
geometry, so a line that is as wide as the dump's full lines continues into the next, unless
the next opens a block of its own (numbering, a division, an attachment) or is the signature
above a date. Lines the tables stage took are left to it.

Input: a dump's `SourceDocument` and its `TableRegion`s (line ranges). Output: a new
`LaidOutDocument`.
"""

from __future__ import annotations

import re

from extract.common.blocks import make_block, opens_block, percentile
from extract.common.text import display_width
from extract.model import (
    Block,
    LaidOutDocument,
    LineRange,
    Provenance,
    SourceDocument,
    TableRegion,
    TextLine,
)
from extract.settings import LayoutSettings

SIGNATURE_DATE = re.compile(r"^\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日$")


def layout_dump(source: SourceDocument, regions: tuple[TableRegion, ...] = (),
                settings: LayoutSettings = LayoutSettings()) -> LaidOutDocument:
    return LaidOutDocument(blocks=tuple(dump_lines_to_blocks(dump_lines(source, regions), settings)))


def dump_lines(source: SourceDocument, regions: tuple[TableRegion, ...]) -> list[TextLine]:
    taken = [r.lines for r in regions if r.lines is not None]
    lines = []
    for page in source.pages:
        for line in page.lines:
            if any(r.first <= line.number <= r.last for r in taken):
                continue
            lines.append(TextLine(text=line.text, page=page.number,
                                  lines=LineRange(first=line.number, last=line.number)))
    return lines


def dump_lines_to_blocks(lines: list[TextLine], settings: LayoutSettings) -> list[Block]:
    """A dump has no geometry: a line that is as wide as the dump's full lines continues
    into the next, unless the next opens with numbering or is the signature above a date."""
    if not lines:
        return []
    widths = [display_width(line.text) for line in lines if len(line.text) > 4]
    full = percentile(widths, 0.75) if widths else 0
    groups: list[list[TextLine]] = []
    for k, line in enumerate(lines):
        if groups:
            prev = groups[-1][-1]
            # a paragraph's first line lost its indent; the document's first line (the title) had none
            indented = len(groups[-1]) == 1 and len(groups) > 1
            shortfall = settings.dump_short_cells + (settings.dump_indent_cells if indented else 0)
            # a line ending with a colon (主送机关, 通知如下：) ends its paragraph however wide it is
            prev_full = display_width(prev.text) >= full - shortfall and not prev.text.endswith(("：", ":"))
            opens = opens_block(line.text)
            # the 发文机关署名 stands alone right above the 成文日期 (GB/T 9704-2012 7.3.5)
            signature = k + 1 < len(lines) and SIGNATURE_DATE.match(lines[k + 1].text.strip()) \
                and not re.search(r"[。，,；;：:]", line.text)
            if prev_full and not opens and not signature:
                groups[-1].append(line)
                continue
        groups.append([line])
    blocks = []
    seen_pages: set[int] = set()
    for group in groups:
        starts_page = group[0].page not in seen_pages
        seen_pages.add(group[0].page)
        provenance = [Provenance(page=group[0].page,
                                 lines=LineRange(first=group[0].lines.first, last=group[-1].lines.last))]
        blocks.append(make_block(group, None, None, settings, starts_page, provenance))
    return blocks
