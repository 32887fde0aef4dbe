"""Scans made by the tests: a PDF rendered to grey page images, each tilted a little, with
noise and JPEG artefacts, wrapped again as an image-only PDF (no text layer at all),
optionally stored sideways with a /Rotate key that turns it back for display (as some
scanners do).

Seeded, so that a scan is the same on every run.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np


@dataclass(frozen=True)
class ScanSettings:
    dpi: int = 200
    max_tilt: float = 1.0        # degrees, either way
    noise: float = 6.0           # standard deviation of the grey-level noise
    jpeg_quality: int = 75
    seed: int = 0


def scan_pages(pdf: Path, settings: ScanSettings = ScanSettings()) -> list[tuple[object, float]]:
    """The PDF's pages as scanned PIL images (as displayed), each with its tilt in degrees."""
    import pypdfium2 as pdfium
    from PIL import Image

    rng = np.random.default_rng(settings.seed)
    document = pdfium.PdfDocument(str(pdf))
    pages = []
    try:
        for page in document:
            image = page.render(scale=settings.dpi / 72, grayscale=True).to_pil().convert("L")
            tilt = float(rng.uniform(-settings.max_tilt, settings.max_tilt))
            image = image.rotate(tilt, resample=Image.BICUBIC, expand=False, fillcolor=255)
            pixels = np.asarray(image, dtype=np.float32) + rng.normal(0, settings.noise, (image.height, image.width))
            image = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), "L")
            buffer = io.BytesIO()
            image.save(buffer, "JPEG", quality=settings.jpeg_quality)
            pages.append((Image.open(io.BytesIO(buffer.getvalue())), tilt))
    finally:
        document.close()
    return pages


def write_scan(pdf: Path, out: Path, settings: ScanSettings = ScanSettings(), rotation: int = 0) -> list[float]:
    """Write `pdf` as an image-only scan to `out`; returns each page's tilt in degrees. With
    `rotation`, each page image is stored turned anticlockwise and the page carries /Rotate
    `rotation`, so that it displays as the original."""
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    pages = scan_pages(pdf, settings)
    pdf_out = canvas.Canvas(str(out))
    for image, _ in pages:
        stored = image.rotate(rotation, expand=True) if rotation else image  # PIL turns anticlockwise
        width, height = stored.width * 72 / settings.dpi, stored.height * 72 / settings.dpi
        # reportlab swaps the MediaBox of a page with /Rotate 90 or 270 itself: give it the displayed size
        pdf_out.setPageSize((height, width) if rotation in (90, 270) else (width, height))
        pdf_out.drawImage(ImageReader(stored), 0, 0, width=width, height=height)
        if rotation:
            pdf_out.setPageRotation(rotation)
        pdf_out.showPage()
    pdf_out.save()
    return [tilt for _, tilt in pages]
