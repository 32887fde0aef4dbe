"""The batch run: every input of a folder through the pipeline into the versioned store.

What a run guarantees, whatever happens to it:
- one run per store at a time (`StoreLock`): a second run is refused with a clear message;
- every run that starts writes its report: first marked `running` (so the previous run's
  report never looks current), then `finished`, or `interrupted` (Ctrl-C, SIGTERM) with the
  notices it did not get to, or `stopped` when the store cannot be written at all;
- inputs are regular files in the input folder; symlinks are read only when the operator
  allows them (`follow_symlinks`); folders, FIFOs, devices, dangling links and link loops are
  reported, as are ids the store keeps for itself and ids taken twice;
- each notice runs in a child process under a time limit and a resident-memory limit; the
  child dies with its runner (even on `kill -9`), a limit is reported only when it was hit,
  and one input gets the same error code from run to run;
- damage found in the store is reported (file, code, reason) and the catalog goes on.
"""

from __future__ import annotations

import os
import signal
import stat
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from extract.common.json_text import to_json
from extract.common.text import printable
from extract.config import RUN_REPORT
from extract.errors import ErrorCode, NoticeError
from extract.pipeline import (
    INPUT_SUFFIXES,
    display_path,
    extract_to_store,
    notice_id,
    remove_stale_temporaries,
)
from extract.settings import PipelineSettings
from extract.store.catalog import StoreProblem, is_reserved_id, write_catalog
from extract.store.files import StoreLock, storage_error_code, write_atomic


@dataclass
class NoticeOutcome:
    file: str
    status: str                      # ok | partial | failed | not_run
    output: str | None = None
    added: bool = False              # a new version was stored (False: unchanged, or failed)
    code: str | None = None
    message: str | None = None
    warnings: list[str] = field(default_factory=list)


@dataclass
class RunReport:
    """What a run did. `state`: running | finished | interrupted | stopped."""

    outcomes: list[NoticeOutcome] = field(default_factory=list)
    state: str = "running"
    error: dict | None = None                       # why a stopped run stopped: {"code", "message"}
    store_problems: list[StoreProblem] = field(default_factory=list)
    catalog: str | None = None                      # the catalog written (None: not written)
    settings: dict | None = None                    # the settings the notices were extracted with

    @property
    def failed(self) -> list[NoticeOutcome]:
        return [o for o in self.outcomes if o.status == "failed"]

    def to_dict(self) -> dict:
        counts = {s: sum(1 for o in self.outcomes if o.status == s) for s in ("ok", "partial", "failed", "not_run")}
        return {"state": self.state, "error": self.error, "counts": counts,
                "notices": [asdict(o) for o in self.outcomes],
                "store_problems": [asdict(p) for p in self.store_problems], "catalog": self.catalog,
                "settings": self.settings}


@dataclass(frozen=True)
class RunLimits:
    """Per-notice limits of a batch run, so that one pathological input cannot hang or
    exhaust the run. Each notice runs in a child process; `None` switches a limit off."""

    seconds: float | None = 300.0
    memory_mb: int | None = 4096     # resident memory the notice may add to the runner's

    def __post_init__(self) -> None:
        import math

        if self.seconds is not None and not (math.isfinite(self.seconds) and self.seconds > 0):
            raise ValueError(f"the time limit must be a positive number of seconds, not {self.seconds!r}")
        if self.memory_mb is not None and not (isinstance(self.memory_mb, int) and self.memory_mb > 0):
            raise ValueError(f"the memory limit must be a positive number of MiB, not {self.memory_mb!r}")


DEFAULT_LIMITS = RunLimits()
# The child's address space may grow to this many times its resident limit (and at least this
# much more than the runner maps): a backstop for memory that is reserved and never touched,
# far above what OCR runtimes map without using (OpenVINO maps ~2.5x what it touches).
ADDRESS_SPACE_FACTOR = 8
ADDRESS_SPACE_MIN_BYTES = 16 * 1024 ** 3
# How often the runner looks at a child's resident memory.
MEMORY_POLL_SECONDS = 0.02


