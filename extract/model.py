"""The typed models that pass between stages, and the structured notice they produce.

`Notice` is the source of truth for the output: `schemas/notice-<version>.json` is generated
from it (`python -m extract schema`) and a test fails when the checked-in file drifts.

Coordinates: every `Box` is in points with a top-left origin. Which frame it is in is said
where it is used: *display frame* is the page as a viewer shows it (after /Rotate); *reading
frame* is the frame in which the text of that region runs left to right, top to bottom
(the display frame for ordinary text, the turned frame for a table printed sideways).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from extract.errors import ErrorCode

# Semantic versioning: a minor version may add optional fields, never drop, rename or tighten
# one (tests/test_versions.py checks that stored documents of the same major version still
# validate); anything else is a new major version with a migration in extract/migrate.py.
SCHEMA_VERSION = "1.7.0"
SCHEMA_ID = f"urn:policy-notices:schema:notice:{SCHEMA_VERSION}"

Degrees = Literal[0, 90, 180, 270]


class Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# ---------------------------------------------------------------- shared pieces


# Box and Glyph are frozen dataclasses, not pydantic models: a page holds thousands of glyphs,
# each with its box, and pydantic's validation of every one, and freeing its per-object
# dictionaries, cost more than the load stage's reading of the PDF (bench/glyph_model.py).
# Pydantic takes a dataclass as a field's type with the same JSON Schema as a model's (the
# checked-in schema is unchanged) and its instances as they are; their values are floats because
# the stages that make them compute floats, and the JSON serializer writes a float field as one.
@dataclass(frozen=True, slots=True)
class Box:
    """A rectangle in points, top-left origin; the owner says which frame."""

    __pydantic_config__ = ConfigDict(extra="forbid")

    x0: float
    top: float
    x1: float
    bottom: float

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    @property
    def height(self) -> float:
        return self.bottom - self.top

    @property
    def center(self) -> tuple[float, float]:
        return ((self.x0 + self.x1) / 2, (self.top + self.bottom) / 2)

    def contains_point(self, x: float, y: float, tolerance: float = 0.0) -> bool:
        return (self.x0 - tolerance <= x <= self.x1 + tolerance
                and self.top - tolerance <= y <= self.bottom + tolerance)

    def union(self, other: Box) -> Box:
        return Box(x0=min(self.x0, other.x0), top=min(self.top, other.top),
                   x1=max(self.x1, other.x1), bottom=max(self.bottom, other.bottom))

    def rounded(self, digits: int = 2) -> Box:
        return Box(x0=round(self.x0, digits), top=round(self.top, digits),
                   x1=round(self.x1, digits), bottom=round(self.bottom, digits))


class LineRange(Frozen):
    """1-based, inclusive line numbers in a text dump."""

    first: int = Field(ge=1)
    last: int = Field(ge=1)


class Provenance(Frozen):
    """Where an item came from: page and box in a PDF, or line numbers (and the page the dump's
    conventions give) in a text dump. `frame` says which frame `box` is in (since 1.5.0)."""

    page: int | None = Field(default=None, ge=1)
    box: Box | None = None
    lines: LineRange | None = None
    frame: Degrees | None = Field(
        default=None, exclude_if=lambda v: v is None,
        description="the frame of `box`: the page as displayed (`pages[].width` x `height`, after /Rotate), "
                    "turned by this many degrees so that the item's text runs left to right: 0 is the "
                    "displayed page; 90 text that runs down the page (the page turned anticlockwise); "
                    "270 text that runs up it; absent when there is no box (since 1.5.0)")


# ---------------------------------------------------------------- load stage


@dataclass(frozen=True, slots=True)
class Glyph:
    """One character as the PDF draws it. `box` is in the page's display frame;
    `direction` is the way its baseline runs in that frame, clockwise from left-to-right
    (90: top to bottom, i.e. text turned clockwise)."""

    __pydantic_config__ = ConfigDict(extra="forbid")

    text: str
    font: str
    size: float
    box: Box
    direction: Degrees
    confidence: float | None = None   # OCR's confidence in the character's line; None: from the text layer


class Ruling(Frozen):
    """A vector line or rectangle edge, `box` in the page's display frame."""

    box: Box

    @property
    def is_horizontal(self) -> bool:
        return self.box.width >= self.box.height


class DumpLine(Frozen):
    """One line of a text dump, without its line break; `number` is 1-based."""

    number: int
    text: str


TextSource = Literal["pdf", "ocr", "dump"]


