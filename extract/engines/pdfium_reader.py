"""What a PDF page draws, read through pdfium's C API (`pypdfium2.raw`): every character with
its font, em size and box, every path with its segments and paint, every picture's box.

Everything here is in *user space* (the PDF's own coordinates, y up, before /Rotate). Nothing
here decides what a character or a path means: the load stage turns these into glyphs, rulings
and pictures.

Why pdfium and not pdfminer (through pdfplumber): it reads a page's characters and paths about
ten times faster (see `bench/pipeline.py`), and it decodes every CID font pdfminer decodes,
including CID collections without a ToUnicode map (Adobe-GB1 … through its own tables).
pdfium is not thread-safe: one document is read by one thread at a time, which the pipeline's
process-per-notice executors guarantee.
"""

from __future__ import annotations

import ctypes
import math
from dataclasses import dataclass

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

UserBox = tuple[float, float, float, float]   # x0, y0, x1, y1 in user space, y up
Point = tuple[float, float]
Matrix = tuple[float, float, float, float, float, float]
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


@dataclass(frozen=True, slots=True)
class PdfChar:
    """One character of the text layer."""

    text: str           # "" when the font maps the character to no Unicode (`unmapped`)
    font: str           # the font's BaseFont as written (a subset prefix ABCDEF+ included)
    size: float         # the em size in user space (the font size times the text matrix's scale across the baseline)
    box: UserBox        # the font box: the advance along the baseline, one em from the font's descent across it
    baseline: Point     # the direction the baseline runs in, user space
    unmapped: bool      # the font gives no Unicode for the character


@dataclass(frozen=True, slots=True)
class PdfSubpath:
    """One subpath (from a moveto to the next): its points in user space as drawn, a closed
    subpath (`h`, `re`) ending with its first point again; whether any segment is a Bézier
    curve (its control points are among the points)."""

    points: tuple[Point, ...]
    closed: bool
    curved: bool


@dataclass(frozen=True, slots=True)
class PdfPath:
    """One path object with how it is painted. `fill_lightness` is 0 (black) to 1 (white, or
    fully transparent); a fill colour pdfium cannot give (a pattern) counts as black."""

    subpaths: tuple[PdfSubpath, ...]
    stroked: bool
    filled: bool
    fill_lightness: float


@dataclass(frozen=True, slots=True)
class PdfPageContent:
    """What one page draws, in user space; `number` is 1-based, `rotation` the page's /Rotate."""

    number: int
    rotation: int
    mediabox: UserBox
    chars: tuple[PdfChar, ...]
    paths: tuple[PdfPath, ...]
    images: tuple[UserBox, ...]


def compose(inner: Matrix, outer: Matrix) -> Matrix:
    """The matrix that applies `inner`, then `outer` (PDF's row-vector convention)."""
    a, b, c, d, e, f = inner
    A, B, C, D, E, F = outer
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


def _apply(m: Matrix, x: float, y: float) -> Point:
    return (m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5])


class PdfiumDocument:
    """A PDF opened by pdfium from its bytes. Use as a context manager; `read_page(n)` gives
    page n (1-based). Opening raises `pypdfium2.PdfiumError` (its `err_code` says why)."""

    def __init__(self, data: bytes):
        self._document = pdfium.PdfDocument(data)
        self.page_count = len(self._document)

    def __enter__(self) -> PdfiumDocument:
        return self

    def __exit__(self, *exc) -> None:
        self._document.close()

    def read_page(self, number: int) -> PdfPageContent:
        page = self._document[number - 1]
        try:
            mediabox = tuple(float(v) for v in page.get_mediabox())
            ordinal, paths, images = _read_objects(page.raw)
            chars = _read_chars(page, ordinal)
            return PdfPageContent(number=number, rotation=page.get_rotation(), mediabox=mediabox,  # type: ignore[arg-type]
                                  chars=chars, paths=paths, images=images)
        finally:
            page.close()


def _children(page_raw, form=None):
    """The page objects of a page, or of a form XObject, in content order."""
    if form is None:
        return [pdfium_c.FPDFPage_GetObject(page_raw, i) for i in range(pdfium_c.FPDFPage_CountObjects(page_raw))]
    return [pdfium_c.FPDFFormObj_GetObject(form, i) for i in range(pdfium_c.FPDFFormObj_CountObjects(form))]


