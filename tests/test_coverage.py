"""Nothing is lost silently: every letter, digit and CJK character of a PDF's text layer ends up
in the output (a paragraph, a heading, a table cell, a title, a document field, page furniture),
measured per page on the corpus, the external PDFs and generated notices.

A page's characters are matched first with the output items that name that page (paragraphs,
headings, cells, furniture, table captions); what is left over anywhere (a paragraph that runs
onto the next page, the document's fields, which name no page) makes a pool the pages draw on.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from pathlib import Path

import pdfplumber
import pytest
from conftest import RAW
from notice_gen import PlacedTable, write_notice_pdf
from record_notices import LONG_ROWS, notice_a, notice_b, wide_table
from table_gen import long_subsidy_spec

from extract.model import Notice
from extract.pipeline import extract_notice

EXTERNAL = Path(__file__).parent / "external"
MIN_COVERAGE = 0.99


def chars(text: str | None) -> Counter:
    return Counter(c for c in unicodedata.normalize("NFKC", text or "") if c.isalnum())


def text_layer(path: Path) -> dict[int, Counter]:
    with pdfplumber.open(path) as pdf:
        # a character printed twice at one place (fake bold) is one character
        return {page.page_number: chars("".join(c["text"] for c in page.dedupe_chars(tolerance=1).chars))
                for page in pdf.pages}


def output_by_page(notice: Notice) -> tuple[dict[int, Counter], Counter]:
    """The output's characters by the page each item names, and those of items naming none."""
    pages: dict[int, Counter] = {}
    pool = Counter()

    def add(text: str | None, page: int | None) -> None:
        if page is None:
            pool.update(chars(text))
        else:
            pages.setdefault(page, Counter()).update(chars(text))

    def paragraphs(items) -> None:
        for p in items:
            add(p.text, p.provenance[0].page if p.provenance else None)

    def sections(items) -> None:
        for s in items:
            add(f"{s.number}{s.heading or ''}", s.provenance[0].page if s.provenance else None)
            paragraphs(s.paragraphs)
            sections(s.children)

    # what the structured fields stand for: a date's 年月日, the 版记's 印发 and 抄送, the 附件 label
    # of the list and the 附件N marker that opens an attachment's pages, the 目录 heading
    document = notice.document
    for date in (document.signed_date, document.imprint.date if document.imprint else None):
        add("年月日" if date else "", None)
    add("印发" if document.imprint else "", None)
    add("抄送" if document.copy_to else "", None)
    add("附件" * (len(notice.attachments) + 1) if notice.attachments else "", None)
    add("目录" if notice.contents else "", None)
    for attachment in notice.attachments:
        add(f"附件{attachment.number}", attachment.start_page)
    for entry in notice.contents:
        add(f"{entry.text}{entry.page_label or ''}", entry.provenance[0].page if entry.provenance else None)
    paragraphs(notice.preamble)
    sections(notice.sections)
    paragraphs(notice.closing)
    for attachment in notice.attachments:
        add(f"{attachment.number}{attachment.file or attachment.title}", None)
        paragraphs(attachment.paragraphs)
    for table in notice.tables:
        add(f"{table.title or ''}{table.unit or ''}{table.preparer or ''}", table.pages[0])
        for cell in table.cells:
            add(cell.text, cell.provenance[0].page if cell.provenance else None)
        # the header stands for the header repeated on each later page of the table
        for page in table.pages[1:]:
            for cell in table.cells:
                if cell.row < table.header_rows:
                    add(cell.text, page)
    for item in notice.furniture:
        add(item.text, item.page)
    add(" ".join(str(v) for v in _strings(document.model_dump(mode="json"))), None)
    return pages, pool


def _strings(value):
    if isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)
    elif isinstance(value, str):
        yield value
    elif value is not None:
        yield str(value)


def coverage(path: Path) -> dict[int, float]:
    """Per page, the share of its text layer's characters found in the output."""
    notice = extract_notice(path)
    want = text_layer(path)
    have, pool = output_by_page(notice)
    # what a page has beyond its own text (a paragraph that began on the page before) joins the pool
    for number, counter in have.items():
        pool.update(counter - want.get(number, Counter()))
    shares = {}
    for number, needed in sorted(want.items()):
        missing = needed - have.get(number, Counter())
        covered_by_pool = missing & pool
        pool -= covered_by_pool
        total = sum(needed.values())
        shares[number] = 1.0 if not total else 1 - (sum(missing.values()) - sum(covered_by_pool.values())) / total
    return shares


def generated_notices(folder: Path) -> list[Path]:
    paths = []
    for name, spec, tables in (("long", notice_a(), [PlacedTable(long_subsidy_spec(LONG_ROWS), "附件1", rows_per_page=4)]),
                               ("wide", notice_b(), [PlacedTable(wide_table(), "附件", orientation=90)])):
        path = folder / f"{name}.pdf"
        write_notice_pdf(path, spec, tables=tables)
        paths.append(path)
    return paths


PDFS = sorted(RAW.glob("*.pdf")) + sorted(EXTERNAL.rglob("*.pdf"))


@pytest.mark.parametrize("path", PDFS, ids=lambda p: p.stem)
def test_every_character_of_the_text_layer_reaches_the_output(path):
    shares = coverage(path)
    low = {page: round(share, 3) for page, share in shares.items() if share < MIN_COVERAGE}
    assert not low, f"pages whose text is not all in the output: {low}"


def test_generated_notices_lose_no_text(tmp_path):
    from test_layout import two_column_page
    from test_structure import BUDGET, RULES

    paths = generated_notices(tmp_path)
    for name, spec in (("rules", RULES), ("budget", BUDGET)):
        paths.append(tmp_path / f"{name}.pdf")
        write_notice_pdf(paths[-1], spec)
    paths.append(tmp_path / "two-columns.pdf")
    two_column_page(paths[-1], ["左栏第一段文字，说明项目背景和主要内容，共计若干字。"] * 3,
                    ["右栏第一段文字，说明风险提示和投资建议，共计若干字。"] * 3, "两栏排版的研究报告")
    for path in paths:
        shares = coverage(path)
        assert min(shares.values()) >= MIN_COVERAGE, (path.name, shares)


def test_the_measure_sees_a_loss(tmp_path, monkeypatch):
    """The measure itself: a pipeline that drops a paragraph is caught on that page."""
    from extract import pipeline

    original = pipeline.blocks_to_structure

    def dropping(laid, file=""):
        structure = original(laid, file=file)
        sections = [s.model_copy(update={"paragraphs": []}) if k == 0 else s for k, s in enumerate(structure.sections)]
        return type(structure)(**{**structure.__dict__, "sections": sections})

    monkeypatch.setattr(pipeline, "blocks_to_structure", dropping)
    shares = coverage(RAW / "henan-2025-digital-talent.pdf")
    assert min(shares.values()) < MIN_COVERAGE
