"""ICDAR 2013 table competition, structure measure: adjacency relations.

For every page of the 67 documents in `../shared/external/icdar2013/`, the truth tables (from
`<doc>-str.xml`) and each tool's tables give relations: each non-empty cell with its nearest
non-empty neighbour to the right and below (a merged cell's text in its top-left slot; text
compared without white space). A tool's relations are matched against the truth's on the same
page (tables pooled per page, as no tool says which truth table it found); precision, recall and
F1 over all relations of all pages, and each tool's time. Tables a tool finds where the truth has
none cost it precision.

Then the time that issue 14 compares, measured again: this pipeline's load, text (OCR) and tables
stages against camelot stream's whole run, each over the 67 documents, in `ROUNDS` rounds that
alternate which tool goes first; the median of each and their ratio, and the ratio without the text
stage (OCR of pages whose text layer is not the page's), which camelot does not do. One pass each is not enough
on a shared virtual machine: the same code's pass varies by 10-40% from one run to the next
(first passes slowest), more than the difference being measured.

Usage: python bench/icdar.py [rounds]   (also run by bench/tables.py)
"""

from __future__ import annotations

import re
import statistics
import sys
import time
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
ICDAR = REPO.parent / "shared" / "external" / "icdar2013"

Grid = list[list[str]]
Relation = tuple[str, str, str]   # (direction "right"/"below", text, neighbour's text)


def norm(text: str | None) -> str:
    return re.sub(r"\s+", "", text or "")


def relations(grid: Grid) -> Counter:
    """Each non-empty cell with its nearest non-empty neighbour to the right and below."""
    out: Counter = Counter()
    rows = [[norm(c) for c in row] for row in grid]
    width = max((len(r) for r in rows), default=0)
    rows = [r + [""] * (width - len(r)) for r in rows]
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            if not text:
                continue
            right = next((t for t in row[c + 1:] if t), None)
            below = next((rows[k][c] for k in range(r + 1, len(rows)) if rows[k][c]), None)
            if right is not None:
                out[("right", text, right)] += 1
            if below is not None:
                out[("below", text, below)] += 1
    return out


def truth(xml: Path) -> dict[int, list[Grid]]:
    """Each page's truth tables as grids (a spanning cell's text in its top-left slot)."""
    pages: dict[int, list[Grid]] = {}
    for table in ET.parse(xml).getroot().iter("table"):
        for region in table.iter("region"):
            cells = []
            for cell in region.iter("cell"):
                row, col = int(cell.get("start-row")), int(cell.get("start-col"))
                end_row, end_col = int(cell.get("end-row", row)), int(cell.get("end-col", col))
                cells.append((row, col, end_row, end_col, cell.findtext("content") or ""))
            if not cells:
                continue
            n_rows = max(c[2] for c in cells) + 1
            n_cols = max(c[3] for c in cells) + 1
            grid = [[""] * n_cols for _ in range(n_rows)]
            for row, col, _, _, text in cells:
                grid[row][col] = text
            pages.setdefault(int(region.get("page")), []).append(grid)
    return pages


def documents() -> list[tuple[Path, Path]]:
    """(pdf, structure truth) pairs; truth files without a PDF of their name are skipped."""
    out = []
    for xml in sorted(ICDAR.glob("competition-dataset-*/*-str.xml")):
        pdf = xml.with_name(xml.name.replace("-str.xml", ".pdf"))
        if pdf.exists():
            out.append((pdf, xml))
    return out


# Seconds this pipeline spent in each stage that reads tables (load, the text stage's OCR,
# tables: what the other tools do), of all it spent (layout, structure and records besides),
# summed over the documents of a run.
TABLE_STAGES = ("load", "text", "tables")
stage_seconds = dict.fromkeys(TABLE_STAGES, 0.0)


def ours(pdf: Path) -> dict[int, list[Grid]]:
    from extract.pipeline import run_pipeline

    out: dict[int, list[Grid]] = {}
    run = run_pipeline(pdf)   # the pipeline's own stages, OCR included
    for stage in TABLE_STAGES:
        stage_seconds[stage] += run.seconds[stage]
    for table in run.tables.tables:
        grid: Grid = [[""] * table.n_cols for _ in range(table.n_rows)]
        for cell in table.cells:
            grid[cell.row][cell.col] = cell.text or ""
        # a table over pages: its rows go to the page they stand on
        for page in table.pages:
            rows = sorted({c.row for c in table.cells if c.provenance and c.provenance[0].page == page})
            out.setdefault(page, []).append([grid[r] for r in rows] if len(table.pages) > 1 else grid)
    return out


def camelot_flavor(flavor: str):
    def read(pdf: Path) -> dict[int, list[Grid]]:
        import camelot

        out: dict[int, list[Grid]] = {}
        for table in camelot.read_pdf(str(pdf), pages="all", flavor=flavor):
            out.setdefault(int(table.page), []).append([[str(c) for c in row] for row in table.df.values.tolist()])
        return out
    return read


def pdfplumber_tables(pdf: Path) -> dict[int, list[Grid]]:
    import pdfplumber

    out: dict[int, list[Grid]] = {}
    with pdfplumber.open(pdf) as doc:
        for page in doc.pages:
            for table in page.extract_tables():
                out.setdefault(page.page_number, []).append([[c or "" for c in row] for row in table])
    return out


TOOLS = [("this pipeline", ours), ("camelot stream", camelot_flavor("stream")),
         ("camelot hybrid", camelot_flavor("hybrid")), ("pdfplumber extract_tables", pdfplumber_tables)]