@dataclass(frozen=True)
class RunInput:
    """One entry of the input folder: its path, the name to report, and why it cannot be read
    (None when it is an input)."""

    path: Path
    name: str
    problem: str | None = None


def scan_inputs(raw_dir: Path, follow_symlinks: bool = False) -> list[RunInput]:
    """Every entry of `raw_dir`, sorted by name; hidden ones are left alone. Entries that are
    not regular files (or, with `follow_symlinks`, links to regular files) carry the reason."""
    out = []
    for path in sorted(raw_dir.iterdir(), key=lambda p: os.fsencode(p.name)):
        if path.name.startswith("."):
            continue
        out.append(RunInput(path=path, name=display_path(path), problem=_not_an_input(path, follow_symlinks)))
    return out


def _not_an_input(path: Path, follow_symlinks: bool) -> str | None:
    try:
        mode = path.lstat().st_mode
    except OSError as exc:
        return f"cannot be examined: {exc.strerror}"
    if stat.S_ISLNK(mode):
        try:
            target = os.readlink(path)
        except OSError:
            target = "?"
        if not follow_symlinks:
            return f"a symbolic link (to {printable(target)}); links are read only with --follow-symlinks"
        try:
            mode = path.stat().st_mode
        except FileNotFoundError:
            return f"a dangling symbolic link (to {printable(target)})"
        except OSError as exc:   # ELOOP and kin
            return f"a symbolic link that cannot be followed ({exc.strerror})"
    if stat.S_ISREG(mode):
        return None
    kind = ("a folder (inputs in subfolders are not read)" if stat.S_ISDIR(mode) else "a FIFO" if stat.S_ISFIFO(mode)
            else "a socket" if stat.S_ISSOCK(mode) else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
            else "not a regular file")
    return kind


def run_batch(raw_dir: Path, out_dir: Path, report_path: Path | None = RUN_REPORT, progress: bool = True,
              limits: RunLimits = DEFAULT_LIMITS, follow_symlinks: bool = False,
              settings: PipelineSettings | None = None) -> RunReport:
    """Extract every input of `raw_dir` into the store `out_dir` with `settings` (the defaults
    when None). Raises `StoreBusy` when another run holds the store and OSError when the report
    cannot be written; everything else that goes wrong is in the returned (and written) report."""
    settings = PipelineSettings.resolve(settings)
    report = RunReport(settings=settings.to_dict())
    try:
        lock = StoreLock(out_dir).__enter__()   # StoreBusy: the other run's report stays as it is
    except OSError as exc:
        code = storage_error_code(exc) or ErrorCode.INTERNAL
        report.state = "stopped"
        report.error = {"code": code.value, "message": f"the store {printable(str(out_dir))} cannot be written: "
                                                       f"{exc.strerror or exc}"}
        _write_report(report_path, report)
        return report
    try:
        _write_report(report_path, report)   # the previous run's report must not look current
    except BaseException:
        lock.__exit__(None, None, None)
        raise
    try:
        with _interrupts_as_keyboard_interrupt():
            _run_inputs(raw_dir, out_dir, report, progress, limits, follow_symlinks, settings)
            report.state = "finished"
    except KeyboardInterrupt:
        report.state = "interrupted"
    finally:
        try:
            if report.state == "interrupted":
                _mark_not_run(raw_dir, report, follow_symlinks)
            catalog, problems = write_catalog(out_dir)
            report.catalog = printable(str(catalog)) if catalog else None
            report.store_problems = problems
            _write_report(report_path, report)
        finally:
            lock.__exit__(None, None, None)
    return report


