"""Speed and memory of the whole pipeline against the obvious alternatives, in the same run and
on the same pages: pdfplumber's `extract_text` alone, and camelot's lattice tables alone.

Notices: the corpus PDFs, the Chinese public documents of ../shared/external/cn-gov (budgets and
final accounts of up to 25 pages) and generated notices with tables. Each tool runs on each PDF
in a fresh process (`--one TOOL PDF`), so that its time is the whole process's work after
imports and its peak memory (ru_maxrss) is its own. Prints, per PDF, pages and seconds for each
tool, the pipeline's time per stage and peak memory, and last:

    pipeline: A pages/s; pdfplumber text: B pages/s; camelot lattice: C pages/s

Asserts nothing. Usage: python bench/pipeline.py [--no-camelot]
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
EXTERNAL = REPO.parent / "shared" / "external" / "cn-gov"
sys.path.insert(0, str(REPO / "tests"))
TOOLS = ("pipeline", "pdfplumber", "camelot")


def one(tool: str, pdf: Path) -> dict:
    """Run `tool` on `pdf` in this process; what it took (imports done first, not counted)."""
    if tool == "pipeline":
        from extract.pipeline import run_pipeline
        start = time.perf_counter()
        run = run_pipeline(pdf)
        seconds, stages, pages = time.perf_counter() - start, run.seconds, run.notice.source.pages
        ocr_pages = sum(1 for p in run.notice.pages if p.source == "ocr")
    elif tool == "pdfplumber":
        import pdfplumber
        start = time.perf_counter()
        with pdfplumber.open(pdf) as document:
            pages = len([page.extract_text() for page in document.pages])
        seconds, stages, ocr_pages = time.perf_counter() - start, {}, 0
    else:
        import camelot
        start = time.perf_counter()
        camelot.read_pdf(str(pdf), pages="all", flavor="lattice")
        seconds, stages, ocr_pages = time.perf_counter() - start, {}, 0
        import pypdfium2 as pdfium
        pages = len(pdfium.PdfDocument(str(pdf)))
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"seconds": seconds, "pages": pages, "stages": stages, "peak_mib": peak_mib, "ocr_pages": ocr_pages}


def measured(tool: str, pdf: Path) -> dict | None:
    done = subprocess.run([sys.executable, __file__, "--one", tool, str(pdf)], capture_output=True, text=True)
    if done.returncode != 0:
        print(f"  {tool} failed on {pdf.name}: {done.stderr.strip().splitlines()[-1:]}")
        return None
    return json.loads(done.stdout.strip().splitlines()[-1])


def generated(folder: Path) -> list[Path]:
    """Notices made here: a long subsidy table over pages, a wide one printed sideways."""
    from record_notices import write_notice

    out = []
    for kind in ("A", "B"):
        path = folder / f"generated-{kind}.pdf"
        write_notice(kind, "pdf", path)
        out.append(path)
    return out


def main(tools: tuple[str, ...]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        pdfs = [*sorted((REPO / "data" / "raw").glob("*.pdf")), *sorted(EXTERNAL.glob("*.pdf")), *generated(Path(tmp))]
        totals = {tool: [0.0, 0] for tool in tools}
        stage_totals: dict[str, float] = {}
        peaks = []
        print(f"{'pdf':44} {'pages':>5} " + " ".join(f"{t + ' s':>12}" for t in tools) + f" {'peak MiB':>9}")
        for pdf in pdfs:
            results = {tool: measured(tool, pdf) for tool in tools}
            if any(r is None for r in results.values()):
                continue
            for tool, r in results.items():
                totals[tool][0] += r["seconds"]
                totals[tool][1] += r["pages"]
            ours = results["pipeline"]
            for stage, seconds in ours["stages"].items():
                stage_totals[stage] = stage_totals.get(stage, 0.0) + seconds
            peaks.append((ours["peak_mib"], pdf.name, ours["ocr_pages"]))
            print(f"{pdf.name[:44]:44} {ours['pages']:>5} "
                  + " ".join(f"{results[t]['seconds']:>12.2f}" for t in tools) + f" {ours['peak_mib']:>9.0f}"
                  + (f"  ({ours['ocr_pages']} pages read by OCR)" if ours["ocr_pages"] else ""))
    all_stages = sum(stage_totals.values()) or 1.0
    print("pipeline time per stage: " + ", ".join(f"{s} {v:.2f} s ({v / all_stages:.0%})" for s, v in stage_totals.items()))
    peak, name, ocr_pages = max(peaks)
    print(f"pipeline peak memory: {peak:.0f} MiB ({name}{', OCR' if ocr_pages else ''}); "
          f"born-digital only: {max((p for p, _, o in peaks if not o), default=0):.0f} MiB")
    rates = {tool: pages / seconds for tool, (seconds, pages) in totals.items()}
    if "pdfplumber" in rates:
        print(f"pipeline time / pdfplumber text time: {rates['pdfplumber'] / rates['pipeline']:.2f}x")
    names = {"pipeline": "pipeline", "pdfplumber": "pdfplumber text", "camelot": "camelot lattice"}
    print("; ".join(f"{names[t]}: {rates[t]:.2f} pages/s" for t in tools))


if __name__ == "__main__":
    if sys.argv[1:2] == ["--one"]:
        print(json.dumps(one(sys.argv[2], Path(sys.argv[3]))))
    else:
        main(tuple(t for t in TOOLS if not (t == "camelot" and "--no-camelot" in sys.argv)))
