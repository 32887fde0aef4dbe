"""OCR stage: pages whose text layer is missing or cannot be trusted get their text from the
rendered page, so that the later stages see the same glyphs and rulings as for any PDF.

Per page, one small step each:
  `text_layer_problem` (why the text layer is not used, or None)
  -> the engine (`extract.engines.ocr_engine`): `upright_page` (rendered, turned upright,
     straightened, its text lines found), `missed_ink_quads` and `read_lines`
  -> `lines_to_glyphs` (size from `ink_height`, then `snap_font_sizes` over the document)
     and the rulings (`ruling_masks`, `masks_to_rulings`), in the page's display frame.

Frames: image space is pixels, top-left origin, of the upright and deskewed page image;
divided by the scale it is the page's reading frame in points, and `reading_to_display_box`
takes it to the display frame. The skew (a degree or so) is removed, not mapped back: boxes
of OCR'd pages are in the *deskewed* display frame.

Text dumps take `extract.stages.dump_text` instead: they have no pages to read.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import numpy as np

from extract.common.geometry import reading_to_display_box
from extract.common.plausibility import implausible_text_errors, rare_share_problem
from extract.common.text import join_lines
from extract.engines.ocr_engine import (
    OcrLine,
    UprightPage,
    ink_height,
    missed_ink_quads,
    read_lines,
    text_line_quads,
    upright_page,
)
from extract.engines.raster import binarize, masks_to_rulings, ruling_masks
from extract.engines.render import render_page_gray
from extract.errors import ErrorCode, NoticeError
from extract.model import (
    Box,
    Glyph,
    PageText,
    Ruling,
    SourceDocument,
    SourcePage,
    Table,
    TableCell,
)
from extract.settings import OcrSettings, RasterSettings

STAGE = "ocr"
OCR_FONT = "ocr"  # the font name OCR glyphs carry: one font, so no heading is found by font


# ---------------------------------------------------------------- which pages

# A character of Unicode's private use area: a font's own code, no text.
PRIVATE_USE = re.compile("[\ue000-\uf8ff]")


def text_layer_problem(page: SourcePage, pdf: bytes | Path | None,
                       settings: OcrSettings = OcrSettings()) -> str | None:
    """Why the page's text layer cannot be used (None when it can): no text, more than a few
    glyphs that could not be decoded, private-use characters, characters implausible as Chinese,
    or a page-size picture (a scan) whose ink and text lines the text layer does not account for."""
    if not page.glyphs:
        return "no text layer"
    # a few undecodable characters (a symbol font's bullet) are reported, not worth reading the
    # page again: OCR reads worse than a text layer that is otherwise whole
    if page.undecodable > settings.undecodable_share * (len(page.glyphs) + page.undecodable):
        return "undecodable glyphs in the text layer"
    text = "".join(g.text for g in page.glyphs)
    private = sum(1 for g in page.glyphs if PRIVATE_USE.search(g.text)) if PRIVATE_USE.search(text) else 0
    if private > settings.private_use_share * len(page.glyphs):
        return f"{private} private-use characters in the text layer"
    problem = rare_share_problem(text, settings)
    if problem is not None:
        return f"{problem[1]:.0%} of the text layer's characters are rare ones: not plausible as Chinese (a wrong character map)"
    scans = [b for b in page.images if b.width * b.height >= settings.scan_area_share * page.width * page.height]
    if pdf and scans:
        share = uncovered_ink_share(page, scans[0], pdf, settings)
        # ink outside the glyphs may be the picture's own (a chart, a photo, a background): when
        # the text lines the detector finds around the picture are the text layer's, the layer is
        # the page's text and the picture a figure; a picture with no text around it is a scan
        if share > settings.uncovered_ink_share:
            around = text_lines_in_layer(page, pdf, scans, settings)
            if around is None or around < settings.lines_in_layer:
                return f"{share:.0%} of the ink of the page-size picture lies outside the text layer"
    return None


def text_lines_in_layer(page: SourcePage, pdf: bytes | Path, pictures: list[Box],
                        settings: OcrSettings = OcrSettings()) -> float | None:
    """The share of the text lines the detector finds on the rendered page outside `pictures`
    (display frame) that the text layer has glyphs in; None when it finds too few to say."""
    centres = [g.box.center for g in page.glyphs]
    lines = []
    scale = settings.layer_check_dpi / 72.0
    for quad in text_line_quads(render_page_gray(pdf, page.number, scale), settings):
        box = Box(x0=float(quad[:, 0].min()) / scale, top=float(quad[:, 1].min()) / scale,
                  x1=float(quad[:, 0].max()) / scale, bottom=float(quad[:, 1].max()) / scale)
        if not any(p.contains_point(*box.center) for p in pictures):
            lines.append(box)
    if len(lines) < settings.lines_around_min:
        return None
    return sum(1 for box in lines if any(box.contains_point(x, y) for x, y in centres)) / len(lines)


def _ink_off_rulings(page: SourcePage, pdf: bytes | Path, scale: float) -> np.ndarray:
    """The rendered page's ink (255 on 0, `scale` pixels per point) with its rulings erased."""
    import cv2

    ink = binarize(render_page_gray(pdf, page.number, scale))
    for ruling in page.rulings:  # lines are not text
        b = ruling.box
        cv2.rectangle(ink, (int(b.x0 * scale) - 1, int(b.top * scale) - 1),
                      (int(b.x1 * scale) + 1, int(b.bottom * scale) + 1), 0, thickness=-1)
    return ink


