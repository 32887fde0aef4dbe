"""Did a change alter any output? Hashes each stage's output (load, text, tables, and the notice
the records and every other stage end in: their JSON) for every PDF under `../shared/` and
`data/raw/`, and compares with an earlier run's file. The notice is hashed without its
`pipeline_version`: a version bump alone changes no output.

Usage:
  python bench/stage_hashes.py before.json              # on the code before the change
  python bench/stage_hashes.py after.json before.json   # after it: lists the files whose output differs

A speed change should list none; a change of behaviour lists the files it touched, to look at.
(A file written before the notice was hashed is compared on the stages it has.)
"""

from __future__ import annotations

import hashlib
import json
import sys
import warnings
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
STAGES = ("load", "text", "tables", "notice")


def _digest(model) -> str:
    return hashlib.sha256(model.model_dump_json().encode()).hexdigest()[:16]


def stage_hashes(pdf: Path) -> list[str]:
    """The sha256 (16 hex digits) of each stage's output JSON, or the error that stopped the run."""
    from extract.pipeline import run_pipeline

    try:
        run = run_pipeline(pdf)
    except Exception as exc:   # a document that fails is compared by its error
        return [f"{type(exc).__name__}: {exc}"[:200]]
    notice = run.notice.model_copy(update={"pipeline_version": None})
    return [_digest(result) for result in (run.loaded, run.source, run.tables, notice)]


def differing_stages(then: list[str], now: list[str]) -> list[str]:
    """The stages whose output differs (`error` when one run failed and the other did not, or
    failed otherwise), comparing the stages both runs hashed."""
    failed = [len(h) == 1 and len(h[0]) != 16 for h in (then, now)]
    if any(failed):
        return [] if then == now else ["error"]
    return [stage for stage, a, b in zip(STAGES, then, now) if a != b]


def main(argv: list[str]) -> int:
    if not argv or len(argv) > 2:
        print(__doc__)
        return 2
    warnings.simplefilter("ignore")
    pdfs = sorted({*(REPO.parent / "shared").rglob("*.pdf"), *(REPO / "data" / "raw").rglob("*.pdf")})
    hashes = {str(pdf.relative_to(REPO.parent)): stage_hashes(pdf) for pdf in pdfs}
    Path(argv[0]).write_text(json.dumps(hashes, indent=0, sort_keys=True), encoding="utf-8")
    print(f"{len(hashes)} PDFs hashed into {argv[0]}")
    if len(argv) == 2:
        before = json.loads(Path(argv[1]).read_text(encoding="utf-8"))
        differ = 0
        for name, now in hashes.items():
            then = before.get(name)
            which = ["new"] if then is None else differing_stages(then, now)
            if which:
                differ += 1
                print(f"  differs: {name} ({', '.join(which)})")
        print(f"{differ} of {len(hashes)} differ from {argv[1]}")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(REPO))
    raise SystemExit(main(sys.argv[1:]))
