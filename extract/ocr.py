"""OCR stage: pages whose text layer is missing or cannot be trusted get their text from the
rendered page, so that the later stages see the same glyphs and rulings as for any PDF.

Per page, one small step each:
  `text_layer_problem` (why the text layer is not used, or None)
  -> `upright_page`: `render_page_gray`; `text_line_quads` and `page_orientation`
     (0/90/180/270: the shape of the text lines, then the engine's 0°/180° line classifier);
     `rotate_quarter` to upright; `skew_angle` on a reduced copy (where the rows of ink are
     most uneven) and `deskew`; the lines turned with the page (`deskew_quad`), or found
     again when the page was turned a quarter or more
  -> `missed_ink_quads` (ink in ruled cells the detector passed over) and `read_lines`
     (text, confidence, a box per character)
  -> `lines_to_glyphs` (size from `ink_height`, then `snap_font_sizes` over the document)
     and the rulings (`ruling_masks`, `masks_to_rulings`), in the page's display frame.

Frames: image space is pixels, top-left origin, of the upright and deskewed page image;
divided by the scale it is the page's reading frame in points, and `reading_to_display_box`
takes it to the display frame. The skew (a degree or so) is removed, not mapped back: boxes
of OCR'd pages are in the *deskewed* display frame.

The engine is RapidOCR (PP-OCRv4 Chinese models shipped inside the rapidocr-onnxruntime
wheel; nothing is downloaded at run time), its models run by OpenVINO; see the README for
why it and not Tesseract, and why OpenVINO.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from extract.errors import ErrorCode, NoticeError
from extract.geometry import reading_to_display_box
from extract.model import (
    Box,
    ErrorItem,
    Glyph,
    PageText,
    Paragraph,
    Ruling,
    SourceDocument,
    SourcePage,
    Table,
    TableCell,
)
from extract.raster import RasterSettings, binarize, masks_to_rulings, render_page_gray, ruling_masks
from extract.text import chinese_share, doc_number_brackets, join_lines, rare_ideograph_share, widen_cjk_punctuation

STAGE = "ocr"
OCR_FONT = "ocr"  # the font name OCR glyphs carry: one font, so no heading is found by font


RUNTIMES = ("openvino", "onnxruntime")  # what can run the engine's models


@dataclass(frozen=True)
class OcrSettings:
    dpi: float = 200.0                 # rendering resolution of a page for OCR
    skew_scale: float = 0.5            # the upright page is reduced this much to find its skew
    low_confidence: float = 0.90       # a line read with less confidence is reported, never silently kept
    min_char_height: float = 4.0       # points: smaller ink the detector missed is noise, not a character
    max_cell_ink: float = 0.2          # a "cell" with more ink than this share is a picture
    ink_share: float = 0.88            # a CJK character's ink is about this share of its font size
    size_tolerance: float = 0.1        # OCR'd lines' ink heights this close (a share) are one font size
    max_skew: float = 3.0              # skew is looked for up to this many degrees either way
    skew_step: float = 0.05            # ... to this precision
    min_skew: float = 0.05             # smaller skew is left alone
    orientation_lines: int = 12        # the longest lines voted on 0° vs 180°
    reread_zoom: float = 2.0           # a cell read again is enlarged this much first
    reread_inset: float = 1.5          # points taken off each side of a cell read again (its rulings)
    private_use_share: float = 0.05    # this share of private-use characters makes a text layer untrusted
    undecodable_share: float = 0.05    # ... and this share of characters that cannot be decoded
    rare_share: float = 0.25           # a text layer with this share of rare ideographs is no Chinese prose
    min_chinese_share: float = 0.3     # a document with less of its text in CJK characters is no Chinese notice
    plausible_min_ideographs: int = 20  # ... judged on at least this many
    scan_area_share: float = 0.5       # a picture covering this share of the page may be a scan of it
    uncovered_ink_share: float = 0.5   # this share of such a picture's ink outside every glyph: the text layer is not the page
    lines_in_layer: float = 0.5        # ... unless this share of the text lines detected around it have glyphs in them
    lines_around_min: int = 3          # ... of at least this many lines
    check_scale: float = 0.5           # pixels per point of the image the ink check looks at
    threads: int = 0                   # inference threads per model (0: the runtime's default, every core)
    runtime: str = "openvino"          # what runs the engine's models: "openvino", or "onnxruntime" as the
                                       # engine ships (same f32 text; OpenVINO ~1.7x faster here, bench/ocr.py)

    def __post_init__(self) -> None:
        if self.runtime not in RUNTIMES:
            raise ValueError(f"unknown OCR runtime {self.runtime!r}: one of {', '.join(RUNTIMES)}")

    @property
    def scale(self) -> float:
        return self.dpi / 72.0


DEFAULT_SETTINGS = OcrSettings()


@dataclass(frozen=True)
class OcrChar:
    """One recognised character, its box (x0, top, x1, bottom) in image space and the
    engine's confidence in its line (the per-word figures it also gives are too noisy to act on)."""

    text: str
    box: tuple[float, float, float, float]
    confidence: float


