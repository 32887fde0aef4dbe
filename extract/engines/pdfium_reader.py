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
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

UserBox = tuple[float, float, float, float]   # x0, y0, x1, y1 in user space, y up
Point = tuple[float, float]
Matrix = tuple[float, float, float, float, float, float]
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


@dataclass(frozen=True, slots=True)
class PdfChars:
    """The characters of a page's text layer, in the order the page draws them: one entry per
    character in each column (columns, not one object per character, as a page holds thousands
    of them and every later step works on them all at once)."""

    text: tuple[str, ...]   # "" when the font maps the character to no Unicode (`unmapped`)
    font: tuple[str, ...]   # the font's BaseFont as written (a subset prefix ABCDEF+ included)
    size: np.ndarray        # (n,) the em size in user space (the font size times the text matrix's scale across the baseline)
    box: np.ndarray         # (n, 4) x0, y0, x1, y1: the font box, the advance along the baseline, one em from the font's descent across it
    baseline: np.ndarray    # (n, 2) the direction the baseline runs in, user space
    unmapped: np.ndarray    # (n,) bool: the font gives no Unicode for the character

    def __len__(self) -> int:
        return len(self.text)

    @staticmethod
    def empty() -> PdfChars:
        return PdfChars(text=(), font=(), size=np.zeros(0), box=np.zeros((0, 4)), baseline=np.zeros((0, 2)),
                        unmapped=np.zeros(0, dtype=bool))

    def take(self, order: Sequence[int] | np.ndarray) -> PdfChars:
        """The characters at `order`, in that order."""
        order = np.asarray(order, dtype=np.intp)
        at = order.tolist()   # (Python ints index a tuple faster than numpy's do)
        return PdfChars(text=tuple([self.text[i] for i in at]), font=tuple([self.font[i] for i in at]),
                        size=self.size[order], box=self.box[order].reshape(-1, 4),
                        baseline=self.baseline[order].reshape(-1, 2), unmapped=self.unmapped[order])


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
    chars: PdfChars
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


@dataclass(frozen=True, slots=True)
class _TextObject:
    """What the characters of one text object share."""

    key: int                                      # the object's address (`_handle`)
    font: _FontMetrics
    matrix: tuple[float, float, float, float]     # the text matrix's a b c d
    font_size: float


@dataclass(frozen=True, slots=True)
class _CharReads:
    """The characters pdfium's text page holds that the page draws, before ligatures are
    joined, in its order: one entry per character in each column."""

    index: np.ndarray        # pdfium's index of the character
    text: list[str]
    unmapped: np.ndarray     # bool
    object_of: np.ndarray    # the character's text object, an index into `objects`
    origin: np.ndarray       # (n, 2) user space
    advance: np.ndarray      # text space, from the font's widths; nan when pdfium has none
    objects: list[_TextObject]


def _read_chars(page, ordinal: dict[int, int]) -> PdfChars:
    textpage = page.get_textpage()
    try:
        return _chars_of(textpage.raw, ordinal)
    finally:
        textpage.close()


def _by_address(function, restype, *argtypes):
    """A pdfium function called with addresses as ints (the text page's, a double's), not
    pointer objects: it is called for every character or path segment, and an int costs less
    to pass, hash and compare than a pointer object costs to make (a third less per call)."""
    return ctypes.CFUNCTYPE(restype, *argtypes)(ctypes.cast(function, ctypes.c_void_p).value)


_unicode_of = _by_address(pdfium_c.FPDFText_GetUnicode, ctypes.c_uint, ctypes.c_void_p, ctypes.c_int)
_has_map_error = _by_address(pdfium_c.FPDFText_HasUnicodeMapError, ctypes.c_int, ctypes.c_void_p, ctypes.c_int)
_origin_into = _by_address(pdfium_c.FPDFText_GetCharOrigin, ctypes.c_int, ctypes.c_void_p, ctypes.c_int,
                           ctypes.c_void_p, ctypes.c_void_p)
_text_object_address = _by_address(pdfium_c.FPDFText_GetTextObject, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int)  # None for none

