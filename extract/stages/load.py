"""Load stage of a PDF: the file into a `SourceDocument` of pages (`extract.stages.load_dump`
is its sibling for text dumps).

PDFs are read with pdfplumber: every character with its font, size and box, every ruling
(line or rectangle edge), image counts and the page's /Rotate. Boxes are converted to the
page's *display frame* here, by undoing pdfminer's device transform ourselves, because
pdfminer's device space for /Rotate 90/270 pages depends on how the MediaBox was written.

Pages without text, or with characters that cannot be decoded, are loaded as they are
(undecodable characters left out and reported); the OCR stage decides what to do with them.

Errors: raises `NoticeError` (codes empty_file, not_a_pdf, truncated_pdf, encrypted_pdf,
unreadable_pdf, unsupported_input) naming the file.
"""

from __future__ import annotations

import io
import logging
import re
from pathlib import Path

from extract.common.digest import sha256_of
from extract.common.geometry import (
    apply_matrix,
    box_from_points,
    direction_of,
    display_size,
    invert_matrix,
    pdfminer_page_ctm,
    user_to_display,
)
from extract.common.text import strip_controls
from extract.errors import ErrorCode, NoticeError
from extract.model import ErrorItem, Glyph, Ruling, SourceDocument, SourcePage
from extract.stages.input_file import STAGE, controls_error, read_input

CID_PATTERN = re.compile(r"\(cid:(\d+)\)")
# Printed-twice characters (fake bold) sit within this many points of each other.
DEDUPE_TOLERANCE = 1.0

# pdfminer logs every odd object at WARNING; the pipeline reports what matters itself.
logging.getLogger("pdfminer").setLevel(logging.ERROR)


# ---------------------------------------------------------------- PDF


def load_pdf(path: Path, name: str) -> SourceDocument:
    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect

    data = read_input(path, name)
    if not data.lstrip()[:5] == b"%PDF-":
        raise NoticeError(ErrorCode.NOT_A_PDF, "the file does not start with a PDF header (%PDF-)", file=name, stage=STAGE)
    truncated = b"%%EOF" not in data[-2048:]
    errors: list[ErrorItem] = []
    pages: list[SourcePage] = []
    try:
        loop = reference_loop(data)
        if loop:   # before pdfplumber, which reads the pages even to close the file
            raise NoticeError(ErrorCode.UNREADABLE_PDF, "the PDF's objects refer to each other in a loop "
                              f"({' -> '.join(map(str, loop))}): no value can be read from them", file=name, stage=STAGE)
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            for page in pdf.pages:
                source_page, page_errors = _read_pdf_page(page)
                pages.append(source_page)
                errors.extend(page_errors)
    except (NoticeError, MemoryError):
        raise   # a memory error is the run's limit, whatever parser it stopped
    except Exception as exc:
        cause = exc.args[0] if isinstance(getattr(exc, "args", None), tuple) and exc.args else None
        if isinstance(exc, PDFPasswordIncorrect) or isinstance(cause, PDFPasswordIncorrect):
            raise NoticeError(ErrorCode.ENCRYPTED_PDF, "the PDF is encrypted with a user password",
                              file=name, stage=STAGE) from None
        _raise_unreadable(exc, truncated, name)
    if not pages:
        code = ErrorCode.TRUNCATED_PDF if truncated else ErrorCode.UNREADABLE_PDF
        raise NoticeError(code, "the PDF has no readable pages", file=name, stage=STAGE)
    return SourceDocument(file=name, content=data, sha256=sha256_of(data), media_type="application/pdf",
                          page_count=len(pages), pages=tuple(pages), errors=tuple(errors))


def reference_loop(data: bytes) -> list[int]:
    """The object numbers of a loop of objects that are each only a reference to the next
    (`6 0 obj 6 0 R endobj`), or []. pdfminer follows such chains without end. A file pdfminer
    cannot open at all is not looked at here: opening it again reports why."""
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfparser import PDFParser
    from pdfminer.pdftypes import PDFObjRef

    try:
        document = PDFDocument(PDFParser(io.BytesIO(data)))
    except Exception:
        return []
    next_of: dict[int, int] = {}
    for xref in document.xrefs:
        for objid in xref.get_objids():
            try:
                obj = document.getobj(objid)
            except Exception:
                continue   # an object that cannot be read is the parser's to report, if it is used
            if isinstance(obj, PDFObjRef):
                next_of[objid] = obj.objid
    for start in next_of:
        seen = [start]
        current = next_of[start]
        while current in next_of and current not in seen:
            seen.append(current)
            current = next_of[current]
        if current in seen:
            return seen[seen.index(current):] + [current]
    return []