@dataclass(frozen=True)
class OcrLine:
    """One recognised line in image space: its text (spaces included), the engine's
    confidence in it, its box and its characters (spaces left out)."""

    text: str
    confidence: float
    box: tuple[float, float, float, float]
    chars: tuple[OcrChar, ...]


# ---------------------------------------------------------------- which pages


def text_layer_problem(page: SourcePage, pdf: bytes | Path | None,
                       settings: OcrSettings = DEFAULT_SETTINGS) -> str | None:
    """Why the page's text layer cannot be used (None when it can): no text, more than a few
    glyphs that could not be decoded, private-use characters, characters implausible as Chinese,
    or a page-size picture (a scan) whose ink and text lines the text layer does not account for."""
    if not page.glyphs:
        return "no text layer"
    # a few undecodable characters (a symbol font's bullet) are reported, not worth reading the
    # page again: OCR reads worse than a text layer that is otherwise whole
    if page.undecodable > settings.undecodable_share * (len(page.glyphs) + page.undecodable):
        return "undecodable glyphs in the text layer"
    private = sum(1 for g in page.glyphs if any(0xE000 <= ord(c) <= 0xF8FF for c in g.text))
    if private > settings.private_use_share * len(page.glyphs):
        return f"{private} private-use characters in the text layer"
    count, rare = rare_ideograph_share("".join(g.text for g in page.glyphs))
    if count >= settings.plausible_min_ideographs and rare > settings.rare_share:
        return f"{rare:.0%} of the text layer's characters are rare ones: not plausible as Chinese (a wrong character map)"
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
                        settings: OcrSettings = DEFAULT_SETTINGS) -> float | None:
    """The share of the text lines the detector finds on the rendered page outside `pictures`
    (display frame) that the text layer has glyphs in; None when it finds too few to say."""
    centres = [g.box.center for g in page.glyphs]
    lines = []
    for quad in text_line_quads(render_page_gray(pdf, page.number, settings.scale), settings):
        box = Box(x0=float(quad[:, 0].min()) / settings.scale, top=float(quad[:, 1].min()) / settings.scale,
                  x1=float(quad[:, 0].max()) / settings.scale, bottom=float(quad[:, 1].max()) / settings.scale)
        if not any(p.contains_point(*box.center) for p in pictures):
            lines.append(box)
    if len(lines) < settings.lines_around_min:
        return None
    return sum(1 for box in lines if any(box.contains_point(x, y) for x, y in centres)) / len(lines)


def uncovered_ink_share(page: SourcePage, region: Box, pdf: bytes | Path, settings: OcrSettings = DEFAULT_SETTINGS) -> float:
    """Share of the rendered page's ink inside `region` (display frame), rulings left out,
    that lies outside every glyph's box."""
    import cv2

    scale = settings.check_scale
    ink = binarize(render_page_gray(pdf, page.number, scale))
    outside = np.ones_like(ink, dtype=bool)
    outside[int(region.top * scale):int(region.bottom * scale) + 1, int(region.x0 * scale):int(region.x1 * scale) + 1] = False
    ink[outside] = 0
    for ruling in page.rulings:  # lines are not text
        b = ruling.box
        cv2.rectangle(ink, (int(b.x0 * scale) - 1, int(b.top * scale) - 1),
                      (int(b.x1 * scale) + 1, int(b.bottom * scale) + 1), 0, thickness=-1)
    total = int(np.count_nonzero(ink))
    if not total:
        return 0.0
    for glyph in page.glyphs:
        b = glyph.box
        pad = glyph.size * 0.2 * scale
        cv2.rectangle(ink, (int(b.x0 * scale - pad), int(b.top * scale - pad)),
                      (int(b.x1 * scale + pad), int(b.bottom * scale + pad)), 0, thickness=-1)
    return int(np.count_nonzero(ink)) / total