_path_segment = _by_address(pdfium_c.FPDFPath_GetPathSegment, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int)
_segment_type = _by_address(pdfium_c.FPDFPathSegment_GetType, ctypes.c_int, ctypes.c_void_p)
_segment_point = _by_address(pdfium_c.FPDFPathSegment_GetPoint, ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p)
_segment_closes = _by_address(pdfium_c.FPDFPathSegment_GetClose, ctypes.c_int, ctypes.c_void_p)

# What pdfium may give for a hyphen that ends a line (0x02: its own mark; a soft hyphen).
HYPHEN_MARKS = {0x02, 0xAD}


def _char_reads(raw) -> _CharReads:
    """Every character pdfium's text page holds that the page draws, with what its box needs.
    The matrix and font size are the text object's, so they are read once per object, and a
    width once per font, character and size, after the loop: ctypes calls are most of the cost
    here, and the loop does little else (each origin is written straight into one array)."""
    address = ctypes.cast(raw, ctypes.c_void_p).value
    count = pdfium_c.FPDFText_CountChars(raw)
    origins = (ctypes.c_double * (2 * max(count, 1)))()
    origin_at = ctypes.addressof(origins)
    double = ctypes.sizeof(ctypes.c_double)
    matrix = pdfium_c.FS_MATRIX()
    fonts: dict[int, _FontMetrics] = {}
    object_number: dict[int, int] = {}
    objects: list[_TextObject] = []
    indices: list[int] = []
    codes: list[int] = []
    texts: list[str] = []
    unmapped_flags: list[bool] = []
    object_of: list[int] = []
    page_text = _page_text(raw, count)
    for index in range(count):
        code = ord(page_text[index]) if page_text is not None else 0xFFFE
        if code == 0xFFFE:   # (pdfium's text gives this for the marks it makes, the hyphen's among them)
            code = _unicode_of(address, index)
        unmapped = bool(_has_map_error(address, index))
        if unmapped:
            if pdfium_c.FPDFText_IsGenerated(raw, index):
                continue
            text = ""
        else:
            # pdfium gives a hyphen that ends a line as 0x02; the page shows a hyphen
            text = "-" if code in HYPHEN_MARKS and pdfium_c.FPDFText_IsHyphen(raw, index) else chr(code)
            if not text.strip():
                continue   # spaces, and the spaces and line breaks pdfium adds between words and lines
        key = _text_object_address(address, index) or 0
        number = object_number.get(key)
        if number is None:
            obj = pdfium_c.FPDFText_GetTextObject(raw, index)
            pdfium_c.FPDFText_GetMatrix(raw, index, matrix)
            number = object_number[key] = len(objects)
            objects.append(_TextObject(key=key, font=_font_metrics(obj, fonts), matrix=(matrix.a, matrix.b, matrix.c, matrix.d),
                                       font_size=pdfium_c.FPDFText_GetFontSize(raw, index)))
        at = origin_at + 2 * double * len(indices)
        _origin_into(address, index, at, at + double)
        indices.append(index)
        codes.append(code)
        texts.append(text)
        unmapped_flags.append(unmapped)
        object_of.append(number)
    unmapped_array, object_array = np.array(unmapped_flags, dtype=bool), np.array(object_of, dtype=np.intp)
    return _CharReads(index=np.array(indices, dtype=np.intp), text=texts, unmapped=unmapped_array,
                      object_of=object_array, origin=np.frombuffer(origins, dtype=float, count=2 * len(indices)).reshape(-1, 2).copy(),
                      advance=_font_advances(np.array(codes, dtype=np.int64), object_array, unmapped_array, objects),
                      objects=objects)


def _page_text(raw, count: int) -> str | None:
    """The text page's characters as one string, a character per index: one call, where asking
    for each character's code is one call per character. None when the string does not hold
    one character per index (pdfium leaves some out), for the caller to ask each."""
    buffer = (ctypes.c_ushort * (2 * count + 1))()
    written = pdfium_c.FPDFText_GetText(raw, 0, count, buffer)
    text = bytes(buffer)[:2 * max(written - 1, 0)].decode("utf-16-le", errors="surrogatepass")
    return text if len(text) == count else None