def _read_pdf_page(page) -> tuple[SourcePage, list[ErrorItem]]:
    rotation = page.rotation if page.rotation in (0, 90, 180, 270) else 0
    mediabox = tuple(float(v) for v in page.page_obj.mediabox)
    device_to_user = invert_matrix(pdfminer_page_ctm(rotation, mediabox))

    def to_display(x: float, y: float) -> tuple[float, float]:
        return user_to_display(apply_matrix(device_to_user, (x, y)), rotation, mediabox)

    width, height = display_size(rotation, mediabox)
    glyphs: list[Glyph] = []
    errors: list[ErrorItem] = []
    undecodable = controls = 0
    cid_unicode = _cid_unicode_maps(page)
    for char in page.dedupe_chars(tolerance=DEDUPE_TOLERANCE).chars:
        text = char["text"]
        if CID_PATTERN.search(text):
            text = _decode_cids(text, cid_unicode.get(char["fontname"]))
            if text is None:
                undecodable += 1
                continue
        text, removed = strip_controls(text)
        controls += removed
        if not text.strip():
            continue
        corners = [to_display(char["x0"], char["y0"]), to_display(char["x1"], char["y1"])]
        a, b, _, _, _, _ = char["matrix"]
        # The baseline vector in device space, taken through to the display frame (y down).
        origin = to_display(0.0, 0.0)
        tip = to_display(a, b)
        direction = direction_of((tip[0] - origin[0], tip[1] - origin[1]))
        glyphs.append(Glyph(text=text, font=_base_font(char["fontname"]), size=round(float(char["size"]), 2),
                            box=box_from_points(corners).rounded(), direction=direction))
    if undecodable:
        errors.append(ErrorItem(stage=STAGE, code=ErrorCode.UNDECODABLE_TEXT.value, page=page.page_number,
                                message=f"{undecodable} characters use a font with no Unicode mapping and "
                                        f"no known CID collection; they are left out"))
    if controls:
        errors.append(controls_error(controls, page.page_number))
    rulings = [Ruling(box=box_from_points([to_display(x0, y0), to_display(x1, y1)]).rounded())
               for x0, y0, x1, y1 in drawn_rulings(page)]
    images = [box_from_points([to_display(image["x0"], image["y0"]), to_display(image["x1"], image["y1"])]).rounded()
              for image in page.images]
    return SourcePage(number=page.page_number, width=round(width, 2), height=round(height, 2), rotation=rotation,
                      glyphs=tuple(glyphs), rulings=tuple(rulings), images=tuple(images),
                      undecodable=undecodable), errors


# A filled rectangle at most this thick (points) is drawn as a line; a thicker one is shading.
RULING_MAX_THICKNESS = 2.0
# A colour at least this light (0 black, 1 white) does not show on white paper.
INVISIBLE_LIGHTNESS = 0.95
# Path operators that draw Bézier curves (PDF 32000 8.5.2.2): such a path is a curve, not a ruling.
BEZIER_OPERATORS = {"c", "v", "y"}


def _lightness(color) -> float:
    """0 (black) to 1 (white) for a gray, RGB or CMYK colour as pdfminer gives it; a colour
    it cannot read (a pattern, None: the default) counts as black."""
    values = color if isinstance(color, (tuple, list)) else (color,) if isinstance(color, (int, float)) else ()
    values = [float(v) for v in values if isinstance(v, (int, float))]
    if len(values) == 1:
        return values[0]
    if len(values) == 3:
        return 0.299 * values[0] + 0.587 * values[1] + 0.114 * values[2]
    if len(values) == 4:
        c, m, y, k = values
        return (1 - k) * (0.299 * (1 - c) + 0.587 * (1 - m) + 0.114 * (1 - y))
    return 0.0


def drawn_rulings(page) -> list[tuple[float, float, float, float]]:
    """Boxes (x0, y0, x1, y1, pdfminer's device space) of the lines a reader sees drawn: stroked
    lines and rectangle sides, thin filled rectangles in a colour that shows on white paper, and
    the straight sides of stroked paths made only of horizontal and vertical segments. Shading
    (a filled rectangle behind cells, white or coloured) and curves (charts, logos, seals) are
    no rulings."""
    out: list[tuple[float, float, float, float]] = []

    # A stroke counts whatever its colour: a one-component colour may be a gray (1.0 white) or a
    # spot colour's tint (1.0 full ink), and pdfminer does not say which; strokes are drawn to be seen.
    def stroked(obj) -> bool:
        return bool(obj.get("stroke"))

    def filled(obj) -> bool:
        return bool(obj.get("fill")) and _lightness(obj.get("non_stroking_color")) < INVISIBLE_LIGHTNESS

    for line in page.lines:
        if stroked(line):
            out.append((line["x0"], line["y0"], line["x1"], line["y1"]))
    for rect in page.rects:
        x0, y0, x1, y1 = rect["x0"], rect["y0"], rect["x1"], rect["y1"]
        if filled(rect) and min(x1 - x0, y1 - y0) <= RULING_MAX_THICKNESS:
            out.append((x0, y0, x1, y1))
        elif stroked(rect):
            out += [(x0, y0, x1, y0), (x0, y1, x1, y1), (x0, y0, x0, y1), (x1, y0, x1, y1)]
    for curve in page.curves:
        if any(op[0] in BEZIER_OPERATORS for op in curve.get("path") or ()) or not stroked(curve):
            continue
        # pdfplumber gives the points top-down; the curve's own box ties them to device space
        points = [(x, curve["y1"] - (top - curve["top"])) for x, top in curve.get("pts") or ()]
        segments = list(zip(points, points[1:]))
        if not segments or any(abs(a[0] - b[0]) > 0.5 and abs(a[1] - b[1]) > 0.5 for a, b in segments):
            continue  # a diagonal: a chart's line or a drawing, not a grid
        out += [(min(a[0], b[0]), min(a[1], b[1]), max(a[0], b[0]), max(a[1], b[1])) for a, b in segments]
    return out