def _handle(obj) -> int:
    """The address of a pdfium object: equal for the same object whichever call returned it."""
    return ctypes.addressof(obj.contents) if obj else 0


@dataclass(slots=True)
class _CharRead:
    """One character as pdfium's text page gives it, before ligatures are joined."""

    object_key: int
    index: int
    text: str
    unmapped: bool
    origin: Point
    matrix: tuple[float, float, float, float]
    font_size: float
    font: _FontMetrics
    advance: float | None      # text space, from the font's widths; None when pdfium has none


def _read_chars(page, ordinal: dict[int, int]) -> tuple[PdfChar, ...]:
    textpage = page.get_textpage()
    try:
        return _chars_of(textpage.raw, ordinal)
    finally:
        textpage.close()


def _chars_of(raw, ordinal: dict[int, int]) -> tuple[PdfChar, ...]:
    reads = _char_reads(raw)
    keyed: list[tuple[int, int, PdfChar]] = []
    following = {id(read): nxt for read, nxt in zip(reads, reads[1:])}
    for group in _ligatures(reads):
        first = group[0]
        a, b, c, d = first.matrix
        along = math.hypot(a, b)
        across = abs(a * d - b * c) / along if along else 1.0
        advance = _group_advance(group, following.get(id(group[-1])))
        if advance is None:   # no width to be had: pdfium's own box for the character
            rect = pdfium_c.FS_RECTF()
            pdfium_c.FPDFText_GetLooseCharBox(raw, first.index, rect)
            box = (rect.left, min(rect.bottom, rect.top), rect.right, max(rect.bottom, rect.top))
        else:
            box = _font_box(first.origin, first.matrix, first.font_size, advance, first.font.descent)
        keyed.append((ordinal.get(first.object_key, len(ordinal)), first.index, PdfChar(
            text="".join(r.text for r in group), font=first.font.name, size=first.font_size * across, box=box,
            baseline=(a, b) if along else (1.0, 0.0), unmapped=any(r.unmapped for r in group))))
    keyed.sort(key=lambda item: (item[0], item[1]))
    return tuple(char for _, _, char in keyed)


# What pdfium may give for a hyphen that ends a line (0x02: its own mark; a soft hyphen).
HYPHEN_MARKS = {0x02, 0xAD}


def _char_reads(raw) -> list[_CharRead]:
    """Every character pdfium's text page holds that the page draws, with what its box needs.
    The matrix and font size are the text object's, so they are read once per object, and a
    width once per font, character and size: ctypes calls are most of the cost here."""
    matrix = pdfium_c.FS_MATRIX()
    x, y = ctypes.c_double(), ctypes.c_double()
    width = ctypes.c_float()
    fonts: dict[int, _FontMetrics] = {}
    objects: dict[int, tuple[_FontMetrics, tuple[float, float, float, float], float]] = {}
    widths: dict[tuple[int, int, float], float | None] = {}
    reads: list[_CharRead] = []
    for index in range(pdfium_c.FPDFText_CountChars(raw)):
        code = pdfium_c.FPDFText_GetUnicode(raw, index)
        unmapped = bool(pdfium_c.FPDFText_HasUnicodeMapError(raw, index))
        if unmapped:
            if pdfium_c.FPDFText_IsGenerated(raw, index):
                continue
            text = ""
        else:
            # pdfium gives a hyphen that ends a line as 0x02; the page shows a hyphen
            text = "-" if code in HYPHEN_MARKS and pdfium_c.FPDFText_IsHyphen(raw, index) else chr(code)
            if not text.strip():
                continue   # spaces, and the spaces and line breaks pdfium adds between words and lines
        obj = pdfium_c.FPDFText_GetTextObject(raw, index)
        object_key = _handle(obj)
        if object_key not in objects:
            pdfium_c.FPDFText_GetMatrix(raw, index, matrix)
            objects[object_key] = (_font_metrics(obj, fonts), (matrix.a, matrix.b, matrix.c, matrix.d),
                                   pdfium_c.FPDFText_GetFontSize(raw, index))
        font, char_matrix, font_size = objects[object_key]
        pdfium_c.FPDFText_GetCharOrigin(raw, index, x, y)
        advance = None
        if font.handle and not unmapped:
            key = (id(font), code, font_size)
            if key not in widths:
                widths[key] = width.value if pdfium_c.FPDFFont_GetGlyphWidth(font.handle, code, font_size, width) else None
            advance = widths[key]
        reads.append(_CharRead(object_key=object_key, index=index, text=text, unmapped=unmapped,
                               origin=(x.value, y.value), matrix=char_matrix, font_size=font_size, font=font,
                               advance=advance))
    return reads


