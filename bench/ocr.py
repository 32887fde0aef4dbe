"""OCR accuracy and speed on scans made here (tests/scan_gen.py: 200 dpi grey, tilted up to
±1°, noise, JPEG), of the corpus PDFs and of a generated notice.

Figures, per document and in total:
- body accuracy: character accuracy (1 - Levenshtein distance / length) of the body
  paragraphs the whole pipeline rebuilds from the scan, against those it rebuilds from the
  PDF's text layer, and pages per second for the whole pipeline on the scan, with RapidOCR's
  models run by OpenVINO (the default) and by ONNX Runtime (as the engine ships);
- engine accuracy: the same measure on every page's raw text (the text layer's lines in
  reading order, tables included, against the engine's lines in its order), for each OCR
  engine on the same upright, straightened page images (RapidOCR on either runtime, and
  Tesseract chi_sim when installed), with each one's pages per second for line detection
  and recognition alone;
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
from dataclasses import replace
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from conftest import jiangxi_spec  # noqa: E402
from notice_gen import write_notice_pdf  # noqa: E402
from rapidfuzz.distance import Levenshtein  # noqa: E402
from scan_gen import ScanSettings, write_scan  # noqa: E402

from extract.engines.ocr_engine import (  # noqa: E402
    OpenVinoSession,
    read_lines,
    text_line_quads,
    upright_page,
)
from extract.model import walk_sections  # noqa: E402
from extract.pipeline import extract_notice, load_source  # noqa: E402
from extract.settings import LayoutSettings, OcrSettings  # noqa: E402
from extract.stages.layout import pdf_lines  # noqa: E402

OCR_SETTINGS = OcrSettings()

THRESHOLDS = (0.5, 0.7, 0.8, 0.85, 0.9, 0.95)


def norm(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


def accuracy(got: str, want: str) -> float:
    return 1 - Levenshtein.distance(norm(got), norm(want)) / max(1, len(norm(want)))


def body_text(notice) -> str:
    sections = [p.text for s in walk_sections(notice.sections) for p in s.paragraphs]
    return "".join([p.text for p in notice.preamble] + sections + [p.text for p in notice.closing])


def tesseract_text(image) -> str:
    from PIL import Image

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "page.png"
        Image.fromarray(image).save(path)
        done = subprocess.run(["tesseract", str(path), "-", "-l", "chi_sim", "--psm", "3"],
                              capture_output=True, text=True, check=True)
    return done.stdout


INFERENCE_S = [0.0]  # seconds spent inside OpenVINO's model calls


def timed_inference(call):
    def timed(self, batch):
        start = time.perf_counter()
        try:
            return call(self, batch)
        finally:
            INFERENCE_S[0] += time.perf_counter() - start
    return timed


def row(name: str, t: dict, runtimes, engines) -> str:
    pages, chars = t["pages"], max(1, t["chars"])
    return (f"{name:28} {pages:>5} {1 - t['body'][0] / max(1, t['body'][1]):>9.2%}"
            + "".join(f" {pages / t[f'pipeline_s {n}']:>12.2f}" for n in runtimes)
            + "".join(f" {1 - t[f'errors {n}'] / chars:>15.2%} {pages / t[f's {n}']:>5.2f}" for n in engines))


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

    runtimes = {"openvino": OCR_SETTINGS, "onnxruntime": replace(OCR_SETTINGS, runtime="onnxruntime")}
    engines = [*runtimes, *(["tesseract"] if tesseract else [])]
    print(f"cores: {os.cpu_count()}; scans at {ScanSettings().dpi} dpi; RapidOCR's models run by "
          f"{' and '.join(runtimes)}; " + ("tesseract chi_sim" if tesseract else "tesseract not installed"))
    print(f"{'document':28} {'pages':>5} {'body acc':>9}" + "".join(f" {'pipeline p/s':>12}" for _ in runtimes)
          + "".join(f" {name[:11] + ' acc':>15} {'p/s':>5}" for name in engines))
    print(f"{'':44}" + "".join(f" {name[:12]:>12}" for name in runtimes))
    OpenVinoSession.__call__ = timed_inference(OpenVinoSession.__call__)
    totals = {"pages": 0, "body": [0, 0], "chars": 0, "inference_s": 0.0, **{f"pipeline_s {n}": 0.0 for n in runtimes},
              **{f"errors {n}": 0 for n in engines}, **{f"s {n}": 0.0 for n in engines}}
    calibration: list[tuple[float, bool]] = []
    for seed, (name, pdf) in enumerate(documents.items()):
        scan = work / f"{name}-scan.pdf"
        write_scan(pdf, scan, ScanSettings(seed=seed))
        layer = load_source(pdf)
        pages = len(layer.pages)
        t = {"pages": pages, "chars": 0, **{f"errors {n}": 0 for n in engines}, **{f"s {n}": 0.0 for n in engines}}
        for runtime, settings in runtimes.items():
            inference = INFERENCE_S[0]
            start = time.perf_counter()
            notice = extract_notice(scan, settings)
            t[f"pipeline_s {runtime}"] = time.perf_counter() - start
            if runtime == "openvino":
                from_scan = notice
                t["inference_s"] = INFERENCE_S[0] - inference
        want_body, got_body = body_text(extract_notice(pdf)), body_text(from_scan)
        t["body"] = [Levenshtein.distance(norm(got_body), norm(want_body)), len(norm(want_body))]

        by_page: dict[int, str] = {}
        for line in pdf_lines(layer, (), LayoutSettings()):  # the text layer in reading order, top to bottom
            by_page[line.page] = by_page.get(line.page, "") + line.text
        for page in layer.pages:
            want = norm(by_page.get(page.number, ""))
            t["chars"] += len(want)
            upright = upright_page(scan, page.number).image
            for runtime, settings in runtimes.items():
                start = time.perf_counter()
                lines = read_lines(upright, text_line_quads(upright, settings), settings)
                t[f"s {runtime}"] += time.perf_counter() - start
                t[f"errors {runtime}"] += Levenshtein.distance(norm("".join(line.text for line in lines)), want)
                if runtime == "openvino":
                    calibration.extend((line.confidence, norm(line.text) in want) for line in lines if norm(line.text))
            if tesseract:
                start = time.perf_counter()
                text = tesseract_text(upright)
                t["s tesseract"] += time.perf_counter() - start
                t["errors tesseract"] += Levenshtein.distance(norm(text), want)
        print(row(name, t, runtimes, engines))
        for key, value in t.items():
            totals[key] = [a + b for a, b in zip(totals[key], value)] if key == "body" else totals[key] + value
    print(row("all", totals, runtimes, engines))
    pipeline = {n: totals["pages"] / totals[f"pipeline_s {n}"] for n in runtimes}
    print(f"openvino runs the pipeline {pipeline['openvino'] / pipeline['onnxruntime']:.2f}x as fast as onnxruntime"
          + (f"; recognition alone with openvino is {totals['s tesseract'] / totals['s openvino']:.1f}x tesseract's speed"
             if tesseract else ""))
    per_page = totals["inference_s"] / totals["pages"]
    print(f"the models alone (detection, orientation, recognition; OpenVINO, f32) take {per_page:.2f} s a page "
          f"of the pipeline's {totals['pipeline_s openvino'] / totals['pages']:.2f} s")
    print(f"body target >= 99.5% and >= 1 page/s; low-confidence threshold in use: {OCR_SETTINGS.low_confidence}")

    wrong = [c for c, right in calibration if not right]
    right = [c for c, right in calibration if right]
    print(f"\ncalibration over {len(calibration)} RapidOCR lines ({len(wrong)} not found in the text layer):")
    print(f"{'threshold':>9} {'wrong lines flagged':>20} {'right lines flagged':>20}")
    for threshold in THRESHOLDS:
        print(f"{threshold:>9} {sum(c < threshold for c in wrong):>12}/{len(wrong):<7} "
              f"{sum(c < threshold for c in right):>12}/{len(right):<7}")


if __name__ == "__main__":
    main()