# ---------------------------------------------------------------- the engine


@lru_cache(maxsize=4)
def ocr_engine(threads: int = 0, runtime: str = "openvino"):
    """The RapidOCR engine, loaded once per process, its models run by `runtime`; raises
    NoticeError when it is not installed."""
    try:
        from rapidocr_onnxruntime import RapidOCR
    except ImportError as exc:  # pragma: no cover - the project's setup installs it
        raise NoticeError(ErrorCode.OCR_UNAVAILABLE, f"the OCR engine is not installed ({exc})", stage=STAGE) from None
    options = {"intra_op_num_threads": threads} if threads else {}
    engine = RapidOCR(**options)
    if runtime == "openvino":
        # the engine's pre- and post-processing stay; only its three model sessions change
        from rapidocr_onnxruntime.main import DEFAULT_CFG_PATH
        from rapidocr_onnxruntime.utils import read_yaml, update_model_path

        models = update_model_path(read_yaml(DEFAULT_CFG_PATH))
        engine.text_det.infer = OpenVinoSession(models["Det"]["model_path"], threads)
        engine.text_cls.session = OpenVinoSession(models["Cls"]["model_path"], threads)
        engine.text_rec.session = OpenVinoSession(models["Rec"]["model_path"], threads)
    return engine


class OpenVinoSession:
    """One of the engine's ONNX models compiled by OpenVINO for the CPU, called like the
    engine's own ONNX Runtime session (an input batch in, a list of outputs back). Precision
    is held at f32: on CPUs with bf16 units OpenVINO would otherwise drop to bf16, which
    reads differently (page numbers lost, dashes changed, in bench/ocr.py's scans)."""

    def __init__(self, model_path: str | Path, threads: int = 0):
        try:
            import openvino
        except ImportError as exc:  # pragma: no cover - the project's setup installs it
            raise NoticeError(ErrorCode.OCR_UNAVAILABLE, f"the OCR runtime is not installed ({exc})", stage=STAGE) from None
        config = {"PERFORMANCE_HINT": "LATENCY", "INFERENCE_PRECISION_HINT": "f32"}
        if threads:
            config["INFERENCE_NUM_THREADS"] = threads
        self.model = openvino.Core().compile_model(str(model_path), "CPU", config)

    def __call__(self, batch: np.ndarray) -> list[np.ndarray]:
        return [self.model(batch)[0]]


def text_line_quads(gray: np.ndarray, settings: OcrSettings = DEFAULT_SETTINGS) -> list[np.ndarray]:
    """Detected text lines as 4x2 corner arrays (clockwise from top-left as detected), image space."""
    quads, _ = ocr_engine(settings.threads, settings.runtime)(_rgb(gray), use_det=True, use_cls=False, use_rec=False)
    return [np.array(q, dtype=np.float32) for q in quads or []]


def page_orientation(gray: np.ndarray, quads: list[np.ndarray], settings: OcrSettings = DEFAULT_SETTINGS) -> int:
    """How the page's text was printed, degrees clockwise from upright. Lines longer than
    they are tall say 0/180, taller ones 90/270; the engine's 0°/180° classifier on the
    longest lines, turned each candidate way, decides between the two."""
    along = across = 0.0
    for q in quads:
        w, h = _quad_size(q)
        if w >= 2 * h:
            along += w
        elif h >= 2 * w:
            across += h
    first = 90 if across > along else 0
    turned = rotate_quarter(gray, first)
    longest = sorted((rotate_quad(q, first, gray.shape) for q in quads), key=lambda q: -_quad_size(q)[0])
    longest = [q for q in longest if _quad_size(q)[0] >= 2 * _quad_size(q)[1]][: settings.orientation_lines]
    if not longest:
        return first
    engine = ocr_engine(settings.threads, settings.runtime)
    crops = engine.get_crop_img_list(_rgb(turned), longest)
    _, labels, _ = engine.text_cls(crops)
    flipped = sum(1 for label, score in labels if label == "180")
    return (first + 180) % 360 if flipped > len(labels) / 2 else first


