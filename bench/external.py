"""Every PDF of ../shared/external/ (camelot's table suite, the Chinese public documents, the
ICDAR 2013 set) through the whole pipeline: how many extract, how many fail and with which
code, how many tables, and the time. A document that fails for a reason of its own (a user
password, no text at all) is listed with its code; any other failure is a bug to look at.

Prints; asserts nothing. Usage: python bench/external.py [SET ...] (sets: cn-gov camelot icdar2013)
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
EXTERNAL = REPO.parent / "shared" / "external"
SETS = {"cn-gov": EXTERNAL / "cn-gov", "camelot": EXTERNAL / "camelot" / "files", "icdar2013": EXTERNAL / "icdar2013"}

from extract.errors import NoticeError  # noqa: E402
from extract.pipeline import extract_notice  # noqa: E402


def main(names: list[str]) -> None:
    total = Counter()
    for name in names or list(SETS):
        pdfs = sorted(SETS[name].rglob("*.pdf"))
        counts, codes, seconds, tables = Counter(), Counter(), 0.0, 0
        for pdf in pdfs:
            start = time.perf_counter()
            try:
                notice = extract_notice(pdf)
                counts[notice.status] += 1
                tables += len(notice.tables)
            except NoticeError as exc:
                counts["failed"] += 1
                codes[exc.code.value] += 1
                print(f"  failed {pdf.relative_to(EXTERNAL)}: {exc.code.value}: {exc.message[:100]}")
            except Exception as exc:  # a bug: say so and go on
                counts["failed"] += 1
                codes[f"crash {type(exc).__name__}"] += 1
                print(f"  CRASH  {pdf.relative_to(EXTERNAL)}: {type(exc).__name__}: {exc}")
            seconds += time.perf_counter() - start
        extracted = counts["ok"] + counts["partial"]
        print(f"{name}: {extracted}/{len(pdfs)} extracted ({counts['ok']} ok, {counts['partial']} partial), "
              f"{counts['failed']} failed {dict(codes) or ''}, {tables} tables, {seconds:.1f} s")
        total.update({"documents": len(pdfs), "extracted": extracted, "failed": counts["failed"]})
    print(f"external: {total['extracted']}/{total['documents']} extracted, {total['failed']} failed")


if __name__ == "__main__":
    main(sys.argv[1:])
