"""Command line: `python -m extract notice|run|validate|schema`.

Exit status: 0 when every notice was extracted (or every file is valid), 1 when any failed
(or the store holds damage), 2 for a usage error or input that is not what the command reads
(a busy store, a JSON file that is no notice), 130 when a run was interrupted.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

from extract.batch import DEFAULT_LIMITS
from extract.common.text import printable
from extract.config import EXPORT_DIR, RAW_DIR, RUN_REPORT, SCHEMA_DIR, STRUCTURED_DIR
from extract.errors import NoticeError

INTERRUPTED_EXIT = 130   # what a shell reports for a command stopped by Ctrl-C
SETTINGS_HELP = ("a JSON or TOML file of the pipeline settings that differ from the defaults, by part: "
                 '{"ocr": {"dpi": 300}} (see extract/settings.py)')


def _limit(kind):
    """An argparse type for a limit: a finite number >= 0 (0: no limit)."""
    def parse(text: str):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
        if not math.isfinite(value) or value < 0:
            raise argparse.ArgumentTypeError(f"{text!r}: give a finite number, 0 or more (0: no limit)")
        return value
    return parse


def _jobs(text: str) -> int:
    """An argparse type for --jobs: a whole number, 1 or more."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r}: give 1 or more")
    return value


def say(text: str) -> None:
    """A line for the operator on standard error, control characters escaped."""
    print(printable(text), file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m extract", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)

    one = commands.add_parser("notice", help="extract one notice (PDF or text dump) to a JSON file")
    one.add_argument("input", type=Path)
    one.add_argument("-o", "--out", type=Path, required=True, help="the JSON file to write")
    one.add_argument("--settings", type=Path, help=SETTINGS_HELP)

    run = commands.add_parser("run", help="extract every input in a folder (what `make extract` runs)")
    run.add_argument("--raw", type=Path, default=RAW_DIR, help=f"input folder (default: {RAW_DIR})")
    run.add_argument("--out", type=Path, default=STRUCTURED_DIR, help=f"output folder (default: {STRUCTURED_DIR})")
    run.add_argument("--report", type=Path, default=RUN_REPORT, help=f"run report (default: {RUN_REPORT})")
    run.add_argument("--no-progress", action="store_true", help="no progress bar")
    run.add_argument("--settings", type=Path, help=SETTINGS_HELP)
    run.add_argument("--executor", choices=["local", "ray"], default="local",
                     help="where notices are extracted: child processes here (default), or Ray workers")
    run.add_argument("--address", help="the Ray cluster to run on (default: a local Ray instance for the run)")
    run.add_argument("--jobs", type=_jobs, default=None,
                     help="notices extracted at once, each in its own process (default: one per core); "
                          "the store and the report are the same whatever it is")
    run.add_argument("--follow-symlinks", action="store_true",
                     help="read inputs that are symbolic links to regular files (default: report and skip them)")
    run.add_argument("--timeout", type=_limit(float), default=DEFAULT_LIMITS.seconds,
                     help=f"seconds one notice may take (default: {DEFAULT_LIMITS.seconds:g}; 0: no limit)")
    run.add_argument("--memory-mb", type=_limit(int), default=DEFAULT_LIMITS.memory_mb,
                     help=f"resident memory one notice may add to the runner's, MiB (default: {DEFAULT_LIMITS.memory_mb}; 0: no limit)")

    check = commands.add_parser("validate", help="validate stored documents against the schema version they name")
    check.add_argument("files", type=Path, nargs="+")

    diff = commands.add_parser("diff", help="what changed between two editions or versions (exit 0 same, 1 differ, 2 trouble)")
    diff.add_argument("old", help="a stored document's file, a notice id (its latest version) or ID@N (version N)")
    diff.add_argument("new", help="the same, for the newer edition")
    diff.add_argument("--format", choices=["json", "markdown", "html"], default="markdown")
    diff.add_argument("-o", "--out", type=Path, help="write here instead of standard output")
    diff.add_argument("--store", type=Path, default=STRUCTURED_DIR, help=f"the store (default: {STRUCTURED_DIR})")

    history = commands.add_parser("history", help="list the editions in the series of a notice")
    history.add_argument("id")
    history.add_argument("--store", type=Path, default=STRUCTURED_DIR, help=f"the store (default: {STRUCTURED_DIR})")

    migrate = commands.add_parser("migrate", help="store every notice's latest version at the current schema version")
    migrate.add_argument("--store", type=Path, default=STRUCTURED_DIR, help=f"the store (default: {STRUCTURED_DIR})")

    export = commands.add_parser("export", help="tables for analysts: notices, each record kind, table cells")
    export.add_argument("--format", choices=["parquet", "csv"], default="parquet")
    export.add_argument("--out", type=Path, default=EXPORT_DIR, help=f"output folder (default: {EXPORT_DIR})")
    export.add_argument("--store", type=Path, default=STRUCTURED_DIR, help=f"the store (default: {STRUCTURED_DIR})")
    export.add_argument("--all-versions", action="store_true", help="every stored version, not only the latest")

    schema = commands.add_parser("schema", help="write the JSON Schema generated from the model into schemas/")
    schema.add_argument("--check", action="store_true", help="only check that the checked-in schema is current")

    args = parser.parse_args(argv)
    handlers = {"notice": _notice, "run": _run, "validate": _validate, "schema": _schema, "diff": _diff,
                "history": _history, "migrate": _migrate, "export": _export}
    return handlers[args.command](args)


def _settings(args):
    """The settings the command names, or None for the defaults; SettingsError says why not."""
    from extract.settings import PipelineSettings

    return PipelineSettings.resolve(args.settings) if args.settings else None


def _notice(args) -> int:
    from extract.pipeline import extract_to_file
    from extract.settings import SettingsError

    try:
        settings = _settings(args)
    except SettingsError as exc:
        say(f"error: {exc}")
        return 2
    try:
        notice = extract_to_file(args.input, args.out, settings)
    except NoticeError as exc:
        say(f"failed  {exc}")
        return 1
    say(f"{notice.status:7} {args.input} -> {args.out}")
    for error in notice.errors:
        say(f"  {error.stage}: {error.code}: {error.message}")
    return 0


def _run(args) -> int:
    from extract.batch import RunLimits, run_batch
    from extract.settings import SettingsError
    from extract.store.files import StoreBusy

    if not args.raw.is_dir():
        say(f"error: input folder {args.raw} does not exist")
        return 2
    try:
        settings = _settings(args)
    except SettingsError as exc:
        say(f"error: {exc}")
        return 2
    limits = RunLimits(seconds=args.timeout or None, memory_mb=args.memory_mb or None)
    try:
        report = run_batch(args.raw, args.out, args.report, progress=not args.no_progress, limits=limits,
                           follow_symlinks=args.follow_symlinks, settings=settings, jobs=args.jobs,
                           executor=args.executor, address=args.address)
    except StoreBusy as exc:
        say(f"error: {exc}")
        return 2
    except OSError as exc:
        say(f"error: cannot write the run report {exc.filename or args.report}: {exc.strerror or exc}")
        return 2
    for problem in report.store_problems:
        say(f"store   {problem.file}: {problem.code}: {problem.message}")
    counts = report.to_dict()["counts"]
    summary = (f"{len(report.outcomes)} notices: {counts['ok']} ok, {counts['partial']} partial, "
               f"{counts['failed']} failed")
    if report.state == "stopped":
        say(f"stopped: {report.error['code']}: {report.error['message']}; report: {args.report}")
        return 1
    if report.state == "interrupted":
        say(f"interrupted: {summary}, {counts['not_run']} not run; report: {args.report}")
        return INTERRUPTED_EXIT
    say(f"{summary}; report: {args.report}")
    return 1 if report.failed or report.store_problems else 0


def _read_json(path: Path):
    """A JSON file's content; raises ValueError saying why it cannot be read."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ValueError(f"cannot read {path}: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise ValueError(f"{path} is not UTF-8") from None
    except (json.JSONDecodeError, RecursionError) as exc:
        raise ValueError(f"{path} is not JSON this tool reads: {type(exc).__name__}") from None


def _validate(args) -> int:
    from extract.store.validate import validation_errors

    bad = unreadable = 0
    for path in args.files:
        try:
            document = _read_json(path)
        except ValueError as exc:
            unreadable += 1
            say(f"error   {exc}")
            continue
        if not isinstance(document, dict) or not ("schema_version" in document or "catalog_version" in document):
            unreadable += 1
            say(f"error   {path} is not a stored notice or catalog (no schema_version or catalog_version)")
            continue
        problems = validation_errors(document)
        if problems:
            bad += 1
            say(f"invalid {path}")
            for problem in problems:
                say(f"  {problem}")
        else:
            version = document.get("schema_version") or f"catalog {document.get('catalog_version')}"
            say(f"valid   {path} (schema {version})")
    return 2 if unreadable else 1 if bad else 0


def _diff(args) -> int:
    from extract.review.diff import diff_notices
    from extract.review.render import RENDERERS
    from extract.store.catalog import resolve_document

    try:
        old_label, old = resolve_document(args.old, args.store)
        new_label, new = resolve_document(args.new, args.store)
        diff = diff_notices(old, new, old_label, new_label)
    except (OSError, ValueError) as exc:
        say(f"error: {exc}")
        return 2
    text = RENDERERS[args.format](diff)
    if args.out:
        from extract.store.files import write_atomic

        write_atomic(args.out, text)
    else:
        sys.stdout.write(text)
    if not diff.same_series:
        say(f"note: {old_label} and {new_label} are different series")
    return 1 if diff.changes else 0


def _history(args) -> int:
    from extract.store.catalog import read_catalog, series_of

    try:
        members = series_of(read_catalog(args.store), args.id)
    except KeyError:
        say(f"error: no notice {args.id!r} in {args.store}")
        return 2
    except ValueError as exc:
        say(f"error: {exc}")
        return 2
    print(printable(f"series {members[0].series}"))
    for entry in members:
        date = entry.signed_date or entry.imprint_date
        latest = entry.versions[-1]
        print(printable(f"{date or '????-??-??'}  {entry.id}  {entry.title}  "
                        f"({len(entry.versions)} version{'s' if len(entry.versions) > 1 else ''}; latest "
                        f"v{latest.version:03d}, schema {latest.schema_version}, from {latest.source_file})"))
    return 0


def _migrate(args) -> int:
    from extract.store.migrate import migrate_store

    result = migrate_store(args.store)
    for path in result.added:
        say(f"migrated -> {path}")
    for problem in result.problems:
        say(f"not migrated {problem.file}: {problem.code}: {problem.message}")
    say(f"{len(result.added)} documents migrated to the current schema; {len(result.problems)} problems")
    return 1 if result.problems else 0


def _export(args) -> int:
    from extract.export import write_exports

    if not args.store.is_dir():
        say(f"error: store {args.store} does not exist")
        return 2
    try:
        paths = write_exports(args.out, args.format, args.store, args.all_versions)
    except OSError as exc:
        say(f"error: cannot write the export {exc.filename or args.out}: {exc.strerror or exc}")
        return 2
    for path in paths:
        say(f"wrote {path}")
    return 0


def _schema(args) -> int:
    from extract.store.files import write_atomic
    from extract.store.validate import (
        current_models,
        generate_schema,
        schema_path,
        schema_text,
    )

    stale = 0
    for kind, (_, version, _) in current_models().items():
        path = schema_path(version, kind, SCHEMA_DIR)
        text = schema_text(generate_schema(kind))
        if args.check:
            if not path.is_file() or path.read_text(encoding="utf-8") != text:
                print(f"{path} is out of date with its model: run `python -m extract schema`", file=sys.stderr)
                stale += 1
            else:
                print(f"{path} is current", file=sys.stderr)
        else:
            write_atomic(path, text)
            print(f"wrote {path}", file=sys.stderr)
    return 1 if stale else 0