def rotate_quarter(gray: np.ndarray, orientation: int) -> np.ndarray:
    """The image turned so that text printed `orientation` degrees clockwise stands upright."""
    return np.ascontiguousarray(np.rot90(gray, k=orientation // 90))


def rotate_quad(quad: np.ndarray, orientation: int, shape: tuple[int, ...]) -> np.ndarray:
    """A quad's corners after `rotate_quarter(image, orientation)`, keeping the corner order's
    meaning (first corner: top-left of the upright text)."""
    height, width = shape[:2]
    x, y = quad[:, 0], quad[:, 1]
    k = (orientation // 90) % 4
    if k == 1:    # anticlockwise quarter turn: (x, y) -> (y, width - x)
        points = np.stack([y, width - x], axis=1)
    elif k == 2:
        points = np.stack([width - x, height - y], axis=1)
    elif k == 3:  # clockwise quarter turn: (x, y) -> (height - y, x)
        points = np.stack([height - y, x], axis=1)
    else:
        points = np.stack([x, y], axis=1)
    # re-order the corners so the first is the top-left one in the turned image
    start = int(np.argmin(points[:, 0] + points[:, 1]))
    return np.roll(points, -start, axis=0).astype(np.float32)


def skew_angle(gray: np.ndarray, settings: OcrSettings = DEFAULT_SETTINGS) -> float:
    """The small rotation of an upright page, degrees (positive: lines descend to the right):
    the angle at which the rows of the page's ink are most uneven (text lines and rulings
    line up with image rows), found coarse to fine."""
    import cv2

    ink = binarize(gray)
    height, width = ink.shape
    centre = (width / 2, height / 2)

    def unevenness(angle: float) -> float:
        turned = cv2.warpAffine(ink, cv2.getRotationMatrix2D(centre, angle, 1.0), (width, height),
                                flags=cv2.INTER_NEAREST)
        rows = turned.sum(axis=1, dtype=np.float64)
        return float(np.dot(rows, rows))

    best, span, step = 0.0, settings.max_skew, settings.skew_step * 8
    while True:
        steps = int(round(span / step))
        # on a tie the smaller turn wins
        k = max(range(-steps, steps + 1), key=lambda k: (unevenness(best + k * step), -abs(k)))
        best = best + k * step
        if step <= settings.skew_step:
            return round(best, 2)
        span, step = step, max(step / 4, settings.skew_step)


def deskew(gray: np.ndarray, angle: float) -> np.ndarray:
    """The image rotated by -`angle` degrees about its centre, the corners filled white."""
    import cv2

    height, width = gray.shape
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), angle, 1.0)
    return cv2.warpAffine(gray, matrix, (width, height), flags=cv2.INTER_LINEAR, borderValue=255)


def deskew_quad(quad: np.ndarray, angle: float, shape: tuple[int, ...]) -> np.ndarray:
    """A quad's corners after `deskew(image, angle)` of an image of `shape`."""
    import cv2

    height, width = shape[:2]
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), angle, 1.0)
    return (quad @ matrix[:, :2].T + matrix[:, 2]).astype(np.float32)


def missed_ink_quads(ink: np.ndarray, masks: tuple[np.ndarray, np.ndarray], quads: list[np.ndarray],
                     settings: OcrSettings = DEFAULT_SETTINGS) -> list[np.ndarray]:
    """Outlines of ink in ruled cells that the detector found no line in: it misses a lone
    narrow character (a `1` in a table cell), which recognition reads all the same. Only ink
    with a ruling on all four sides (`masks`: `ruling_masks(ink)`) counts, so that pictures and
    stray marks are left alone."""
    import cv2

    height, width = ink.shape
    across, down = masks
    text = ink.copy()
    text[cv2.dilate(across | down, np.ones((5, 5), np.uint8)) > 0] = 0
    for quad in quads:
        cv2.fillPoly(text, [quad.astype(np.int32)], 0)
    min_height = settings.min_char_height * settings.scale
    glued = cv2.dilate(text, cv2.getStructuringElement(cv2.MORPH_RECT, (int(min_height), 3)))
    count, _, stats, _ = cv2.connectedComponentsWithStats(glued)
    found = []
    for x, y, w, h, area in stats[1:count]:
        if h < min_height or area < min_height * min_height:
            continue
        row, col = y + h // 2, x + w // 2
        left, right = np.nonzero(down[row, :x])[0], np.nonzero(down[row, x + w:])[0]
        above, below = np.nonzero(across[:y, col])[0], np.nonzero(across[y + h:, col])[0]
        if not (left.size and right.size and above.size and below.size):
            continue
        cell = text[above[-1]:y + h + below[0], left[-1]:x + w + right[0]]
        if np.count_nonzero(cell) > settings.max_cell_ink * cell.size:
            continue  # a dense picture (a QR code, a seal), not a character in a cell
        pad = max(2, int(h * 0.2))
        corners = np.array([[x - pad, y - pad], [x + w + pad, y - pad], [x + w + pad, y + h + pad], [x - pad, y + h + pad]],
                           dtype=np.float64).clip(0, [width, height])
        found.append(corners.astype(np.float32))
    return found


