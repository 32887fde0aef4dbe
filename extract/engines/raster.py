"""Ruling lines found on the rendered page, for tables whose vector rulings are missing or
broken (lines baked into an image, drawn as dots or short dashes).

Small OpenCV functions, one operation each: render -> binarize -> line mask (morphological
opening with a long thin kernel) -> segments (bounding boxes of the mask's contours) ->
rulings. Image space is pixels with a top-left origin; `image_to_display` turns it into the
page's display frame in points (pdfium renders the page as displayed, /Rotate applied).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from extract.engines.render import render_page_gray
from extract.model import Box, Ruling
from extract.settings import RasterSettings


def binarize(gray: np.ndarray) -> np.ndarray:
    """Ink as 255 on 0, by Otsu's threshold on the inverted image."""
    import cv2

    _, binary = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    return binary


def line_mask(binary: np.ndarray, horizontal: bool, min_length_px: int) -> np.ndarray:
    """Keep only runs of ink at least `min_length_px` long in one direction."""
    import cv2

    size = (min_length_px, 1) if horizontal else (1, min_length_px)
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, size)
    return cv2.morphologyEx(binary, cv2.MORPH_OPEN, kernel)


def mask_to_segments(mask: np.ndarray, max_thickness_px: int) -> list[tuple[int, int, int, int]]:
    """Bounding boxes (x, y, w, h) in image space of the mask's thin connected parts."""
    import cv2

    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    boxes = [cv2.boundingRect(c) for c in contours]
    return [b for b in boxes if min(b[2], b[3]) <= max_thickness_px]


def image_to_display(x: float, y: float, scale: float) -> tuple[float, float]:
    return x / scale, y / scale


def segments_to_rulings(segments, horizontal: bool, scale: float) -> list[Ruling]:
    rulings = []
    for x, y, w, h in segments:
        if horizontal:
            mid = y + h / 2
            (x0, top), (x1, _) = image_to_display(x, mid, scale), image_to_display(x + w, mid, scale)
            rulings.append(Ruling(box=Box(x0=x0, top=top, x1=x1, bottom=top).rounded()))
        else:
            mid = x + w / 2
            (x0, top), (_, bottom) = image_to_display(mid, y, scale), image_to_display(mid, y + h, scale)
            rulings.append(Ruling(box=Box(x0=x0, top=top, x1=x0, bottom=bottom).rounded()))
    return rulings


def raster_rulings(pdf: bytes | Path, page_number: int, settings: RasterSettings = RasterSettings()) -> list[Ruling]:
    """Horizontal and vertical rulings seen on the rendered page, in the display frame."""
    return image_rulings(render_page_gray(pdf, page_number, settings.scale), settings.scale, settings)


def image_rulings(gray: np.ndarray, scale: float, settings: RasterSettings = RasterSettings()) -> list[Ruling]:
    """Horizontal and vertical rulings on a grey page image of `scale` pixels per point, in
    points of the image's own frame."""
    return masks_to_rulings(*ruling_masks(binarize(gray), settings), scale, settings)


def masks_to_rulings(across: np.ndarray, down: np.ndarray, scale: float,
                     settings: RasterSettings = RasterSettings()) -> list[Ruling]:
    """The rulings in `ruling_masks`' two masks, in points of the image's frame."""
    return [*segments_to_rulings(mask_to_segments(across, settings.max_thickness_px), True, scale),
            *segments_to_rulings(mask_to_segments(down, settings.max_thickness_px), False, scale)]


def ruling_masks(binary: np.ndarray, settings: RasterSettings = RasterSettings()) -> tuple[np.ndarray, np.ndarray]:
    """The ink of a binarized page that belongs to horizontal and to vertical lines."""
    height, width = binary.shape
    return (line_mask(binary, True, max(10, int(width * settings.min_line_share))),
            line_mask(binary, False, max(10, int(height * settings.min_line_share))))