class PageText(Frozen):
    """Where a page's text came from: the PDF's text layer, OCR of the rendered page (with
    why the text layer was not used, how the page was turned and straightened, and the OCR's
    lowest line confidence), or a text dump."""

    page: int = Field(ge=1)
    source: TextSource
    width: float | None = Field(default=None, description="the page as displayed (after /Rotate), in points; "
                                                          "null for a text dump (since 1.5.0)")
    height: float | None = Field(default=None, description="(since 1.5.0)")
    rotation: Degrees | None = Field(default=None, description="the page's /Rotate, clockwise (since 1.5.0)")
    reason: str | None = None
    orientation: Degrees | None = Field(default=None, description="how the page's text was printed: degrees clockwise from upright")
    skew_degrees: float | None = None
    confidence: float | None = Field(default=None, ge=0, le=1)


class SourcePage(Frozen):
    """One page. PDF pages carry glyphs and rulings in the display frame (`width` x `height`
    points); text-dump pages carry their lines. `rulings_source` says whether the rulings are
    the PDF's vector lines or lines found on the rendered page."""

    number: int = Field(ge=1)
    width: float = 0.0
    height: float = 0.0
    rotation: Degrees = 0
    glyphs: tuple[Glyph, ...] = ()
    rulings: tuple[Ruling, ...] = ()
    rulings_source: Literal["vector", "raster"] = "vector"
    images: tuple[Box, ...] = ()      # where pictures are drawn, display frame
    drawings: tuple[Box, ...] = ()    # where figures are drawn in vector paths (charts, drawings), display frame
    shades: tuple[Box, ...] = ()      # filled rectangles that show, thicker than a rule (bands, shaded cells), display frame
    undecodable: int = 0              # characters of the text layer that could not be decoded (left out)
    lines: tuple[DumpLine, ...] = ()
    text: PageText | None = None


Stage = Literal["load", "ocr", "tables", "layout", "structure", "records", "validate", "store", "run"]


class ErrorItem(Frozen):
    """A problem met with one notice: the stage that met it, a stable code (the enum of
    `extract.errors.ErrorCode`, since 1.5.0), what happened, and the page when there is one."""

    stage: Stage
    code: ErrorCode
    message: str
    page: int | None = None


class SourceDocument(Frozen):
    """What the load stage read from one input file. `file` is the name to report (relative
    to the repository when inside it); `content` the file's bytes as read once (`sha256` is
    their hash), for stages that render pages: a file replaced during its extraction cannot
    mix into the document."""

    file: str
    content: bytes = Field(default=b"", exclude=True, repr=False)
    sha256: str
    media_type: Literal["application/pdf", "text/plain"]
    page_count: int | None
    pages: tuple[SourcePage, ...]
    errors: tuple[ErrorItem, ...] = ()


class TableRegion(Frozen):
    """Where a table sits, so that layout leaves its text to the tables stage:
    a display-frame box on a PDF page, or a line range of a text dump."""

    page: int
    box: Box | None = None
    lines: LineRange | None = None


# ---------------------------------------------------------------- layout stage


class TextLine(Frozen):
    """One rendered line of body text. `box` is in the reading frame of its page."""

    text: str
    page: int
    box: Box | None = None
    lines: LineRange | None = None
    size: float | None = None
    font: str | None = None
    confidence: float | None = None
    column: tuple[float, float] | None = None   # left and right edge of its column, when the page has columns
    direction: Degrees = 0                      # the way its text runs on the page: its box's frame
    shaded: bool = False                        # set alone on a shaded band no taller than two lines


class Block(Frozen):
    """A paragraph or a heading in reading order. `number` and `level` are set when the block
    opens with section numbering (一、 （一） 1. （1）)."""

    kind: Literal["paragraph", "heading"]
    text: str
    page: int
    level: int | None = None
    number: str | None = None
    size: float | None = None
    font: str | None = None
    starts_page: bool = False
    confidence: float | None = None
    provenance: tuple[Provenance, ...]


class PageFurniture(Frozen):
    """A line that belongs to the page, not to the text: a page number, or a running header or
    footer repeated at one place on many pages. Kept, named, and left out of the body."""

    page: int = Field(ge=1)
    kind: Literal["page_number", "running_header", "running_footer", "repeated_title"]
    text: str
    box: Box | None = Field(default=None, description="the page as displayed (frame 0), points, top-left origin")


class LaidOutDocument(Frozen):
    blocks: tuple[Block, ...]
    furniture: tuple[PageFurniture, ...] = ()
    body_size: float | None = None


# ---------------------------------------------------------------- output document


class Source(Frozen):
    file: str
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    media_type: Literal["application/pdf", "text/plain"]
    pages: int | None = Field(ge=1)


