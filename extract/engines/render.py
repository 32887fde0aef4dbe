"""Pages rendered by pdfium, as displayed (/Rotate applied): the one renderer every stage and
engine uses. Image space is pixels, top-left origin; `scale` pixels per point."""

from __future__ import annotations

from pathlib import Path

import numpy as np


def render_page_gray(pdf: bytes | Path, page_number: int, scale: float) -> np.ndarray:
    """The page as displayed, 8-bit grey, `scale` pixels per point. `pdf` is the file's bytes
    (what the load stage read, so that every stage sees one and the same file) or its path."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf if isinstance(pdf, bytes) else str(pdf))
    try:
        bitmap = document[page_number - 1].render(scale=scale, grayscale=True)
        return np.array(bitmap.to_numpy()).reshape(bitmap.height, bitmap.width, -1)[:, :, 0].copy()
    finally:
        document.close()