def uncovered_ink_share(page: SourcePage, region: Box, pdf: bytes | Path, settings: OcrSettings = OcrSettings()) -> float:
    """Share of the rendered page's ink inside `region` (display frame), rulings left out,
    that lies outside every glyph's box."""
    import cv2

    scale = settings.check_scale
    ink = _ink_off_rulings(page, pdf, scale)
    outside = np.ones_like(ink, dtype=bool)
    outside[int(region.top * scale):int(region.bottom * scale) + 1, int(region.x0 * scale):int(region.x1 * scale) + 1] = False
    ink[outside] = 0
    total = int(np.count_nonzero(ink))
    if not total:
        return 0.0
    for glyph in page.glyphs:
        b = glyph.box
        pad = glyph.size * 0.2 * scale
        cv2.rectangle(ink, (int(b.x0 * scale - pad), int(b.top * scale - pad)),
                      (int(b.x1 * scale + pad), int(b.bottom * scale + pad)), 0, thickness=-1)
    return int(np.count_nonzero(ink)) / total


def nothing_to_read(page: SourcePage, pdf: bytes | Path, settings: OcrSettings = OcrSettings()) -> bool:
    """Whether a page without text has nothing OCR could read: no picture, and all but a trace
    of its rendered ink lies on its ruling lines (an empty form, a blank page). Such a page does
    not load the OCR models; one with a picture, or with text drawn as outlines, is read."""
    if page.glyphs or page.images:
        return False
    ink = _ink_off_rulings(page, pdf, settings.check_scale)
    return np.count_nonzero(ink) <= settings.blank_ink_share * ink.size


def ocr_page(page: SourcePage, pdf: bytes | Path, reason: str, settings: OcrSettings = OcrSettings(),
             raster: RasterSettings = RasterSettings()) -> SourcePage:
    """The page with glyphs and rulings read from its image instead of its text layer."""
    upright = upright_page(pdf, page.number, settings)
    image, orientation = upright.image, upright.orientation
    ink = binarize(image)
    masks = ruling_masks(ink, raster)  # found once: the rulings, and where missed text may sit
    lines = read_lines(image, upright.quads, settings)
    # what the detector missed is added only when read with confidence: it may be no text at all
    lines += [line for line in read_lines(image, missed_ink_quads(ink, masks, upright.quads, settings), settings)
              if line.confidence >= settings.low_confidence]
    sizes = [round(ink_height(ink, line.box) / settings.ink_share / settings.scale, 2) for line in lines]
    glyphs = lines_to_glyphs(lines, sizes, orientation, page, settings.scale)
    rulings = [Ruling(box=reading_to_display_box(r.box, orientation, page.width, page.height).rounded())
               for r in masks_to_rulings(*masks, settings.scale, raster)]
    confidence = min((line.confidence for line in lines), default=None)
    text = PageText(page=page.number, source="ocr", **page_size(page), reason=reason, orientation=orientation,
                    skew_degrees=round(upright.skew, 2), confidence=None if confidence is None else round(confidence, 4))
    return page.model_copy(update={"glyphs": tuple(glyphs), "rulings": tuple(rulings),
                                   "rulings_source": "raster", "text": text})


def lines_to_glyphs(lines: list[OcrLine], sizes: list[float], orientation: int, page: SourcePage,
                    scale: float) -> list[Glyph]:
    """OCR lines (upright image space) as glyphs in the page's display frame, running in the
    direction the text was printed; `sizes` gives each line's glyph size in points."""
    glyphs = []
    for line, size in zip(lines, sizes):
        for char in line.chars:
            x0, top, x1, bottom = char.box
            reading = Box(x0=x0 / scale, top=top / scale, x1=x1 / scale, bottom=bottom / scale)
            box = reading_to_display_box(reading, orientation, page.width, page.height).rounded()
            glyphs.append(Glyph(text=char.text, font=OCR_FONT, size=float(size), box=box, direction=orientation,  # type: ignore[arg-type]
                                confidence=round(float(char.confidence), 4)))
    return glyphs


def snap_font_sizes(pages: list[SourcePage], tolerance: float) -> list[SourcePage]:
    """Measured ink heights vary by a few tenths of a point for one font size; layout tells
    body text, headings and titles apart by equal sizes. Sizes within `tolerance` (a share)
    of the most used one become that size, then the same for the rest, most used first."""
    weights: dict[float, int] = {}
    for page in pages:
        for glyph in page.glyphs:
            if glyph.confidence is not None:
                weights[glyph.size] = weights.get(glyph.size, 0) + 1
    if not weights:   # no page was read by OCR
        return pages
    snapped: dict[float, float] = {}
    for size in sorted(weights, key=lambda v: (-weights[v], v)):
        if size in snapped:
            continue
        centre = round(size * 2) / 2
        for other in weights:
            if other not in snapped and abs(other - size) <= tolerance * size:
                snapped[other] = centre
    return [page.model_copy(update={"glyphs": tuple(
        replace(g, size=snapped[g.size]) if g.confidence is not None else g for g in page.glyphs)})
        for page in pages]