def measure(tools=TOOLS, docs=None) -> dict[str, tuple[float, float, float, float]]:
    """Per tool: (precision, recall, F1, seconds)."""
    import warnings

    docs = docs if docs is not None else documents()
    truths = {pdf: truth(xml) for pdf, xml in docs}
    results = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")   # camelot warns of every page without a table
        for name, tool in tools:
            results[name] = _measure_one(tool, name, docs, truths)
    return results


def _measure_one(tool, name: str, docs, truths) -> tuple[float, float, float, float]:
    """One tool's (precision, recall, F1, seconds) over the documents."""
    correct = found = expected = 0
    seconds = 0.0
    for pdf, _ in docs:
        start = time.perf_counter()
        try:
            got = tool(pdf)
        except Exception as exc:  # a tool that fails on a document finds nothing there
            print(f"  {name} failed on {pdf.name}: {type(exc).__name__}: {exc}", file=sys.stderr)
            got = {}
        seconds += time.perf_counter() - start
        for page in set(got) | set(truths[pdf]):
            want = sum((relations(g) for g in truths[pdf].get(page, [])), Counter())
            have = sum((relations(g) for g in got.get(page, [])), Counter())
            correct += sum((want & have).values())
            found += sum(have.values())
            expected += sum(want.values())
    precision = correct / found if found else 0.0
    recall = correct / expected if expected else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return (precision, recall, f1, seconds)


def report(results: dict[str, tuple[float, float, float, float]]) -> None:
    print(f"ICDAR 2013 table competition ({len(documents())} documents), adjacency relations per page:")
    base = results.get("this pipeline", (0, 0, 0, 0))[3]
    for name, (precision, recall, f1, seconds) in results.items():
        ratio = f"{seconds / base:4.1f}x this pipeline's" if base else ""
        print(f"  {name:28} precision {precision:.3f}  recall {recall:.3f}  F1 {f1:.3f}   time {seconds:6.1f}s {ratio}")
    if base:
        stream = results.get("camelot stream", (0, 0, 0, 0))[3]
        table_seconds = sum(stage_seconds.values())
        read_seconds = stage_seconds["load"] + stage_seconds["tables"]
        against = (f": {table_seconds / stream:.2f}x camelot stream's time; without the text stage (OCR of scanned "
                   f"pages, checks of page-size pictures), which camelot does not do, {read_seconds / stream:.2f}x") if stream else ""
        print(f"  (this pipeline's time is the whole pipeline's; its load, OCR and tables stages took "
              f"{table_seconds:.1f}s of it: {stage_seconds['load']:.1f}s, {stage_seconds['text']:.1f}s and "
              f"{stage_seconds['tables']:.1f}s{against})")


def table_stages(pdf: Path) -> float:
    """This pipeline's stages that do what camelot stream does, and OCR: load, text, tables.
    Returns the seconds the text stage took of them (OCR of scanned pages, checks of page-size
    pictures), which camelot does not do."""
    from extract.pipeline import cycle_collection_paused, route_for
    from extract.settings import PipelineSettings

    settings = PipelineSettings.resolve(None)
    route = route_for(pdf)
    with cycle_collection_paused():   # as run_pipeline runs them
        source = route.load(pdf, str(pdf))
        start = time.perf_counter()
        text = route.read_text(source, settings)
        text_seconds = time.perf_counter() - start
        route.find_tables(text, settings)
    return text_seconds


ROUNDS = 5


def timing_rounds(rounds: int = ROUNDS, docs=None) -> dict[str, list[float]]:
    """Seconds per round over all documents: this pipeline's table stages and camelot stream,
    the one that goes first alternating from round to round."""
    import warnings

    docs = docs if docs is not None else [pdf for pdf, _ in documents()]
    ours = "this pipeline's load, text and tables stages"
    tools = [(ours, table_stages), ("camelot stream", camelot_flavor("stream"))]
    seconds: dict[str, list[float]] = {ours: [], WITHOUT_TEXT: [], "camelot stream": []}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")   # camelot warns of every page without a table
        for k in range(rounds):
            for name, tool in tools if k % 2 == 0 else tools[::-1]:
                text_seconds = 0.0
                start = time.perf_counter()
                for pdf in docs:
                    try:
                        text_seconds += tool(pdf) or 0.0
                    except Exception:   # counted as in measure(): a failure finds nothing
                        pass
                seconds[name].append(time.perf_counter() - start)
                if name == ours:
                    seconds[WITHOUT_TEXT].append(seconds[name][-1] - text_seconds)
    return seconds


WITHOUT_TEXT = "  of which load and tables (no OCR)"


def report_timing(seconds: dict[str, list[float]]) -> None:
    (_, our_times), (_, read_times), (_, stream_times) = seconds.items()
    print(f"  time again, {len(our_times)} rounds alternating who goes first (median; each round):")
    for name, times in seconds.items():
        print(f"    {name:46} {statistics.median(times):6.1f}s  ({', '.join(f'{t:.1f}' for t in times)})")
    stream = statistics.median(stream_times)
    print(f"    ratio: {statistics.median(our_times) / stream:.2f}x camelot stream's time; "
          f"load and tables alone (camelot does no OCR): {statistics.median(read_times) / stream:.2f}x")


if __name__ == "__main__":
    sys.path.insert(0, str(REPO))
    report(measure())
    report_timing(timing_rounds(int(sys.argv[1]) if len(sys.argv) > 1 else ROUNDS))