def read_lines(gray: np.ndarray, quads: list[np.ndarray], settings: OcrSettings = DEFAULT_SETTINGS) -> list[OcrLine]:
    """The text of each line `quads` (image space) outline on an upright image, with a box
    and a confidence per character. Nothing is filtered by confidence here: low-confidence
    text is kept, marked, and reported downstream."""
    if not quads:
        return []
    engine = ocr_engine(settings.threads, settings.runtime)
    # the engine's own steps (rapidocr-onnxruntime 1.4.x), so that outlines found elsewhere
    # (missed_ink_quads) are read too, with the per-word boxes it computes
    crops = engine.get_crop_img_list(_rgb(gray), quads)
    recognised, _ = engine.text_rec(crops, True)
    lines = []
    for quad, (text, score, word_boxes, words, word_scores) in zip(quads, engine.cal_rec_boxes(crops, quads, recognised)):
        if not text.strip():
            continue
        box = (float(quad[:, 0].min()), float(quad[:, 1].min()), float(quad[:, 0].max()), float(quad[:, 1].max()))
        text = ocr_text_fixes(text)
        lines.append(OcrLine(text=text, confidence=float(score), box=box,
                             chars=_chars(text, float(score), box, word_boxes, words)))
    return lines


# Characters OCR reads in place of others and that do not occur in policy text.
OCR_CONFUSIONS = str.maketrans({"丶": "、"})


def ocr_text_fixes(text: str) -> str:
    """OCR's habitual misreadings of Chinese print, corrected character for character:
    ASCII punctuation next to CJK made full width, 丶 for 、, doc-number year brackets as 〔〕."""
    return doc_number_brackets(widen_cjk_punctuation(text).translate(OCR_CONFUSIONS))


def _chars(text: str, score: float, box, word_boxes, words) -> tuple[OcrChar, ...]:
    """One box per character (spaces left out). The engine places words (a CJK character, or
    a run of Latin letters and digits); each run of the text between spaces spans from its
    first word's left to its last word's right, its characters side by side, so that later
    stages find the spaces the engine read and no others. When the words do not add up to
    the text, the line's box is divided instead."""
    plain = text.replace(" ", "")
    x0, top, x1, bottom = box
    lefts = [x0 + (x1 - x0) * i / max(1, len(plain)) for i in range(len(plain))]
    rights = [x0 + (x1 - x0) * (i + 1) / max(1, len(plain)) for i in range(len(plain))]
    if word_boxes and sum(len(w.replace(" ", "")) for w in words) == len(plain):
        i = 0
        for word, quad in zip(words, word_boxes):
            count = len(word.replace(" ", ""))
            left, right = float(min(p[0] for p in quad)), float(max(p[0] for p in quad))
            for k in range(count):
                lefts[i + k] = left + (right - left) * k / count
                rights[i + k] = left + (right - left) * (k + 1) / count
            i += count
    chars, i = [], 0
    for run in text.split():
        left, right = lefts[i], rights[i + len(run) - 1]
        step = (right - left) / len(run)
        chars.extend(OcrChar(text=ch, box=(left + k * step, top, left + (k + 1) * step, bottom), confidence=score)
                     for k, ch in enumerate(run))
        i += len(run)
    return tuple(chars)


def _quad_size(quad: np.ndarray) -> tuple[float, float]:
    w = float(max(np.linalg.norm(quad[1] - quad[0]), np.linalg.norm(quad[2] - quad[3])))
    h = float(max(np.linalg.norm(quad[3] - quad[0]), np.linalg.norm(quad[2] - quad[1])))
    return w, h