def _ligatures(reads: list[_CharRead]) -> list[list[_CharRead]]:
    """Characters grouped into the glyphs that drew them: pdfium splits a ligature (ﬁ, or a
    glyph whose ToUnicode gives several letters) into letters at one and the same origin."""
    groups: list[list[_CharRead]] = []
    for read in reads:
        last = groups[-1][-1] if groups else None
        if last is not None and last.object_key == read.object_key and \
                abs(last.origin[0] - read.origin[0]) < 1e-3 and abs(last.origin[1] - read.origin[1]) < 1e-3:
            groups[-1].append(read)
        else:
            groups.append([read])
    return groups


def _group_advance(group: list[_CharRead], following: _CharRead | None) -> float | None:
    """The advance of one glyph in text space: the font's width for its character. A ligature's
    letters each have their own width, none the ligature's, and a character whose Unicode pdfium
    found without the font's map (a bullet) has no width it can look up (0): for these, the
    way to the next glyph of the same text object along the baseline, or at the object's end
    the widest letter's; None if there is neither."""
    if len(group) == 1 and group[0].advance:
        return group[0].advance
    last = group[-1]
    a, b, _, _ = last.matrix
    scale = math.hypot(a, b)
    if following is not None and following.object_key == last.object_key and scale:
        nxt = following.origin
        step = ((nxt[0] - last.origin[0]) * a + (nxt[1] - last.origin[1]) * b) / (scale * scale)
        if step > 0:
            return step
    widths = [r.advance for r in group if r.advance]
    return max(widths) if widths else None


def _font_box(origin: Point, matrix: tuple[float, float, float, float], font_size: float, advance: float,
              descent: float) -> UserBox:
    """The font box of one character in user space, as pdfminer draws it: in text space, the
    advance (the font's /Widths, what the writer positioned the next character by) along the
    baseline, from `descent` (in em) to one em above it across. A vertical-writing font gives a
    negative advance (downwards): its box is one em wide and the advance tall, from the origin
    pdfium gives (its lower left)."""
    a, b, c, d = matrix
    if advance >= 0:
        along, low, high = advance, descent * font_size, (descent + 1.0) * font_size
    else:
        along, low, high = font_size, 0.0, -advance
    ox, oy = origin
    xs, ys = [], []
    for s in (0.0, along):
        for t in (low, high):
            xs.append(ox + s * a + t * c)
            ys.append(oy + s * b + t * d)
    return (min(xs), min(ys), max(xs), max(ys))


@dataclass(frozen=True, slots=True)
class _FontMetrics:
    handle: object        # pdfium's FPDF_FONT, or None
    name: str             # BaseFont as written
    descent: float        # in em, between -0.5 and 0


def _font_metrics(text_object, cache: dict[int, _FontMetrics]) -> _FontMetrics:
    font = pdfium_c.FPDFTextObj_GetFont(text_object) if text_object else None
    key = _handle(font) if font else 0
    if key not in cache:
        name, descent = "", 0.0
        if font:
            size = pdfium_c.FPDFFont_GetBaseFontName(font, None, 0)
            buffer = ctypes.create_string_buffer(size)
            if size and pdfium_c.FPDFFont_GetBaseFontName(font, buffer, size):
                name = buffer.value.decode("utf-8", "replace")
            value = ctypes.c_float()
            if pdfium_c.FPDFFont_GetDescent(font, 1.0, value) and math.isfinite(value.value):
                # below the baseline whichever sign the font wrote; a descent over half an em is a broken metric
                descent = -min(abs(value.value), 0.5)
        cache[key] = _FontMetrics(handle=font or None, name=name, descent=descent)
    return cache[key]