# ---------------------------------------------------------------- a document


def page_size(page: SourcePage) -> dict:
    """The page as displayed, for its `PageText`: what every box on it is measured in."""
    return {"width": page.width, "height": page.height, "rotation": page.rotation}


def ocr_document(source: SourceDocument, settings: OcrSettings = OcrSettings(),
                 raster: RasterSettings = RasterSettings()) -> SourceDocument:
    """The PDF with every page whose text layer cannot be used read by OCR instead; every
    page says where its text came from. Raises NoticeError when no page has text after all."""
    pdf = source.content or None
    pages, errors = [], list(source.errors)
    for page in source.pages:
        reason = text_layer_problem(page, pdf, settings)
        if reason is None:
            pages.append(page.model_copy(update={"text": PageText(page=page.number, source="pdf", **page_size(page))}))
            continue
        if pdf is None:  # a document built in memory: nothing to render
            pages.append(page.model_copy(update={"text": PageText(page=page.number, source="pdf", **page_size(page), reason=reason)}))
            continue
        if nothing_to_read(page, pdf, settings):
            pages.append(page.model_copy(update={"text": PageText(
                page=page.number, source="pdf", **page_size(page),
                reason="no text layer, and nothing on the page but ruling lines: nothing to read")}))
            continue
        try:
            pages.append(ocr_page(page, pdf, reason, settings, raster))
        except NoticeError as exc:  # the engine's own errors do not know the file
            raise NoticeError(exc.code, exc.message, file=source.file, stage=STAGE, page=page.number) from None
        # the text layer's own complaints about this page are moot now
        errors = [e for e in errors if not (e.page == page.number and e.code == ErrorCode.UNDECODABLE_TEXT.value)]
    pages = snap_font_sizes(pages, settings.size_tolerance)
    if not any(p.glyphs for p in pages):
        undecodable = [e for e in errors if e.code == ErrorCode.UNDECODABLE_TEXT.value]
        if undecodable:
            raise NoticeError(ErrorCode.UNDECODABLE_TEXT, "the text layer cannot be decoded: " + undecodable[0].message,
                              file=source.file, stage=STAGE)
        raise NoticeError(ErrorCode.NO_TEXT_LAYER, "no text layer, and OCR found no text on any page",
                          file=source.file, stage=STAGE)
    errors.extend(implausible_text_errors("".join(g.text for p in pages for g in p.glyphs), "document", settings, STAGE))
    return source.model_copy(update={"pages": tuple(pages), "errors": tuple(errors)})


class CellRereader:
    """Reads a table cell of an OCR'd page again, from its whole ruled area enlarged, rather
    than from the text line the detector outlined: what the records stage does before it
    calls a value unreadable. Returns (text, lowest line confidence), or None for cells not
    on an OCR'd page. Pages are turned upright and straightened as the OCR stage did (the same
    steps give the same image), once per page."""

    def __init__(self, source: SourceDocument, settings: OcrSettings = OcrSettings()):
        self.source, self.settings = source, settings
        self._pages: dict[int, UprightPage] = {}

    def __call__(self, table: Table, cell: TableCell) -> tuple[str, float | None] | None:
        import cv2

        place = next((p for p in cell.provenance if p.page is not None and p.box is not None), None)
        page = next((p for p in self.source.pages if place is not None and p.number == place.page), None)
        if page is None or page.text is None or page.text.source != "ocr" or not self.source.content:
            return None
        if page.number not in self._pages:
            self._pages[page.number] = upright_page(self.source.content, page.number, self.settings)
        upright = self._pages[page.number]
        if upright.orientation != table.orientation:
            return None  # the cell's box is in another frame than this page's upright image
        scale, inset = self.settings.scale, self.settings.reread_inset
        height, width = upright.image.shape
        x0, x1 = int(max(0, (place.box.x0 + inset) * scale)), int(min(width, (place.box.x1 - inset) * scale))
        top, bottom = int(max(0, (place.box.top + inset) * scale)), int(min(height, (place.box.bottom - inset) * scale))
        if x1 - x0 < 4 or bottom - top < 4:
            return None
        crop = cv2.copyMakeBorder(upright.image[top:bottom, x0:x1], 16, 16, 16, 16, cv2.BORDER_CONSTANT, value=255)
        zoomed = cv2.resize(crop, None, fx=self.settings.reread_zoom, fy=self.settings.reread_zoom,
                            interpolation=cv2.INTER_CUBIC)
        quads = sorted(text_line_quads(zoomed, self.settings), key=lambda q: (float(q[:, 1].min()), float(q[:, 0].min())))
        lines = read_lines(zoomed, quads, self.settings)
        if not lines:
            return None
        return join_lines([line.text for line in lines]), min(line.confidence for line in lines)