class Imprint(Frozen):
    """版记: who printed the notice and when."""

    issuer: str | None
    date: dt.date | None


class Reference(Frozen):
    doc_number: str
    title: str | None


class DocumentInfo(Frozen):
    title: str
    plan_title: str | None = None
    issuer_mark: str | None = Field(default=None, description="发文机关标志 printed above the doc number (…文件) (since 1.3.0)")
    doc_number: str | None
    issuer: str | None
    signed_date: dt.date | None
    addressees: list[str]
    contact_phone: str | None
    imprint: Imprint | None
    copy_to: list[str] = Field(default=[], description="抄送机关 of the 版记, one entry per body (since 1.3.0)")
    references: list[Reference]


class Paragraph(Frozen):
    text: str
    confidence: float | None = Field(default=None, ge=0, le=1, exclude_if=lambda v: v is None,
                                     description="OCR's lowest line confidence; absent for text from a text layer (since 1.2.0)")
    provenance: list[Provenance]


SectionKind = Literal["part", "chapter", "section", "article", "clause", "numbered", "heading"]


class Section(Frozen):
    """A division of the body. `kind` `numbered` is the 一、 / （一） / 1. / （1） scheme, `level`
    1 to 4; parts (第一部分), chapters (第三章), sections (第二节), articles (第十七条) and a rule
    book's clauses (1.4.1) hold it as printed, `level` 0 (since 1.3.0). `heading` is a heading
    printed without a number, set apart in a larger size (名词解释, 投资要点): `number` is empty,
    `level` 0 (since 1.4.0)."""

    number: str
    kind: SectionKind = "numbered"
    level: int = Field(ge=0, le=4)
    heading: str | None
    provenance: list[Provenance]
    paragraphs: list[Paragraph]
    children: list[Section]


def walk_sections(sections: list[Section]):
    """Every section of a tree, each before its children (reading order)."""
    for section in sections:
        yield section
        yield from walk_sections(section.children)


class ContentsEntry(Frozen):
    """A line of the table of contents (目录): the heading it names, and the page number it
    gives (as printed) when it gives one."""

    text: str
    page_label: str | None = None
    provenance: list[Provenance]


class Attachment(Frozen):
    """An item of the 附件 list; `start_page` is where its own pages begin (the page that opens
    with 附件N), `paragraphs` the text on its pages outside tables."""

    number: int = Field(ge=1)
    title: str
    file: str | None = Field(default=None, description="the file name the list gives, ending included (since 1.3.0)")
    start_page: int | None = Field(default=None, ge=1)
    paragraphs: list[Paragraph] = []


class TableCell(Frozen):
    """One cell of a rebuilt table. `row`/`col` index the grid (header rows first);
    `text` is None when the cell could not be read (reported in `errors`)."""

    row: int = Field(ge=0)
    col: int = Field(ge=0)
    rowspan: int = Field(default=1, ge=1)
    colspan: int = Field(default=1, ge=1)
    text: str | None
    confidence: float | None = Field(default=None, ge=0, le=1, exclude_if=lambda v: v is None,
                                     description="OCR's lowest confidence in the cell's text; absent for a text layer (since 1.2.0)")
    provenance: list[Provenance]


class Table(Frozen):
    """A table rebuilt in its reading frame. In `header` and `body`, None marks a grid slot
    covered by a merged cell that starts above or to the left; "" is an empty cell."""

    id: str
    title: str | None
    unit: str | None = Field(default=None, description="the unit its caption states (单位：万元), as printed (since 1.3.0)")
    preparer: str | None = Field(default=None, description="who its caption says prepared it (编制部门：…) (since 1.3.0)")
    pages: list[int]
    orientation: Degrees = Field(description="how the table was printed: degrees clockwise from upright")
    page_rotation: list[Degrees] = Field(description="the /Rotate of each page in `pages`")
    rulings: Literal["vector", "raster", "text", "alignment", "whitespace"] = Field(
        description="where the grid came from: the PDF's vector lines, lines found on the rendered page, "
                    "the text of a dump, rules across the rows only with the columns read from the "
                    "text's alignment (a three-line table; since 1.7.0), or no rules at all, rows and "
                    "columns read from the text's alignment (since 1.7.0)")
    n_rows: int = Field(ge=0)
    n_cols: int = Field(ge=0)
    header_rows: int = Field(ge=0)
    column_paths: list[str] = Field(description="each column's header path joined with ' / ', for reading")
    column_headers: list[list[str]] = Field(
        default=[], description="each column's header path: the header cells above it, top to bottom, repeats "
                               "dropped (since 1.3.0)")
    header: list[list[str | None]]
    body: list[list[str | None]]
    cells: list[TableCell]