def _run_inputs(raw_dir: Path, out_dir: Path, report: RunReport, progress: bool, limits: RunLimits,
                follow_symlinks: bool, settings: PipelineSettings) -> None:
    from tqdm import tqdm

    inputs = scan_inputs(raw_dir, follow_symlinks)
    remove_stale_temporaries(out_dir)
    ids: dict[str, str] = {}
    bar = tqdm(inputs, desc="extract", unit="notice", file=sys.stderr, disable=not progress)
    for item in bar:
        bar.set_postfix_str(printable(item.path.name)[:40])
        outcome = _run_one(item, out_dir, ids, limits, settings)
        report.outcomes.append(outcome)
        line = f"{outcome.status:7} {outcome.file}"
        if outcome.output:
            line += f" -> {outcome.output}" + ("" if outcome.added else " (unchanged)")
        else:
            line += f": {outcome.code}: {outcome.message}"
        tqdm.write(printable(line), file=sys.stderr)


def _mark_not_run(raw_dir: Path, report: RunReport, follow_symlinks: bool) -> None:
    done = {o.file for o in report.outcomes}
    for item in scan_inputs(raw_dir, follow_symlinks):
        if item.name not in done:
            report.outcomes.append(NoticeOutcome(file=item.name, status="not_run", code=ErrorCode.INTERRUPTED.value,
                                                 message="the run was interrupted before this input"))


def _write_report(path: Path | None, report: RunReport) -> None:
    if path is not None:
        write_atomic(path, to_json(report.to_dict()))


class _interrupts_as_keyboard_interrupt:
    """SIGTERM (what a scheduler or `kill` sends) ends a run as Ctrl-C does: reported, not lost."""

    def __enter__(self):
        self._previous = signal.signal(signal.SIGTERM, self._raise)
        return self

    @staticmethod
    def _raise(signum, frame):
        raise KeyboardInterrupt

    def __exit__(self, *exc_info):
        signal.signal(signal.SIGTERM, self._previous)


def _run_one(item: RunInput, out_dir: Path, ids: dict[str, str], limits: RunLimits,
             settings: PipelineSettings) -> NoticeOutcome:
    def failed(code: ErrorCode, message: str) -> NoticeOutcome:
        return NoticeOutcome(file=item.name, status="failed", code=code.value, message=message)

    if item.problem:
        return failed(ErrorCode.NOT_A_REGULAR_FILE, item.problem)
    if item.path.suffix.lower() not in INPUT_SUFFIXES:
        return failed(ErrorCode.UNSUPPORTED_INPUT, f"not a notice input (expected {', '.join(INPUT_SUFFIXES)})")
    nid = notice_id(item.path)
    if is_reserved_id(nid):
        return failed(ErrorCode.RESERVED_ID, f"its id {nid!r} is a name the store keeps for itself; rename the file")
    if nid in ids:
        return failed(ErrorCode.DUPLICATE_ID, f"id {nid!r} is already taken by {ids[nid]}")
    ids[nid] = item.name
    if limits.seconds is None and limits.memory_mb is None:
        return extract_outcome(item.path, item.name, out_dir, settings)
    return _run_isolated(item.path, item.name, out_dir, limits, settings)


def extract_outcome(path: Path, name: str, out_dir: Path, settings: PipelineSettings | None = None) -> NoticeOutcome:
    """Extract one input into the store; every failure is an outcome, never an exception."""
    try:
        notice, stored, added = extract_to_store(path, out_dir, settings)
    except NoticeError as exc:
        return NoticeOutcome(file=name, status="failed", code=exc.code.value, message=exc.message)
    except MemoryError:
        return _memory_outcome(name)
    except Exception as exc:  # one broken notice never stops the run
        return NoticeOutcome(file=name, status="failed", code=ErrorCode.INTERNAL.value,
                             message=printable(f"{type(exc).__name__}: {exc}"))
    return NoticeOutcome(file=name, status=notice.status, output=display_path(stored), added=added,
                         warnings=[f"{e.code}: {e.message}" for e in notice.errors])