def _rgb(gray: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(np.stack([gray] * 3, axis=-1))


# ---------------------------------------------------------------- a page


@dataclass(frozen=True)
class UprightPage:
    """A page rendered grey, turned upright and straightened, with its text lines found."""

    image: np.ndarray          # image space: the upright, deskewed page
    orientation: int           # degrees clockwise the page's text was printed
    skew: float                # degrees removed after turning
    quads: list[np.ndarray]    # text lines on `image`, 4x2 corners, first the top-left


def upright_page(pdf: bytes | Path, page_number: int, settings: OcrSettings = DEFAULT_SETTINGS) -> UprightPage:
    """The page rendered grey, its orientation read from the lines found on it, turned
    upright and straightened. Detection is the costliest step after recognition, so the
    lines found for the orientation are kept (turned and straightened with the page) when
    the page was printed upright; a turned page has its lines found again once upright,
    where the detector separates them best."""
    import cv2

    gray = render_page_gray(pdf, page_number, settings.scale)
    quads = text_line_quads(gray, settings)
    orientation = page_orientation(gray, quads, settings)
    upright = rotate_quarter(gray, orientation)
    small = cv2.resize(upright, None, fx=settings.skew_scale, fy=settings.skew_scale, interpolation=cv2.INTER_AREA)
    skew = skew_angle(small, settings)
    if abs(skew) < settings.min_skew:
        skew = 0.0
    else:
        upright = deskew(upright, skew)
    if orientation:
        quads = text_line_quads(upright, settings)
    elif skew:
        quads = [deskew_quad(q, skew, upright.shape) for q in quads]
    return UprightPage(image=upright, orientation=orientation, skew=skew, quads=quads)


def ocr_page(page: SourcePage, pdf: bytes | Path, reason: str, settings: OcrSettings = DEFAULT_SETTINGS) -> SourcePage:
    """The page with glyphs and rulings read from its image instead of its text layer."""
    upright = upright_page(pdf, page.number, settings)
    image, orientation = upright.image, upright.orientation
    ink = binarize(image)
    raster = RasterSettings(scale=settings.scale)
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
    text = PageText(page=page.number, source="ocr", reason=reason, orientation=orientation,
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
            glyphs.append(Glyph(text=char.text, font=OCR_FONT, size=size, box=box, direction=orientation,  # type: ignore[arg-type]
                                confidence=round(char.confidence, 4)))
    return glyphs


def ink_height(ink: np.ndarray, box: tuple[float, float, float, float], dense: float = 0.15) -> float:
    """Height in pixels of a line's ink, counting only rows with at least `dense` of the
    fullest row's ink: the body of its characters, without the few pixels of brackets,
    commas and quotes that make a detected box taller or shorter. Divided by `ink_share` it
    stands in for the font size, which a picture does not give."""
    x0, top, x1, bottom = (int(round(v)) for v in box)
    profile = ink[max(0, top):bottom, max(0, x0):x1].sum(axis=1, dtype=np.float64)
    if not profile.size or profile.max() == 0:
        return float(bottom - top)
    rows = np.nonzero(profile >= dense * profile.max())[0]
    return float(rows[-1] - rows[0] + 1)


def snap_font_sizes(pages: list[SourcePage], tolerance: float) -> list[SourcePage]:
    """Measured ink heights vary by a few tenths of a point for one font size; layout tells
    body text, headings and titles apart by equal sizes. Sizes within `tolerance` (a share)
    of the most used one become that size, then the same for the rest, most used first."""
    weights: dict[float, int] = {}
    for page in pages:
        for glyph in page.glyphs:
            if glyph.confidence is not None:
                weights[glyph.size] = weights.get(glyph.size, 0) + 1
    snapped: dict[float, float] = {}
    for size in sorted(weights, key=lambda v: (-weights[v], v)):
        if size in snapped:
            continue
        centre = round(size * 2) / 2
        for other in weights:
            if other not in snapped and abs(other - size) <= tolerance * size:
                snapped[other] = centre
    return [page.model_copy(update={"glyphs": tuple(
        g.model_copy(update={"size": snapped[g.size]}) if g.confidence is not None else g for g in page.glyphs)})
        for page in pages]


# ---------------------------------------------------------------- a document


def ocr_document(source: SourceDocument, settings: OcrSettings = DEFAULT_SETTINGS) -> SourceDocument:
    """The document with every page whose text layer cannot be used read by OCR instead; every
    page says where its text came from. Raises NoticeError when no page has text after all."""
    if source.media_type != "application/pdf":
        pages = tuple(p.model_copy(update={"text": PageText(page=p.number, source="dump")}) for p in source.pages)
        errors = list(source.errors)
        text = "".join(line.text for p in source.pages for line in p.lines)
        count, rare = rare_ideograph_share(text)
        if count >= settings.plausible_min_ideographs and rare > settings.rare_share:
            errors.append(ErrorItem(stage=STAGE, code=ErrorCode.IMPLAUSIBLE_TEXT.value,
                                    message=f"{rare:.0%} of the dump's {count} ideographs are rare ones: it does not "
                                            f"read as Chinese prose (another encoding, or no text)"))
        else:
            errors.extend(_not_chinese(text, "dump", settings))
        return source.model_copy(update={"pages": pages, "errors": tuple(errors)})
    pdf = source.content or None
    pages, errors = [], list(source.errors)
    for page in source.pages:
        reason = text_layer_problem(page, pdf, settings)
        if reason is None:
            pages.append(page.model_copy(update={"text": PageText(page=page.number, source="pdf")}))
            continue
        if pdf is None:  # a document built in memory: nothing to render
            pages.append(page.model_copy(update={"text": PageText(page=page.number, source="pdf", reason=reason)}))
            continue
        try:
            pages.append(ocr_page(page, pdf, reason, settings))
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
    errors.extend(_not_chinese("".join(g.text for p in pages for g in p.glyphs), "document", settings))
    return source.model_copy(update={"pages": tuple(pages), "errors": tuple(errors)})


def _not_chinese(text: str, what: str, settings: OcrSettings) -> list[ErrorItem]:
    """An implausible_text error when the text, as finally read, is hardly Chinese: a font
    whose glyphs map to ASCII punctuation, bytes that are no text, a document in another
    script. The notice goes on (as partial): whatever was read is kept and marked."""
    count, share = chinese_share(text)
    if count and share < settings.min_chinese_share:
        return [ErrorItem(stage=STAGE, code=ErrorCode.IMPLAUSIBLE_TEXT.value,
                          message=f"only {share:.0%} of the {what}'s {count} characters (digits aside) are Chinese: "
                                  f"it does not read as a Chinese notice")]
    return []


class CellRereader:
    """Reads a table cell of an OCR'd page again, from its whole ruled area enlarged, rather
    than from the text line the detector outlined: what the records stage does before it
    calls a value unreadable. Returns (text, lowest line confidence), or None for cells not
    on an OCR'd page. Pages are turned upright and straightened as the OCR stage did (the same
    steps give the same image), once per page."""

    def __init__(self, source: SourceDocument, settings: OcrSettings = DEFAULT_SETTINGS):
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


def low_confidence_errors(paragraphs: list[Paragraph], tables: list[Table],
                          settings: OcrSettings = DEFAULT_SETTINGS) -> list[ErrorItem]:
    """One error for each paragraph and table cell of the output that OCR read with less than
    `low_confidence`, quoting what it read: such text is kept, marked, and never silent."""
    errors = []
    for paragraph in paragraphs:
        if paragraph.confidence is not None and paragraph.confidence < settings.low_confidence:
            page = paragraph.provenance[0].page if paragraph.provenance else None
            errors.append(ErrorItem(stage=STAGE, code=ErrorCode.LOW_CONFIDENCE.value, page=page,
                                    message=f"paragraph read with confidence {paragraph.confidence:.2f}: "
                                            f"{paragraph.text[:40]!r}"))
    for table in tables:
        for cell in table.cells:
            if cell.confidence is not None and cell.confidence < settings.low_confidence:
                page = cell.provenance[0].page if cell.provenance else None
                errors.append(ErrorItem(stage=STAGE, code=ErrorCode.LOW_CONFIDENCE.value, page=page,
                                        message=f"table {table.id} cell ({cell.row}, {cell.col}) read with confidence "
                                                f"{cell.confidence:.2f}: {cell.text!r}"))
    return errors