def _font_advances(codes: np.ndarray, object_of: np.ndarray, unmapped: np.ndarray, objects: list[_TextObject]) -> np.ndarray:
    """Each character's width from its font, in text space (nan without a font, or for a
    character whose Unicode the font does not map), asked of pdfium once per font, character and size."""
    advance = np.full(len(codes), math.nan)
    has_font = np.array([o.font.handle is not None for o in objects], dtype=bool)
    wanted = ~unmapped & has_font[object_of]
    if not wanted.any():
        return advance
    # one number per (object, character): a character code is below 2**21
    pairs, inverse = np.unique((object_of[wanted] << 21) | codes[wanted], return_inverse=True)
    width = ctypes.c_float()
    widths: dict[tuple[int, int, float], float] = {}
    values = []
    for number, code in zip((pairs >> 21).tolist(), (pairs & ((1 << 21) - 1)).tolist()):
        text_object = objects[number]
        key = (id(text_object.font), code, text_object.font_size)
        if key not in widths:
            widths[key] = width.value if pdfium_c.FPDFFont_GetGlyphWidth(
                text_object.font.handle, code, text_object.font_size, width) else math.nan
        values.append(widths[key])
    advance[wanted] = np.array(values, dtype=float)[inverse.reshape(-1)]
    return advance


def _chars_of(raw, ordinal: dict[int, int]) -> PdfChars:
    """The page's characters, ligatures joined, with their font boxes, in the order their
    objects are drawn (`ordinal`: object address -> place)."""
    reads = _char_reads(raw)
    if not reads.text:
        return PdfChars.empty()
    starts, ends = _ligatures(reads)
    advance = _glyph_advances(reads, starts, ends)
    objects = reads.objects
    of = reads.object_of[starts]    # each glyph's text object
    matrix = np.array([o.matrix for o in objects], dtype=float).reshape(-1, 4)[of]
    font_size = np.array([o.font_size for o in objects], dtype=float)[of]
    descent = np.array([o.font.descent for o in objects], dtype=float)[of]
    box = _font_boxes(reads.origin[starts], matrix, font_size, advance, descent)
    for glyph in np.flatnonzero(np.isnan(advance)):   # no width to be had: pdfium's own box for the character
        rect = pdfium_c.FS_RECTF()
        pdfium_c.FPDFText_GetLooseCharBox(raw, int(reads.index[starts[glyph]]), rect)
        box[glyph] = (rect.left, min(rect.bottom, rect.top), rect.right, max(rect.bottom, rect.top))
    sizes, baselines = [], []
    for o in objects:   # what follows from the text matrix, once per object
        a, b, c, d = o.matrix
        along = math.hypot(a, b)
        across = abs(a * d - b * c) / along if along else 1.0
        sizes.append(o.font_size * across)
        baselines.append((a, b) if along else (1.0, 0.0))
    texts = [reads.text[s] if e - s == 1 else "".join(reads.text[s:e]) for s, e in zip(starts.tolist(), ends.tolist())]
    fonts = [o.font.name for o in objects]
    place = np.array([ordinal.get(o.key, len(ordinal)) for o in objects], dtype=np.intp)[of]
    order = np.lexsort((reads.index[starts], place))
    return PdfChars(text=tuple([texts[i] for i in order.tolist()]), font=tuple([fonts[i] for i in of[order].tolist()]),
                    size=np.array(sizes, dtype=float)[of[order]], box=box[order],
                    baseline=np.array(baselines, dtype=float).reshape(-1, 2)[of[order]],
                    unmapped=np.logical_or.reduceat(reads.unmapped, starts)[order])


