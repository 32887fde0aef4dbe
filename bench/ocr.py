"""OCR accuracy and speed on scans made here (tests/scan_gen.py: 200 dpi grey, tilted up to
±1°, noise, JPEG), of the corpus PDFs and of a generated notice.

Figures, per document and in total:
- body accuracy: character accuracy (1 - Levenshtein distance / length) of the body
  paragraphs the whole pipeline rebuilds from the scan, against those it rebuilds from the
  PDF's text layer, and pages per second for the whole pipeline on the scan;
- engine accuracy: the same measure on every page's raw text (the text layer's lines in
  reading order, tables included, against the engine's lines in its order), for each OCR
  engine on the same upright, straightened page images (RapidOCR, and Tesseract chi_sim
  when installed), with each engine's pages per second for recognition alone;
- calibration: how many wrongly read lines, and how many rightly read ones, fall below each
  confidence threshold (a line is right when its text occurs in the page's text layer).
Text is compared after NFKC (full- and half-width punctuation are one) with white space removed.
Prints; asserts nothing.

Usage: python bench/ocr.py [--no-tesseract]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
import unicodedata
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from conftest import jiangxi_spec  # noqa: E402
from notice_gen import write_notice_pdf  # noqa: E402
from rapidfuzz.distance import Levenshtein  # noqa: E402
from scan_gen import ScanSettings, write_scan  # noqa: E402

from extract.layout import DEFAULT_SETTINGS as LAYOUT_SETTINGS  # noqa: E402
from extract.layout import pdf_lines  # noqa: E402
from extract.load import load_source  # noqa: E402
from extract.ocr import DEFAULT_SETTINGS, read_lines, text_line_quads, upright_page  # noqa: E402
from extract.pipeline import extract_notice  # noqa: E402

THRESHOLDS = (0.5, 0.7, 0.8, 0.85, 0.9, 0.95)


def norm(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


def accuracy(got: str, want: str) -> float:
    return 1 - Levenshtein.distance(norm(got), norm(want)) / max(1, len(norm(want)))


def body_text(notice) -> str:
    def walk(sections) -> list[str]:
        return [t for s in sections for t in [*(p.text for p in s.paragraphs), *walk(s.children)]]
    return "".join([p.text for p in notice.preamble] + walk(notice.sections) + [p.text for p in notice.closing])


def tesseract_text(image) -> str:
    from PIL import Image

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "page.png"
        Image.fromarray(image).save(path)
        done = subprocess.run(["tesseract", str(path), "-", "-l", "chi_sim", "--psm", "3"],
                              capture_output=True, text=True, check=True)
    return done.stdout


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--no-tesseract", action="store_true")
    args = parser.parse_args()
    tesseract = not args.no_tesseract and shutil.which("tesseract") is not None
    work = Path(tempfile.mkdtemp(prefix="bench-ocr-"))
    documents = {name: REPO / "data" / "raw" / f"{name}.pdf"
                 for name in ("henan-2025-digital-talent", "yunnan-2023-digital-engineer")}
    write_notice_pdf(work / "generated-notice.pdf", jiangxi_spec())
    documents["generated-notice"] = work / "generated-notice.pdf"

    print(f"cores: {os.cpu_count()}; scans at {ScanSettings().dpi} dpi; engines: rapidocr"
          + (", tesseract" if tesseract else " (tesseract not installed)"))
    print(f"{'document':32} {'pages':>5} {'body acc':>9} {'pipeline p/s':>12} {'rapidocr acc':>12} {'p/s':>6}"
          + (f" {'tesseract acc':>13} {'p/s':>6}" if tesseract else ""))
    totals = {"pages": 0, "pipeline_s": 0.0, "body": [0, 0], "rapid": [0, 0], "rapid_s": 0.0, "tess": [0, 0], "tess_s": 0.0}
    calibration: list[tuple[float, bool]] = []
    for seed, (name, pdf) in enumerate(documents.items()):
        scan = work / f"{name}-scan.pdf"
        write_scan(pdf, scan, ScanSettings(seed=seed))
        layer = load_source(pdf)
        pages = len(layer.pages)
        start = time.perf_counter()
        from_scan = extract_notice(scan)
        pipeline_s = time.perf_counter() - start
        want_body, got_body = body_text(extract_notice(pdf)), body_text(from_scan)
        body_errors = Levenshtein.distance(norm(got_body), norm(want_body))

        rapid_errors = tess_errors = chars = 0
        rapid_s = tess_s = 0.0
        by_page: dict[int, str] = {}
        for line in pdf_lines(layer, (), LAYOUT_SETTINGS):  # the text layer in reading order, top to bottom
            by_page[line.page] = by_page.get(line.page, "") + line.text
        for page in layer.pages:
            want = norm(by_page.get(page.number, ""))
            upright, _, _ = upright_page(scan, page.number)
            start = time.perf_counter()
            lines = read_lines(upright, text_line_quads(upright))
            rapid_s += time.perf_counter() - start
            got = "".join(line.text for line in lines)
            rapid_errors += Levenshtein.distance(norm(got), want)
            chars += len(want)
            calibration.extend((line.confidence, norm(line.text) in want) for line in lines if norm(line.text))
            if tesseract:
                start = time.perf_counter()
                text = tesseract_text(upright)
                tess_s += time.perf_counter() - start
                tess_errors += Levenshtein.distance(norm(text), want)
        totals["pages"] += pages
        totals["pipeline_s"] += pipeline_s
        totals["body"][0] += body_errors
        totals["body"][1] += len(norm(want_body))
        totals["rapid"][0] += rapid_errors
        totals["rapid"][1] += chars
        totals["rapid_s"] += rapid_s
        totals["tess"][0] += tess_errors
        totals["tess_s"] += tess_s
        row = (f"{name:32} {pages:>5} {1 - body_errors / max(1, len(norm(want_body))):>9.2%} {pages / pipeline_s:>12.2f}"
               f" {1 - rapid_errors / max(1, chars):>12.2%} {pages / rapid_s:>6.2f}")
        if tesseract:
            row += f" {1 - tess_errors / max(1, chars):>13.2%} {pages / tess_s:>6.2f}"
        print(row)
    t = totals
    row = (f"{'all':32} {t['pages']:>5} {1 - t['body'][0] / t['body'][1]:>9.2%} {t['pages'] / t['pipeline_s']:>12.2f}"
           f" {1 - t['rapid'][0] / t['rapid'][1]:>12.2%} {t['pages'] / t['rapid_s']:>6.2f}")
    if tesseract:
        row += f" {1 - t['tess'][0] / t['rapid'][1]:>13.2%} {t['pages'] / t['tess_s']:>6.2f}"
        row += f"   (rapidocr is {t['tess_s'] / t['rapid_s']:.1f}x tesseract's speed)"
    print(row)
    print(f"body target >= 99.5% and >= 1 page/s; low-confidence threshold in use: {DEFAULT_SETTINGS.low_confidence}")

    wrong = [c for c, right in calibration if not right]
    right = [c for c, right in calibration if right]
    print(f"\ncalibration over {len(calibration)} RapidOCR lines ({len(wrong)} not found in the text layer):")
    print(f"{'threshold':>9} {'wrong lines flagged':>20} {'right lines flagged':>20}")
    for threshold in THRESHOLDS:
        print(f"{threshold:>9} {sum(c < threshold for c in wrong):>12}/{len(wrong):<7} "
              f"{sum(c < threshold for c in right):>12}/{len(right):<7}")


if __name__ == "__main__":
    main()