def _memory_outcome(name: str, detail: str = "") -> NoticeOutcome:
    return NoticeOutcome(file=name, status="failed", code=ErrorCode.MEMORY_LIMIT.value,
                         message="the notice needed more memory than the per-notice limit" + detail)


# ---------------------------------------------------------------- one notice in a child process


def _proc_status_kib(pid: int | str, field_name: str) -> int | None:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith(field_name + ":"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        return None
    return None


def _die_with_parent(parent: int) -> None:
    """Ask the kernel to kill this process when its parent dies (Linux PR_SET_PDEATHSIG), so
    that a runner killed with SIGKILL leaves no child running without its limits."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)   # 1: PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:   # the parent died before the request took effect
        os._exit(1)


def _child(path: Path, name: str, out: Path, memory_mb: int | None, parent: int, conn,
           settings: PipelineSettings) -> None:
    _die_with_parent(parent)
    # Ctrl-C reaches the whole process group: the runner decides, and kills this child
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if memory_mb is not None:
        import resource

        mapped = (_proc_status_kib("self", "VmSize") or 0) * 1024
        backstop = mapped + max(ADDRESS_SPACE_MIN_BYTES, ADDRESS_SPACE_FACTOR * memory_mb * 1024 * 1024)
        resource.setrlimit(resource.RLIMIT_AS, (backstop, backstop))
    conn.send(extract_outcome(path, name, out, settings))
    conn.close()


def _run_isolated(path: Path, name: str, out: Path, limits: RunLimits, settings: PipelineSettings) -> NoticeOutcome:
    """Extract in a child process under the time and memory limits. The runner watches the
    child's resident memory (what it uses, not what it maps) and its time; a child over either
    is killed, and since documents are written atomically it leaves nothing behind."""
    import multiprocessing

    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(path, name, out, limits.memory_mb, os.getpid(), send, settings),
                              daemon=True)
    child.start()
    send.close()
    started = time.monotonic()
    baseline_kib = _proc_status_kib(child.pid, "VmRSS") or 0
    over: str | None = None   # the limit the runner stopped the child for
    peak_kib = baseline_kib
    try:
        while True:
            if receive.poll(MEMORY_POLL_SECONDS):
                break
            if limits.seconds is not None and time.monotonic() - started >= limits.seconds:
                over = "time"
                break
            if limits.memory_mb is not None:
                resident = _proc_status_kib(child.pid, "VmRSS")
                if resident is not None:
                    peak_kib = max(peak_kib, resident)
                    if resident - baseline_kib > limits.memory_mb * 1024:
                        over = "memory"
                        break
        outcome = None if over else _receive(receive)
    except BaseException:
        child.kill()
        child.join()
        raise
    if outcome is None and not over:
        child.join(5)   # it closed its end: let it finish dying, so that its own exit status is read
    if over or child.is_alive():
        child.kill()
    child.join()
    if over or outcome is None:
        remove_stale_temporaries(out)
    if over == "time":
        return NoticeOutcome(file=name, status="failed", code=ErrorCode.TIME_LIMIT.value,
                             message=f"extraction took longer than the per-notice limit of {limits.seconds:g} s")
    if over == "memory":
        return _memory_outcome(name, f" of {limits.memory_mb} MiB (resident {(peak_kib - baseline_kib) // 1024} MiB more "
                                     f"than the runner's when stopped)")
    if outcome is None:
        if child.exitcode == -signal.SIGKILL:   # not by the runner (it waited): the kernel's out-of-memory killer
            return _memory_outcome(name, " (the system killed the extraction process for want of memory)")
        return NoticeOutcome(file=name, status="failed", code=ErrorCode.INTERNAL.value,
                             message=f"the extraction process died (exit code {child.exitcode})")
    return outcome


def _receive(connection) -> NoticeOutcome | None:
    try:
        return connection.recv()
    except (EOFError, OSError):
        return None
