"""Command line: `python -m extract notice|run|validate|schema`.

Exit status: 0 when every notice was extracted (or every file is valid), 1 when any failed,
2 for a usage error.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from extract.config import RAW_DIR, RUN_REPORT, SCHEMA_DIR, STRUCTURED_DIR
from extract.errors import NoticeError
from extract.pipeline import DEFAULT_LIMITS


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m extract", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)

    one = commands.add_parser("notice", help="extract one notice (PDF or text dump) to a JSON file")
    one.add_argument("input", type=Path)
    one.add_argument("-o", "--out", type=Path, required=True, help="the JSON file to write")

    run = commands.add_parser("run", help="extract every input in a folder (what `make extract` runs)")
    run.add_argument("--raw", type=Path, default=RAW_DIR, help=f"input folder (default: {RAW_DIR})")
    run.add_argument("--out", type=Path, default=STRUCTURED_DIR, help=f"output folder (default: {STRUCTURED_DIR})")
    run.add_argument("--report", type=Path, default=RUN_REPORT, help=f"run report (default: {RUN_REPORT})")
    run.add_argument("--no-progress", action="store_true", help="no progress bar")
    run.add_argument("--timeout", type=float, default=DEFAULT_LIMITS.seconds,
                     help=f"seconds one notice may take (default: {DEFAULT_LIMITS.seconds:g}; 0: no limit)")
    run.add_argument("--memory-mb", type=int, default=DEFAULT_LIMITS.memory_mb,
                     help=f"memory one notice may use, MiB (default: {DEFAULT_LIMITS.memory_mb}; 0: no limit)")

    check = commands.add_parser("validate", help="validate stored documents against the schema version they name")
    check.add_argument("files", type=Path, nargs="+")

    schema = commands.add_parser("schema", help="write the JSON Schema generated from the model into schemas/")
    schema.add_argument("--check", action="store_true", help="only check that the checked-in schema is current")

    args = parser.parse_args(argv)
    return {"notice": _notice, "run": _run, "validate": _validate, "schema": _schema}[args.command](args)


def _notice(args) -> int:
    from extract.pipeline import extract_to_file

    try:
        notice = extract_to_file(args.input, args.out)
    except NoticeError as exc:
        print(f"failed  {exc}", file=sys.stderr)
        return 1
    print(f"{notice.status:7} {args.input} -> {args.out}", file=sys.stderr)
    for error in notice.errors:
        print(f"  {error.stage}: {error.code}: {error.message}", file=sys.stderr)
    return 0


def _run(args) -> int:
    from extract.pipeline import RunLimits, run_batch

    if not args.raw.is_dir():
        print(f"error: input folder {args.raw} does not exist", file=sys.stderr)
        return 2
    limits = RunLimits(seconds=args.timeout or None, memory_mb=args.memory_mb or None)
    report = run_batch(args.raw, args.out, args.report, progress=not args.no_progress, limits=limits)
    counts = report.to_dict()["counts"]
    print(f"{len(report.outcomes)} notices: {counts['ok']} ok, {counts['partial']} partial, "
          f"{counts['failed']} failed; report: {args.report}", file=sys.stderr)
    return 1 if report.failed else 0


def _validate(args) -> int:
    from extract.validate import validation_errors

    bad = 0
    for path in args.files:
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            problems = [f"cannot read JSON: {exc}"]
        else:
            problems = validation_errors(document)
        if problems:
            bad += 1
            print(f"invalid {path}", file=sys.stderr)
            for problem in problems:
                print(f"  {problem}", file=sys.stderr)
        else:
            print(f"valid   {path} (schema {document['schema_version']})", file=sys.stderr)
    return 1 if bad else 0


def _schema(args) -> int:
    from extract.model import SCHEMA_VERSION
    from extract.validate import generate_schema, schema_path, schema_text

    path = schema_path(SCHEMA_VERSION, SCHEMA_DIR)
    text = schema_text(generate_schema())
    if args.check:
        current = path.read_text(encoding="utf-8") if path.is_file() else None
        if current != text:
            print(f"{path} is out of date with extract/model.py: run `python -m extract schema`", file=sys.stderr)
            return 1
        print(f"{path} is current", file=sys.stderr)
        return 0
    from extract.store import write_atomic

    write_atomic(path, text)
    print(f"wrote {path}", file=sys.stderr)
    return 0
