"""Did a change alter any output? Hashes each stage's output (load, text, tables: their JSON) for
every PDF under `../shared/` and `data/raw/`, and compares with an earlier run's file.

Usage:
  python bench/stage_hashes.py before.json              # on the code before the change
  python bench/stage_hashes.py after.json before.json   # after it: lists the files whose output differs

A speed change should list none; a change of behaviour lists the files it touched, to look at.
"""

from __future__ import annotations

import hashlib
import json
import sys
import warnings
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
STAGES = ("load", "text", "tables")


def stage_hashes(pdf: Path) -> list[str]:
    """The sha256 (16 hex digits) of each stage's output JSON, or the error that stopped it."""
    from extract.pipeline import cycle_collection_paused, route_for
    from extract.settings import PipelineSettings

    settings = PipelineSettings.resolve(None)
    route = route_for(pdf)
    out = []
    try:
        with cycle_collection_paused():
            loaded = route.load(pdf, str(pdf))
            source = route.read_text(loaded, settings)
            for result in (loaded, source, route.find_tables(source, settings)):
                out.append(hashlib.sha256(result.model_dump_json().encode()).hexdigest()[:16])
    except Exception as exc:   # a document that fails is compared by its error
        out.append(f"{type(exc).__name__}: {exc}"[:200])
    return out


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
            if then != now:
                differ += 1
                which = [s for k, s in enumerate(STAGES) if then is None or k >= min(len(then), len(now)) or then[k] != now[k]]
                print(f"  differs: {name} ({', '.join(which) or 'error'})")
        print(f"{differ} of {len(hashes)} differ from {argv[1]}")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(REPO))
    raise SystemExit(main(sys.argv[1:]))