def _raise_unreadable(exc: Exception, truncated: bool, name: str) -> None:
    """Every parser failure as a NoticeError naming the file: truncated when the file ends
    before its %%EOF marker, unreadable otherwise."""
    message = str(exc.args[0] if exc.args else exc)
    if "encrypt" in message.lower() or "password" in message.lower():
        raise NoticeError(ErrorCode.ENCRYPTED_PDF, f"the PDF could not be decrypted: {message}",
                          file=name, stage=STAGE) from None
    if truncated:
        raise NoticeError(ErrorCode.TRUNCATED_PDF, f"the PDF ends before its %%EOF marker ({type(exc).__name__})",
                          file=name, stage=STAGE) from None
    raise NoticeError(ErrorCode.UNREADABLE_PDF, f"the PDF could not be parsed: {type(exc).__name__}: {message}",
                      file=name, stage=STAGE) from None


def _base_font(fontname: str) -> str:
    """Drop the subset prefix (ABCDEF+) so that the same font compares equal across pages."""
    return fontname.split("+", 1)[1] if "+" in fontname[:8] else fontname


# The character collection a predefined CMap encodes, by the CMap's name (PDF 32000 9.7.5.2).
PREDEFINED_CMAP_COLLECTIONS = (
    ("UniGB", "GB1"), ("GBK", "GB1"), ("GBpc", "GB1"), ("GBT", "GB1"), ("GB-", "GB1"),
    ("UniCNS", "CNS1"), ("B5", "CNS1"), ("ETen", "CNS1"), ("HKscs", "CNS1"), ("CNS", "CNS1"),
    ("UniJIS", "Japan1"), ("90ms", "Japan1"), ("90pv", "Japan1"), ("83pv", "Japan1"), ("EUC-", "Japan1"),
    ("UniKS", "Korea1"), ("KSC", "Korea1"),
)
KNOWN_ORDERINGS = {"GB1", "CNS1", "Japan1", "Korea1"}


def _cid_unicode_maps(page) -> dict[str, object]:
    """For CID fonts without a ToUnicode map, the CID-to-Unicode map of their character
    collection (Adobe-GB1 …), keyed by every name pdfminer may give their characters. The
    collection is read from CIDSystemInfo, or, when that is unreadable, from the predefined
    CMap the font is encoded with (GBK-EUC-H, UniGB-UCS2-H …)."""
    from pdfminer.cmapdb import CMapDB
    from pdfminer.pdftypes import resolve1
    from pdfminer.psparser import PSLiteral

    maps: dict[str, object] = {}
    try:
        fonts = resolve1(resolve1(page.page_obj.resources).get("Font")) or {}
    except Exception:
        return maps
    for ref in fonts.values():
        try:
            font = resolve1(ref)
            if font.get("ToUnicode") is not None or font.get("DescendantFonts") is None:
                continue
            descendant = resolve1(resolve1(font.get("DescendantFonts"))[0])
            info = resolve1(descendant.get("CIDSystemInfo")) or {}
            ordering = resolve1(info.get("Ordering"))
            ordering = ordering.decode("latin-1", "replace") if isinstance(ordering, bytes) else None
            if ordering not in KNOWN_ORDERINGS:
                encoding = resolve1(font.get("Encoding"))
                name = encoding.name if isinstance(encoding, PSLiteral) else ""
                ordering = next((o for prefix, o in PREDEFINED_CMAP_COLLECTIONS if name.startswith(prefix)), None)
            if ordering is None:
                continue
            unicode_map = CMapDB.get_unicode_map(f"Adobe-{ordering}", vertical=False)
            names = {resolve1(font.get("BaseFont")).name}
            descriptor = resolve1(descendant.get("FontDescriptor")) or {}
            if descriptor.get("FontName") is not None:
                names.add(resolve1(descriptor.get("FontName")).name)
            for name in names:
                maps[name] = unicode_map
        except Exception:
            continue
    return maps


def _decode_cids(text: str, unicode_map) -> str | None:
    """Replace (cid:N) through the font's collection map; None when any CID stays unknown."""
    if unicode_map is None:
        return None
    out = []
    pos = 0
    for match in CID_PATTERN.finditer(text):
        out.append(text[pos:match.start()])
        try:
            out.append(unicode_map.get_unichr(int(match.group(1))))
        except KeyError:
            return None
        pos = match.end()
    out.append(text[pos:])
    return "".join(out)
