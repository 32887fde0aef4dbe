"""Load stage of a PDF: the file into a `SourceDocument` of pages (`extract.stages.load_dump`
is its sibling for text dumps).

PDFs are read with pdfium (`extract.engines.pdfium_reader`): every character with its font,
em size and box, every path, every picture, in user space. Here they become glyphs, rulings and
picture boxes in the page's *display frame* (/Rotate applied, top-left origin, y down).

Pages without text, or with characters whose font maps them to no Unicode, are loaded as they
are (such characters left out and reported); the OCR stage decides what to do with them.

Errors: raises `NoticeError` (codes empty_file, not_a_pdf, truncated_pdf, encrypted_pdf,
unreadable_pdf, unsupported_input) naming the file.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pypdfium2.raw as pdfium_c

from extract.common.digest import sha256_of
from extract.common.geometry import direction_of, display_size, rounded, user_to_display, user_to_display_xy
from extract.common.text import CONTROL_CHARACTERS, strip_controls
from extract.engines.pdfium_reader import PdfChars, PdfiumDocument, PdfPageContent, PdfPath, UserBox
from extract.errors import ErrorCode, NoticeError
from extract.model import Box, ErrorItem, Glyph, Ruling, SourceDocument, SourcePage
from extract.stages.input_file import STAGE, controls_error, read_input

# Printed-twice characters (fake bold) sit within this many points of each other.
DEDUPE_TOLERANCE = 1.0


# ---------------------------------------------------------------- PDF


def load_pdf(path: Path, name: str) -> SourceDocument:
    data = read_input(path, name)
    if not data.lstrip()[:5] == b"%PDF-":
        raise NoticeError(ErrorCode.NOT_A_PDF, "the file does not start with a PDF header (%PDF-)", file=name, stage=STAGE)
    truncated = b"%%EOF" not in data[-2048:]
    loop = reference_loop(data)
    if loop:
        raise NoticeError(ErrorCode.UNREADABLE_PDF, "the PDF's objects refer to each other in a loop "
                          f"({' -> '.join(map(str, loop))}): no value can be read from them", file=name, stage=STAGE)
    errors: list[ErrorItem] = []
    pages: list[SourcePage] = []
    try:
        with PdfiumDocument(data) as document:
            for number in range(1, document.page_count + 1):
                source_page, page_errors = source_page_of(document.read_page(number))
                pages.append(source_page)
                errors.extend(page_errors)
    except (NoticeError, MemoryError):
        raise   # a memory error is the run's limit, whatever parser it stopped
    except Exception as exc:
        _raise_unreadable(exc, truncated, name)
    if not pages:
        code = ErrorCode.TRUNCATED_PDF if truncated else ErrorCode.UNREADABLE_PDF
        raise NoticeError(code, "the PDF has no readable pages", file=name, stage=STAGE)
    return SourceDocument(file=name, content=data, sha256=sha256_of(data), media_type="application/pdf",
                          page_count=len(pages), pages=tuple(pages), errors=tuple(errors))


# An object whose whole body is a reference to another (`6 0 obj 7 0 R endobj`): its body is
# found first (the search can skip to each "obj"; one starting at every digit of the file took a
# tenth of the load stage's time), then its number right before it.
REFERENCE_BODY = re.compile(rb"obj\s*(\d+)\s+\d+\s+R\s*endobj")
OBJECT_NUMBER = re.compile(rb"(?<![0-9])(\d+)\s+\d+\s+$")


def reference_loop(data: bytes) -> list[int]:
    """The object numbers of a loop of objects that are each only a reference to the next
    (`6 0 obj 7 0 R endobj`, `7 0 obj 6 0 R endobj`), or []. No value can be read from such
    objects; pdfium reads them as null, so without this check the page would silently lose
    what they stand for (its MediaBox, a font). Objects inside object streams are not looked
    at: a loop there is read as null too, and is not reported."""
    next_of = {}
    for body in REFERENCE_BODY.finditer(data):
        number = OBJECT_NUMBER.search(data, max(0, body.start() - 64), body.start())
        if number:
            next_of[int(number.group(1))] = int(body.group(1))
    for start in sorted(next_of):
        seen = [start]
        current = next_of[start]
        while current in next_of and current not in seen:
            seen.append(current)
            current = next_of[current]
        if current in seen:
            return seen[seen.index(current):] + [current]
    return []


def source_page_of(content: PdfPageContent) -> tuple[SourcePage, list[ErrorItem]]:
    """One page as the pipeline sees it: glyphs, rulings and pictures in the display frame."""
    rotation = content.rotation if content.rotation in (0, 90, 180, 270) else 0
    mediabox = content.mediabox

    def to_display(point: tuple[float, float]) -> tuple[float, float]:
        return user_to_display(point, rotation, mediabox)

    def display_box(box: UserBox) -> Box:
        (ax, ay), (bx, by) = to_display(box[:2]), to_display(box[2:])
        return Box(x0=round(min(ax, bx), 2), top=round(min(ay, by), 2), x1=round(max(ax, bx), 2),
                   bottom=round(max(ay, by), 2))

    width, height = display_size(rotation, mediabox)
    kept = without_repeats(content.chars, DEDUPE_TOLERANCE)
    chars = content.chars if len(kept) == len(content.chars) else content.chars.take(kept)
    glyphs, errors = _glyphs_of(chars, rotation, mediabox, content.number)
    return SourcePage(number=content.number, width=round(width, 2), height=round(height, 2), rotation=rotation,
                      glyphs=glyphs,
                      rulings=tuple(Ruling(box=display_box(box)) for box in dots_joined(drawn_rulings(content.paths))),
                      images=tuple(display_box(box) for box in content.images),
                      drawings=tuple(display_box(box) for box in drawn_figures(content.paths)),
                      shades=tuple(display_box(box) for box in drawn_shades(content.paths)),
                      undecodable=int(chars.unmapped.sum())), errors


def _glyphs_of(chars: PdfChars, rotation: int, mediabox: UserBox, page: int) -> tuple[tuple[Glyph, ...], list[ErrorItem]]:
    """The characters as glyphs in the display frame, those without Unicode left out and
    control characters taken out of the rest, with the errors that reports. A page holds
    thousands of characters: their boxes are turned and rounded all at once."""
    errors: list[ErrorItem] = []
    undecodable = int(chars.unmapped.sum())
    if undecodable:
        errors.append(ErrorItem(stage=STAGE, code=ErrorCode.UNDECODABLE_TEXT.value, page=page,
                                message=f"{undecodable} characters use a font that maps them to no Unicode; "
                                        f"they are left out"))
    ax, ay = user_to_display_xy(chars.box[:, 0], chars.box[:, 1], rotation, mediabox)
    bx, by = user_to_display_xy(chars.box[:, 2], chars.box[:, 3], rotation, mediabox)
    x0, top = rounded(np.minimum(ax, bx)), rounded(np.minimum(ay, by))
    x1, bottom = rounded(np.maximum(ax, bx)), rounded(np.maximum(ay, by))
    # The baseline vector taken through to the display frame (y down), once per direction.
    origin = user_to_display((0.0, 0.0), rotation, mediabox)
    directions: dict[tuple[float, float], int] = {}
    for vector in set(map(tuple, chars.baseline.tolist())):
        tip = user_to_display(vector, rotation, mediabox)
        directions[vector] = direction_of((tip[0] - origin[0], tip[1] - origin[1]))
    sizes = {size: round(size, 2) for size in set(chars.size.tolist())}
    fonts = {font: _base_font(font) for font in set(chars.font)}
    texts: list[str] = list(chars.text)
    controls = 0
    if CONTROL_CHARACTERS.search("".join(texts)):
        for i, text in enumerate(texts):
            texts[i], removed = strip_controls(text)
            controls += removed
    if controls:
        errors.append(controls_error(controls, page))
    # (positional arguments: a third less per glyph than keywords, over every character of the document)
    glyphs = tuple(Glyph(text, fonts[font], sizes[size], Box(left, upper, right, lower), directions[baseline])  # type: ignore[arg-type]
                   for text, font, size, baseline, unmapped, left, upper, right, lower in zip(
                       texts, chars.font, chars.size.tolist(), map(tuple, chars.baseline.tolist()), chars.unmapped.tolist(),
                       x0, top, x1, bottom)
                   if not unmapped and text.strip())
    return glyphs, errors


def without_repeats(chars: PdfChars, tolerance: float) -> np.ndarray:
    """The indices, in order, of the characters less those printed again over themselves (fake
    bold, a shadow): of the characters with the same text, font, size and direction whose boxes
    start within `tolerance` points of each other (chained, across then along), the first from
    the top-left is kept. The same rule as pdfplumber's `dedupe_chars`.

    The characters are first clustered so without regard to their kind. Clusters of one kind lie
    within those (a chain of one kind's characters is a chain of characters), so a character
    alone in its place is kept without more ado, and kinds are compared only on the rows
    (clusters across) where two characters share a place: most pages have none, and telling
    every character's kind was most of this step's time."""
    every = np.arange(len(chars))
    across, along = -chars.box[:, 3], chars.box[:, 0]
    rows, places = _chained(np.zeros(len(chars), dtype=np.intp), across, along, tolerance)
    shared = np.bincount(places, minlength=1)[places] > 1
    # whole rows: a character between two of one kind may chain them across, whatever its own kind
    compared = np.flatnonzero(np.isin(rows, rows[shared]))
    if not len(compared):
        return every
    directions = {vector: direction_of(vector) for vector in set(map(tuple, chars.baseline[compared].tolist()))}
    kinds: dict[tuple, int] = {}
    kind = np.array([kinds.setdefault((directions[tuple(chars.baseline[i].tolist())], chars.text[i], chars.font[i],
                                       float(chars.size[i])), len(kinds)) for i in compared.tolist()], dtype=np.intp)
    _, cluster = _chained(kind, across[compared], along[compared], tolerance)
    # the first of each cluster from the top-left
    order = np.lexsort((compared, along[compared], across[compared], cluster))
    first = np.concatenate(([True], cluster[order][1:] != cluster[order][:-1]))
    kept = np.ones(len(chars), dtype=bool)
    kept[compared] = False
    kept[compared[order[first]]] = True
    return every[kept]


def _chained(groups: np.ndarray, across: np.ndarray, along: np.ndarray, tolerance: float) -> tuple[np.ndarray, np.ndarray]:
    """Clusters of points within each group: across within `tolerance` of the next (chained),
    then along within each of those. Returns each point's cluster across, and its cluster."""
    order = np.lexsort((across, groups))
    rows = _cluster_ids(groups[order], across[order], tolerance)[np.argsort(order, kind="stable")]
    order = np.lexsort((along, rows))
    return rows, _cluster_ids(rows[order], along[order], tolerance)[np.argsort(order, kind="stable")]


def _cluster_ids(groups: np.ndarray, values: np.ndarray, tolerance: float) -> np.ndarray:
    """For values sorted within each group: a cluster number per value, a new cluster at each
    new group and wherever the gap to the previous value is over `tolerance`."""
    new = np.ones(len(values), dtype=bool)
    new[1:] = (groups[1:] != groups[:-1]) | (values[1:] > values[:-1] + tolerance)
    return np.cumsum(new) - 1


# A filled rectangle at most this thick (points) is drawn as a line; a thicker one is shading.
RULING_MAX_THICKNESS = 3.0
# Dots (marks no larger than a rule is thick) this many or more in a row, each this close
# (points) to the next and within this distance of the row's level, draw a dotted line.
DOTS_MIN = 3
DOT_GAP = 4.0
SAME_LEVEL = 0.5
# A path of this many curved or slanted segments draws a figure (a chart's line, a drawing).
FIGURE_MIN_SEGMENTS = 8
# A colour at least this light (0 black, 1 white) does not show on white paper.
INVISIBLE_LIGHTNESS = 0.95
# Two coordinates this close (points) are the same: a rectangle's sides are straight.
SAME_COORDINATE = 0.01


def drawn_rulings(paths: Sequence[PdfPath]) -> list[UserBox]:
    """Boxes (user space) of the lines a reader sees drawn: stroked lines and rectangle sides,
    thin filled rectangles in a colour that shows on white paper, and the straight sides of
    stroked paths made only of horizontal and vertical segments. Shading (a filled rectangle
    behind cells, white or coloured) and curves (charts, logos, seals) are no rulings.
    A stroke counts whatever its colour: strokes are drawn to be seen."""
    out: list[UserBox] = []
    for path in paths:
        for subpath in path.subpaths:
            points = subpath.points
            if subpath.curved:
                continue   # a Bézier curve: a chart's line, a seal, a letter drawn as outlines
            if len(points) == 2 or (len(points) == 3 and points[2] == points[0]):   # m l, m l h: one line
                if path.stroked:
                    out.append(_segment_box(points[0], points[1]))
            elif len(points) == 5 and _is_rectangle(points):
                xs, ys = [p[0] for p in points], [p[1] for p in points]
                x0, y0, x1, y1 = min(xs), min(ys), max(xs), max(ys)
                if path.filled and path.fill_lightness < INVISIBLE_LIGHTNESS and min(x1 - x0, y1 - y0) <= RULING_MAX_THICKNESS:
                    out.append((x0, y0, x1, y1))
                elif path.stroked:
                    out += [(x0, y0, x1, y0), (x0, y1, x1, y1), (x0, y0, x0, y1), (x1, y0, x1, y1)]
            elif path.stroked:
                segments = list(zip(points, points[1:]))
                if any(abs(a[0] - b[0]) > 0.5 and abs(a[1] - b[1]) > 0.5 for a, b in segments):
                    continue  # a diagonal: a chart's line or a drawing, not a grid
                out += [_segment_box(a, b) for a, b in segments]
    return out


def dots_joined(boxes: list[UserBox]) -> list[UserBox]:
    """Rulings with dotted lines joined: dots (marks no larger than a rule is thick: tiny squares
    or short dashes drawn each on its own) `DOTS_MIN` or more in a row, each within `DOT_GAP` of
    the next, make one line in their stead. A dot in no such row stays as it is (the corner
    piece a spreadsheet draws where rules meet). User space."""
    def is_dot(box: UserBox) -> bool:
        return box[2] - box[0] <= RULING_MAX_THICKNESS and box[3] - box[1] <= RULING_MAX_THICKNESS

    dots = [b for b in boxes if is_dot(b)]
    out = [b for b in boxes if not is_dot(b)]
    in_rows: set[UserBox] = set()
    for level_of, start, end in ((lambda b: (b[1] + b[3]) / 2, 0, 2),    # rows along x
                                 (lambda b: (b[0] + b[2]) / 2, 1, 3)):   # rows along y
        rows: list[list[UserBox]] = []
        for dot in sorted(dots, key=level_of):
            if rows and level_of(dot) - level_of(rows[-1][0]) <= SAME_LEVEL:
                rows[-1].append(dot)
            else:
                rows.append([dot])
        for row in rows:
            run: list[UserBox] = []
            for dot in [*sorted(row, key=lambda b: b[start]), None]:
                if dot is not None and run and dot[start] - run[-1][end] <= DOT_GAP:
                    run.append(dot)
                    continue
                if len(run) >= DOTS_MIN:
                    out.append((min(b[0] for b in run), min(b[1] for b in run), max(b[2] for b in run),
                                max(b[3] for b in run)))
                    in_rows.update(run)
                run = [dot] if dot is not None else []
    return out + [dot for dot in dots if dot not in in_rows]


def drawn_shades(paths: Sequence[PdfPath]) -> list[UserBox]:
    """Boxes (user space) of filled upright rectangles that show on white paper and are thicker
    than a rule: the band behind a heading, a shaded cell or row."""
    out: list[UserBox] = []
    for path in paths:
        if not path.filled or path.fill_lightness >= INVISIBLE_LIGHTNESS:
            continue
        for subpath in path.subpaths:
            if len(subpath.points) == 5 and not subpath.curved and _is_rectangle(subpath.points):
                xs, ys = [p[0] for p in subpath.points], [p[1] for p in subpath.points]
                if min(max(xs) - min(xs), max(ys) - min(ys)) > RULING_MAX_THICKNESS:
                    out.append((min(xs), min(ys), max(xs), max(ys)))
    return out


def drawn_figures(paths: Sequence[PdfPath]) -> list[UserBox]:
    """Boxes (user space) of the paths that draw a figure rather than a line: a chart's data
    line, a plot, a drawing, made of `FIGURE_MIN_SEGMENTS` curved or slanted segments or more in
    open strokes (a filled or closed shape, a background with rounded corners or a round bullet,
    encloses and is no figure). Text around them (axis labels, a legend) is set in columns but
    is no table."""
    out: list[UserBox] = []
    for path in paths:
        if path.filled or not path.stroked:
            continue
        strokes = [subpath for subpath in path.subpaths if not subpath.closed]
        segments = 0
        for subpath in strokes:
            pairs = list(zip(subpath.points, subpath.points[1:]))
            segments += len(pairs) if subpath.curved else \
                sum(1 for a, b in pairs if abs(a[0] - b[0]) > 0.5 and abs(a[1] - b[1]) > 0.5)
        if segments >= FIGURE_MIN_SEGMENTS:
            points = [p for subpath in strokes for p in subpath.points]
            out.append((min(x for x, _ in points), min(y for _, y in points), max(x for x, _ in points),
                        max(y for _, y in points)))
    return out


def _segment_box(a: tuple[float, float], b: tuple[float, float]) -> UserBox:
    return (min(a[0], b[0]), min(a[1], b[1]), max(a[0], b[0]), max(a[1], b[1]))


def _is_rectangle(points: Sequence[tuple[float, float]]) -> bool:
    """Five points, the last the first again, going round an upright rectangle."""
    (x0, y0), (x1, y1), (x2, y2), (x3, y3), (x4, y4) = points

    def same(u: float, v: float) -> bool:
        return abs(u - v) <= SAME_COORDINATE

    closed = same(x4, x0) and same(y4, y0)
    return closed and ((same(x0, x1) and same(y1, y2) and same(x2, x3) and same(y3, y0))
                       or (same(y0, y1) and same(x1, x2) and same(y2, y3) and same(x3, x0)))


# pdfium's reasons for not opening a document (fpdfview.h FPDF_ERR_*).
PDFIUM_PASSWORD_ERRORS = {pdfium_c.FPDF_ERR_PASSWORD, pdfium_c.FPDF_ERR_SECURITY}


def _raise_unreadable(exc: Exception, truncated: bool, name: str) -> None:
    """Every parser failure as a NoticeError naming the file: truncated when the file ends
    before its %%EOF marker, unreadable otherwise."""
    message = str(exc.args[0] if exc.args else exc)
    if getattr(exc, "err_code", None) in PDFIUM_PASSWORD_ERRORS:
        raise NoticeError(ErrorCode.ENCRYPTED_PDF, "the PDF is encrypted with a user password",
                          file=name, stage=STAGE) from None
    if truncated:
        raise NoticeError(ErrorCode.TRUNCATED_PDF, f"the PDF ends before its %%EOF marker ({type(exc).__name__})",
                          file=name, stage=STAGE) from None
    raise NoticeError(ErrorCode.UNREADABLE_PDF, f"the PDF could not be parsed: {type(exc).__name__}: {message}",
                      file=name, stage=STAGE) from None


def _base_font(fontname: str) -> str:
    """Drop the subset prefix (ABCDEF+) so that the same font compares equal across pages."""
    return fontname.split("+", 1)[1] if "+" in fontname[:8] else fontname