def _object_matrix(obj) -> Matrix:
    m = pdfium_c.FS_MATRIX()
    if not pdfium_c.FPDFPageObj_GetMatrix(obj, m):
        return IDENTITY
    return (m.a, m.b, m.c, m.d, m.e, m.f)


def _read_objects(page_raw) -> tuple[dict[int, int], tuple[PdfPath, ...], tuple[UserBox, ...]]:
    """One walk over the page's objects, forms entered where they are drawn, with their
    matrices: each text object's place in that order, every path, every picture. pdfium's text
    page may reorder characters; sorting them by their object's place gives the objects in the
    order they are drawn, as pdfminer gave them (within one object, pdfium's order stays)."""
    order: dict[int, int] = {}
    paths: list[PdfPath] = []
    images: list[UserBox] = []

    def walk(objects, outer: Matrix) -> None:
        for obj in objects:
            kind = pdfium_c.FPDFPageObj_GetType(obj)
            if kind == pdfium_c.FPDF_PAGEOBJ_TEXT:
                order[_handle(obj)] = len(order)
            elif kind == pdfium_c.FPDF_PAGEOBJ_FORM:
                walk(_children(page_raw, obj), compose(_object_matrix(obj), outer))
            elif kind == pdfium_c.FPDF_PAGEOBJ_PATH:
                path = _read_path(obj, compose(_object_matrix(obj), outer))
                if path.subpaths:
                    paths.append(path)
            elif kind == pdfium_c.FPDF_PAGEOBJ_IMAGE:
                # an image is drawn into the unit square its matrix maps
                m = compose(_object_matrix(obj), outer)
                corners = [_apply(m, x, y) for x, y in ((0, 0), (1, 0), (0, 1), (1, 1))]
                xs, ys = [p[0] for p in corners], [p[1] for p in corners]
                images.append((min(xs), min(ys), max(xs), max(ys)))

    walk(_children(page_raw), IDENTITY)
    return order, tuple(paths), tuple(images)


def _read_path(obj, matrix: Matrix) -> PdfPath:
    fill_mode = ctypes.c_int()
    stroke = ctypes.c_int()
    pdfium_c.FPDFPath_GetDrawMode(obj, fill_mode, stroke)
    subpaths: list[PdfSubpath] = []
    points: list[Point] = []
    closed = curved = False
    x, y = ctypes.c_float(), ctypes.c_float()

    def finish() -> None:
        if points:
            if closed and points[-1] != points[0]:
                points.append(points[0])
            subpaths.append(PdfSubpath(points=tuple(points), closed=closed, curved=curved))

    for index in range(pdfium_c.FPDFPath_CountSegments(obj)):
        segment = pdfium_c.FPDFPath_GetPathSegment(obj, index)
        kind = pdfium_c.FPDFPathSegment_GetType(segment)
        pdfium_c.FPDFPathSegment_GetPoint(segment, x, y)
        point = _apply(matrix, x.value, y.value)
        if kind == pdfium_c.FPDF_SEGMENT_MOVETO:
            finish()
            points, closed, curved = [point], False, False
        else:
            curved = curved or kind == pdfium_c.FPDF_SEGMENT_BEZIERTO
            points.append(point)
        closed = closed or bool(pdfium_c.FPDFPathSegment_GetClose(segment))
    finish()
    return PdfPath(subpaths=tuple(subpaths), stroked=bool(stroke.value), filled=fill_mode.value != 0,
                   fill_lightness=_fill_lightness(obj))


def _fill_lightness(obj) -> float:
    r, g, b, a = (ctypes.c_uint() for _ in range(4))
    if not pdfium_c.FPDFPageObj_GetFillColor(obj, r, g, b, a):
        return 0.0
    if a.value == 0:
        return 1.0   # a fully transparent fill does not show
    return (0.299 * r.value + 0.587 * g.value + 0.114 * b.value) / 255.0