class FoundTables(Frozen):
    """What a tables stage (PDF or dump) found: the tables, the regions they occupy (so that
    layout leaves their text alone, and a table's caption lines), and the errors met."""

    tables: tuple[Table, ...] = ()
    regions: tuple[TableRegion, ...] = ()
    errors: tuple[ErrorItem, ...] = ()


class RecordSource(Frozen):
    """The table row a record was read from: `row` indexes the table's `body`."""

    table: str
    row: int = Field(ge=0)
    provenance: list[Provenance]


class SubsidyStandard(Frozen):
    occupation: str = Field(min_length=1)
    occupation_code: str | None = Field(pattern=r"^\d-\d{2}-\d{2}-\d{2}(-\d{2})?$")
    level: str = Field(min_length=1)
    training_hours: int | None = Field(ge=1, le=10000)
    subsidy_yuan: int | None = Field(ge=0, le=10_000_000)
    valid_until: dt.date | None
    valid_from: dt.date | None = Field(default=None, description="the date the standards take effect (since 1.3.0)")
    source: RecordSource


class TrainingInstitution(Frozen):
    seq: int | None = Field(ge=1)
    name: str = Field(min_length=1)
    field: str = Field(min_length=1)
    batch: str | None
    source: RecordSource


class Records(Frozen):
    """One list per record kind. Each kind is declared by a spec in `extract.record_specs`
    (which columns identify it, how each value is read, its natural key); adding a kind adds a
    model above, a field here and a spec there, and no code elsewhere."""

    subsidy_standards: list[SubsidyStandard] = []
    training_institutions: list[TrainingInstitution] = []


class Notice(Frozen):
    """One notice, rebuilt. The root of `schemas/notice-<version>.json`."""

    model_config = ConfigDict(
        extra="forbid", frozen=True,
        json_schema_extra={"$id": SCHEMA_ID, "$schema": "https://json-schema.org/draft/2020-12/schema"},
    )

    # any 1.x: a document of an earlier minor version is still valid under this schema
    schema_version: str = Field(pattern=r"^1\.\d+\.\d+$")
    id: str = Field(pattern=r"^[^/\\]+$")
    series: str | None = Field(default=None, description="editions of one policy share this key (since 1.1.0)")
    pipeline_version: str | None = Field(default=None, description="version of the pipeline that wrote this (since 1.1.0)")
    settings_sha256: str | None = Field(
        default=None, pattern=r"^[0-9a-f]{64}$",
        description="sha256 of the settings the pipeline ran with (their JSON, every field, as the run report gives "
                    "them); null in a document migrated from before 1.6.0 (since 1.6.0)")
    status: Literal["ok", "partial"]
    errors: list[ErrorItem]
    source: Source
    pages: list[PageText] = Field(default=[], description="per page, where its text came from (since 1.2.0)")
    document: DocumentInfo
    contents: list[ContentsEntry] = Field(default=[], description="the table of contents, when the document has "
                                                                  "one (since 1.3.0)")
    preamble: list[Paragraph] = Field(description="body paragraphs before the first numbered section")
    sections: list[Section]
    closing: list[Paragraph] = Field(description="paragraphs after the attachment list that belong to no attachment")
    attachments: list[Attachment]
    tables: list[Table]
    furniture: list[PageFurniture] = Field(default=[], description="page numbers, running headers and footers, "
                                                                   "left out of the body (since 1.3.0)")
    records: Records


# ---------------------------------------------------------------- the store's catalog

CATALOG_VERSION = "1.0.0"
CATALOG_ID = f"urn:policy-notices:schema:catalog:{CATALOG_VERSION}"


class VersionEntry(Frozen):
    version: int = Field(ge=1)
    file: str = Field(description="path of the document, relative to the store")
    source_file: str
    source_sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    schema_version: str
    pipeline_version: str | None


class CatalogEntry(Frozen):
    id: str
    title: str
    issuer: str | None
    doc_number: str | None
    signed_date: dt.date | None
    imprint_date: dt.date | None
    series: str
    versions: list[VersionEntry]


# The store's `index.json`: the root of `schemas/catalog-<version>.json` (no docstring: it would
# become the released schema's description).
class Catalog(Frozen):
    model_config = ConfigDict(extra="forbid", frozen=True, json_schema_extra={
        "$id": CATALOG_ID, "$schema": "https://json-schema.org/draft/2020-12/schema"})

    catalog_version: Literal["1.0.0"]
    notices: list[CatalogEntry]
