"""The OCR runtime: RapidOCR's models (PP-OCRv4 Chinese, shipped inside the
rapidocr-onnxruntime wheel; nothing is downloaded at run time) run by OpenVINO, and what is
done with page images around them, one small step each:

  `upright_page`: `render_page_gray`; `text_line_quads` and `page_orientation` (0/90/180/270:
  the shape of the text lines, then the engine's 0°/180° line classifier); `rotate_quarter`
  to upright; `skew_angle` on a reduced copy (where the rows of ink are most uneven) and
  `deskew`; the lines turned with the page (`deskew_quad`), or found again when the page was
  turned a quarter or more; `missed_ink_quads` (ink in ruled cells the detector passed over);
  `read_lines` (text, confidence, a box per character); `ink_height` (a line's font size).

Image space is pixels, top-left origin, of the upright and deskewed page image. The engine
knows images, not notices: `extract.stages.ocr` decides which pages it reads. See the README
for why this engine and not Tesseract, and why OpenVINO.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from extract.common.text import doc_number_brackets, widen_cjk_punctuation
from extract.config import OCR_MODEL_CACHE
from extract.engines.raster import binarize
from extract.engines.render import render_page_gray
from extract.errors import ErrorCode, NoticeError
from extract.settings import OcrSettings

STAGE = "ocr"   # the engine's errors are the OCR stage's


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
    _normalise_by_table(engine.text_det)
    if runtime == "openvino":
        # the engine's pre- and post-processing stay; only its three model sessions change
        from rapidocr_onnxruntime.main import DEFAULT_CFG_PATH
        from rapidocr_onnxruntime.utils import read_yaml, update_model_path

        models = update_model_path(read_yaml(DEFAULT_CFG_PATH))
        engine.text_det.infer = OpenVinoSession(models["Det"]["model_path"], threads)
        engine.text_cls.session = OpenVinoSession(models["Cls"]["model_path"], threads)
        engine.text_rec.session = OpenVinoSession(models["Rec"]["model_path"], threads)
    return engine


def _normalise_by_table(detector) -> None:
    """The detector's input normalisation, `(pixel / 255 - mean) / std` worked out in float64
    over the whole page image (a third of a second a page, more than any other step around the
    model), read instead from a table of its 256 values per channel that the engine's own function
    makes: the same float32 figures (tested), about ten times faster."""
    make = detector.get_preprocess

    def get_preprocess(max_side: int):
        step = make(max_side)
        step.normalize = _table_normalisation(step.normalize)
        return step

    detector.get_preprocess = get_preprocess


def _table_normalisation(normalize):
    """`normalize` (uint8 colour image in, floats out, each pixel on its own) as a table lookup."""
    levels = np.arange(256, dtype=np.uint8).reshape(256, 1, 1).repeat(3, axis=2)
    table = np.asarray(normalize(levels), dtype=np.float32).reshape(256, 3)

    def by_table(image: np.ndarray) -> np.ndarray:
        if image.dtype != np.uint8 or image.ndim != 3 or image.shape[2] != 3:
            return normalize(image)
        return np.stack([table[:, channel][image[..., channel]] for channel in range(3)], axis=-1)
    return by_table


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
        try:
            # compiled once per machine, not once per process (the cache holds the same compiled model)
            self.model = openvino.Core().compile_model(str(model_path), "CPU", {**config, "CACHE_DIR": str(OCR_MODEL_CACHE)})
        except RuntimeError:   # the cache cannot be written (a read-only home): compile here
            self.model = openvino.Core().compile_model(str(model_path), "CPU", config)

    def __call__(self, batch: np.ndarray) -> list[np.ndarray]:
        return [self.model(batch)[0]]


def text_line_quads(gray: np.ndarray, settings: OcrSettings = OcrSettings()) -> list[np.ndarray]:
    """Detected text lines as 4x2 corner arrays (clockwise from top-left as detected), image space."""
    quads, _ = ocr_engine(settings.threads, settings.runtime)(_rgb(gray), use_det=True, use_cls=False, use_rec=False)
    return [np.array(q, dtype=np.float32) for q in quads or []]


def page_orientation(gray: np.ndarray, quads: list[np.ndarray], settings: OcrSettings = OcrSettings()) -> int:
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


def skew_angle(gray: np.ndarray, settings: OcrSettings = OcrSettings()) -> float:
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
                     settings: OcrSettings = OcrSettings()) -> list[np.ndarray]:
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


def read_lines(gray: np.ndarray, quads: list[np.ndarray], settings: OcrSettings = OcrSettings()) -> list[OcrLine]:
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


def upright_page(pdf: bytes | Path, page_number: int, settings: OcrSettings = OcrSettings()) -> UprightPage:
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