def _ligatures(reads: _CharReads) -> tuple[np.ndarray, np.ndarray]:
    """Characters grouped into the glyphs that drew them, as (start, end) index arrays into the
    reads (end exclusive): pdfium splits a ligature (ﬁ, or a glyph whose ToUnicode gives several
    letters) into letters at one and the same origin of the same text object."""
    x, y = reads.origin[:, 0], reads.origin[:, 1]
    joined = (reads.object_of[1:] == reads.object_of[:-1]) & (np.abs(x[:-1] - x[1:]) < 1e-3) & (np.abs(y[:-1] - y[1:]) < 1e-3)
    starts = np.flatnonzero(np.concatenate(([True], ~joined)))
    return starts, np.append(starts[1:], len(reads.text))


def _glyph_advances(reads: _CharReads, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Each glyph's advance in text space: the font's width for its character. A ligature's
    letters each have their own width, none the ligature's, and a character whose Unicode pdfium
    found without the font's map (a bullet) has no width it can look up (0): for these, the
    way to the next glyph of the same text object along the baseline, or at the object's end
    the widest letter's; nan if there is neither."""
    advance = reads.advance[starts].copy()
    plain = (ends - starts == 1) & ~np.isnan(advance) & (advance != 0)
    for glyph in np.flatnonzero(~plain):
        start, last = int(starts[glyph]), int(ends[glyph]) - 1
        a, b, _, _ = reads.objects[reads.object_of[last]].matrix
        scale = math.hypot(a, b)
        following = last + 1
        step = 0.0
        if following < len(reads.text) and reads.object_of[following] == reads.object_of[last] and scale:
            (nx, ny), (lx, ly) = reads.origin[following].tolist(), reads.origin[last].tolist()
            step = ((nx - lx) * a + (ny - ly) * b) / (scale * scale)
        if step > 0:
            advance[glyph] = step
            continue
        widths = [w for w in reads.advance[start:last + 1].tolist() if w and not math.isnan(w)]
        advance[glyph] = max(widths) if widths else math.nan
    return advance


def _font_boxes(origin: np.ndarray, matrix: np.ndarray, font_size: np.ndarray, advance: np.ndarray,
                descent: np.ndarray) -> np.ndarray:
    """The font box (n, 4) of each glyph in user space, as pdfminer draws it: in text space, the
    advance (the font's /Widths, what the writer positioned the next character by) along the
    baseline, from `descent` (in em) to one em above it across. A vertical-writing font gives a
    negative advance (downwards): its box is one em wide and the advance tall, from the origin
    pdfium gives (its lower left). A nan advance gives a nan box."""
    a, b, c, d = matrix.T
    with np.errstate(invalid="ignore"):
        forward = advance >= 0
        along = np.where(forward, advance, font_size)
        low = np.where(forward, descent * font_size, 0.0)
        high = np.where(forward, (descent + 1.0) * font_size, -advance)
    ox, oy = origin[:, 0], origin[:, 1]
    xs = [ox + s * a + t * c for s in (0.0, along) for t in (low, high)]
    ys = [oy + s * b + t * d for s in (0.0, along) for t in (low, high)]
    return np.stack([np.minimum.reduce(xs), np.minimum.reduce(ys), np.maximum.reduce(xs), np.maximum.reduce(ys)], axis=1)


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
    x_at, y_at = ctypes.addressof(x), ctypes.addressof(y)
    address = ctypes.cast(obj, ctypes.c_void_p).value

    def finish() -> None:
        if points:
            if closed and points[-1] != points[0]:
                points.append(points[0])
            subpaths.append(PdfSubpath(points=tuple(points), closed=closed, curved=curved))

    for index in range(pdfium_c.FPDFPath_CountSegments(obj)):
        segment = _path_segment(address, index)
        kind = _segment_type(segment)
        _segment_point(segment, x_at, y_at)
        point = _apply(matrix, x.value, y.value)
        if kind == pdfium_c.FPDF_SEGMENT_MOVETO:
            finish()
            points, closed, curved = [point], False, False
        else:
            curved = curved or kind == pdfium_c.FPDF_SEGMENT_BEZIERTO
            points.append(point)
        closed = closed or bool(_segment_closes(segment))
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
