"""The batch run: every input of a folder through the pipeline into the versioned store.

What a run guarantees, whatever happens to it:
- one run per store at a time (`StoreLock`): a second run is refused with a clear message;
- every run that starts writes its report: first marked `running` (so the previous run's
  report never looks current), then `finished`, or `interrupted` (Ctrl-C, SIGTERM) with the
  notices it did not get to, or `stopped` when the store cannot be written at all;
- inputs are regular files in the input folder; symlinks are read only when the operator
  allows them (`follow_symlinks`); folders, FIFOs, devices, dangling links and link loops are
  reported, as are ids the store keeps for itself and ids taken twice;
- each notice runs in a long-lived worker process under a time limit and a resident-memory
  limit (a worker over one is killed and replaced); workers die with their runner (even on
  `kill -9`), a limit is reported only when it was hit, and one input gets the same error code
  from run to run;
- damage found in the store is reported (file, code, reason) and the catalog goes on.
"""

from __future__ import annotations

import os
import signal
import stat
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

from extract import __version__
from extract.common.digest import sha256_of
from extract.common.json_text import to_json
from extract.common.text import printable
from extract.config import RUN_REPORT
from extract.errors import ErrorCode, NoticeError
from extract.model import SCHEMA_VERSION
from extract.pipeline import (
    INPUT_SUFFIXES,
    display_path,
    extract_to_store,
    notice_id,
    remove_stale_temporaries,
    settings_digest,
)
from extract.settings import PipelineSettings
from extract.store.catalog import (
    DamagedDocument,
    StoreProblem,
    is_reserved_id,
    read_trusted,
    stored_versions,
    version_key,
    write_catalog,
)
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
    exhaust the run. Each notice runs in a worker process; `None` switches a limit off."""

    seconds: float | None = 300.0
    memory_mb: int | None = 4096     # resident memory the notice may add to its worker's

    def __post_init__(self) -> None:
        import math

        if self.seconds is not None and not (math.isfinite(self.seconds) and self.seconds > 0):
            raise ValueError(f"the time limit must be a positive number of seconds, not {self.seconds!r}")
        if self.memory_mb is not None and not (isinstance(self.memory_mb, int) and self.memory_mb > 0):
            raise ValueError(f"the memory limit must be a positive number of MiB, not {self.memory_mb!r}")


DEFAULT_LIMITS = RunLimits()
# A worker's address space may grow to this many times its resident limit (and at least this
# much more than the runner maps): a backstop for memory that is reserved and never touched,
# far above what OCR runtimes map without using (OpenVINO maps ~2.5x what it touches).
ADDRESS_SPACE_FACTOR = 8
ADDRESS_SPACE_MIN_BYTES = 16 * 1024 ** 3
# How often the runner looks at a worker's resident memory.
MEMORY_POLL_SECONDS = 0.02


def default_jobs() -> int:
    """Notices extracted at once by default: one per core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


@dataclass(frozen=True)
class RunInput:
    """One entry of the input folder (or of a folder below it): its path, the name to report,
    its notice id, and why it cannot be read (None when it is an input)."""

    path: Path
    name: str
    problem: str | None = None
    notice_id: str = ""


def scan_inputs(raw_dir: Path, follow_symlinks: bool = False) -> list[RunInput]:
    """Every entry of `raw_dir` and of the folders below it (by province, by year), sorted by
    path; hidden ones are left alone. A folder is read into; a linked folder only with
    `follow_symlinks`, and never twice (a link loop). Entries that are not regular files (or,
    with `follow_symlinks`, links to regular files) carry the reason. An input in a subfolder
    has the folders in its id (`henan/2025/x.pdf` -> `henan__2025__x`)."""
    out: list[RunInput] = []
    seen: set[tuple[int, int]] = set()

    def walk(folder: Path) -> None:
        status = folder.stat()
        if (status.st_dev, status.st_ino) in seen:
            return
        seen.add((status.st_dev, status.st_ino))
        for path in sorted(folder.iterdir(), key=lambda p: os.fsencode(p.name)):
            if path.name.startswith("."):
                continue
            if path.is_dir() and (follow_symlinks or not path.is_symlink()):
                walk(path)
                continue
            out.append(RunInput(path=path, name=display_path(path), problem=_not_an_input(path, follow_symlinks),
                                notice_id=notice_id(path, raw_dir)))

    walk(raw_dir)
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
    kind = ("a folder" if stat.S_ISDIR(mode) else "a FIFO" if stat.S_ISFIFO(mode)
            else "a socket" if stat.S_ISSOCK(mode) else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
            else "not a regular file")
    return kind


def run_batch(raw_dir: Path, out_dir: Path, report_path: Path | None = RUN_REPORT, progress: bool = True,
              limits: RunLimits = DEFAULT_LIMITS, follow_symlinks: bool = False,
              settings: PipelineSettings | None = None, jobs: int | None = None, executor: str = "local",
              address: str | None = None) -> RunReport:
    """Extract every input of `raw_dir` into the store `out_dir` with `settings` (the defaults
    when None). Raises `StoreBusy` when another run holds the store and OSError when the report
    cannot be written; everything else that goes wrong is in the returned (and written) report.
    `jobs` notices are extracted at once (default: one per core) by `executor` (`EXECUTORS`:
    worker processes here, or Ray workers at `address`); the store and the report are the same
    whatever they are."""
    if executor not in EXECUTORS:
        raise ValueError(f"unknown executor {executor!r}: one of {', '.join(EXECUTORS)}")
    settings = PipelineSettings.resolve(settings)
    jobs = jobs or default_jobs()
    if jobs < 1:
        raise ValueError(f"jobs must be 1 or more, not {jobs!r}")
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
        with STOP_SIGNALS:
            _run_inputs(raw_dir, out_dir, report, progress, limits, follow_symlinks, settings, jobs, executor, address)
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
                follow_symlinks: bool, settings: PipelineSettings, jobs: int, executor: str, address: str | None) -> None:
    """Every input through `_check_input`, then the ones to extract through up to `jobs` worker
    processes at once. Outcomes go into the report in input order, whatever order they finish
    in, so that a run on N cores writes the same report and store as a run on one."""
    from tqdm import tqdm

    inputs = scan_inputs(raw_dir, follow_symlinks)
    remove_stale_temporaries(out_dir)
    ids: dict[str, str] = {}
    outcomes: dict[int, NoticeOutcome] = {}
    bar = tqdm(total=len(inputs), desc="extract", unit="notice", file=sys.stderr, disable=not progress)

    def done(index: int, outcome: NoticeOutcome) -> None:
        outcomes[index] = outcome
        bar.update(1)
        line = f"{outcome.status:7} {outcome.file}"
        if outcome.output:
            line += f" -> {outcome.output}" + ("" if outcome.added else " (unchanged)")
        else:
            line += f": {outcome.code}: {outcome.message}"
        tqdm.write(printable(line), file=sys.stderr)

    to_extract: list[tuple[int, RunInput]] = []
    try:
        for index, item in enumerate(inputs):
            checked = _check_input(item, out_dir, ids, settings)
            if checked is None:
                to_extract.append((index, item))
            else:
                done(index, checked)
        EXECUTORS[executor](to_extract, out_dir, limits, settings, jobs, done, address)
    finally:
        bar.close()
        report.outcomes.extend(outcomes[k] for k in sorted(outcomes))


def _mark_not_run(raw_dir: Path, report: RunReport, follow_symlinks: bool) -> None:
    done = {o.file for o in report.outcomes}
    for item in scan_inputs(raw_dir, follow_symlinks):
        if item.name not in done:
            report.outcomes.append(NoticeOutcome(file=item.name, status="not_run", code=ErrorCode.INTERRUPTED.value,
                                                 message="the run was interrupted before this input"))


def _write_report(path: Path | None, report: RunReport) -> None:
    if path is not None:
        write_atomic(path, to_json(report.to_dict()))


class _StopSignals:
    """Ctrl-C and SIGTERM (what a scheduler or `kill` sends) end a run alike: reported, not lost.
    Either raises KeyboardInterrupt where the run is, except while a worker is being forked
    (`held`): Python runs its at-fork callbacks (logging's lock, for one) inside the fork and
    drops a KeyboardInterrupt raised in one, printing only "Exception ignored", and the run went
    on to the end of its notices. There the signal is noted and raised once the fork is done;
    `check` raises one that was noted and dropped elsewhere. Ctrl-C stays ignored where the run
    was started with it ignored (a background job of a script)."""

    def __init__(self) -> None:
        self.received = False
        self.holding = False
        self._previous: dict[int, object] = {}

    def __enter__(self) -> _StopSignals:
        self.received = self.holding = False
        self._previous = {signal.SIGTERM: signal.signal(signal.SIGTERM, self._on_signal)}
        if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
            self._previous[signal.SIGINT] = signal.signal(signal.SIGINT, self._on_signal)
        return self

    def __exit__(self, *exc_info) -> None:
        for signum, previous in self._previous.items():
            signal.signal(signum, previous)
        self._previous = {}

    def _on_signal(self, signum, frame) -> None:
        self.received = True
        if not self.holding:
            raise KeyboardInterrupt

    @contextmanager
    def held(self) -> Iterator[None]:
        """A stop signal that comes in the block is raised after it, not inside it."""
        self.holding = True
        try:
            yield
        finally:
            self.holding = False
        self.check()

    def check(self) -> None:
        if self.received:
            raise KeyboardInterrupt


# The run's stop signals (signal handlers are the process's, so is this).
STOP_SIGNALS = _StopSignals()


def _run_local(to_extract, out_dir: Path, limits: RunLimits, settings: PipelineSettings, jobs: int, done,
               address: str | None = None) -> None:
    """This machine: in this process when there is one job and no limit, else worker processes."""
    if jobs == 1 and limits.seconds is None and limits.memory_mb is None:
        for index, item in to_extract:
            done(index, extract_outcome(item.path, item.name, out_dir, settings, item.notice_id))
    else:
        _run_workers(to_extract, out_dir, limits, settings, jobs, done)


def _run_ray(to_extract, out_dir: Path, limits: RunLimits, settings: PipelineSettings, jobs: int, done,
             address: str | None = None) -> None:
    """A Ray cluster (a local instance without `address`): long-lived workers, this process the
    store's one writer (`extract.ray_run`)."""
    from extract.ray_run import run_on_ray

    run_on_ray(to_extract, out_dir, settings, jobs, lambda index, fields: done(index, NoticeOutcome(**fields)), address)


# How a batch's notices are extracted, by the name `--executor` takes.
EXECUTORS = {"local": _run_local, "ray": _run_ray}


def _check_input(item: RunInput, out_dir: Path, ids: dict[str, str], settings: PipelineSettings) -> NoticeOutcome | None:
    """The outcome of an input that is not extracted (not an input, a reserved or taken id, or
    bytes the store already holds under this pipeline), or None when it is to be extracted."""
    def failed(code: ErrorCode, message: str) -> NoticeOutcome:
        return NoticeOutcome(file=item.name, status="failed", code=code.value, message=message)

    if item.problem:
        return failed(ErrorCode.NOT_A_REGULAR_FILE, item.problem)
    if item.path.suffix.lower() not in INPUT_SUFFIXES:
        return failed(ErrorCode.UNSUPPORTED_INPUT, f"not a notice input (expected {', '.join(INPUT_SUFFIXES)})")
    nid = item.notice_id
    if is_reserved_id(nid):
        return failed(ErrorCode.RESERVED_ID, f"its id {nid!r} is a name the store keeps for itself; rename the file")
    if nid in ids:
        return failed(ErrorCode.DUPLICATE_ID, f"id {nid!r} is already taken by {ids[nid]}")
    ids[nid] = item.name
    return _unchanged(item, out_dir, settings)


def _unchanged(item: RunInput, out_dir: Path, settings: PipelineSettings) -> NoticeOutcome | None:
    """The stored outcome when the store's latest version of this id came from these very bytes,
    under this schema and pipeline version and these settings: nothing is parsed (extracting
    again would add nothing). None when the input is to be extracted."""
    versions = stored_versions(out_dir, item.notice_id)
    if not versions:
        return None
    try:
        latest = read_trusted(versions[-1][1], out_dir)
        data = item.path.read_bytes()
    except (DamagedDocument, OSError):
        return None   # extracting reports what is wrong, or adds a version after the damage
    if version_key(latest) != (sha256_of(data), SCHEMA_VERSION, __version__, settings_digest(settings)):
        return None
    return NoticeOutcome(file=item.name, status=latest["status"], output=display_path(versions[-1][1]), added=False,
                         warnings=[f"{e['code']}: {e['message']}" for e in latest.get("errors", [])])


def extract_outcome(path: Path, name: str, out_dir: Path, settings: PipelineSettings | None = None,
                    notice_id_: str | None = None) -> NoticeOutcome:
    """Extract one input into the store; every failure is an outcome, never an exception."""
    try:
        notice, stored, added = extract_to_store(path, out_dir, settings, notice_id_)
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


# ---------------------------------------------------------------- notices in worker processes


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
    that a runner killed with SIGKILL leaves no worker running without its limits."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)   # 1: PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:   # the parent died before the request took effect
        os._exit(1)


def _worker(connection, out: Path, memory_mb: int | None, parent: int, settings: PipelineSettings) -> None:
    """A long-lived worker process: extracts the inputs the runner sends, one at a time, and
    sends back each outcome, until it is sent None. What it loads once (the OCR models, when a
    page first needs them) stays loaded for the notices after."""
    _die_with_parent(parent)
    # Ctrl-C reaches the whole process group: the runner decides, and kills this worker
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if memory_mb is not None:
        import resource

        mapped = (_proc_status_kib("self", "VmSize") or 0) * 1024
        backstop = mapped + max(ADDRESS_SPACE_MIN_BYTES, ADDRESS_SPACE_FACTOR * memory_mb * 1024 * 1024)
        resource.setrlimit(resource.RLIMIT_AS, (backstop, backstop))
    while True:
        try:
            item = connection.recv()
        except (EOFError, OSError):
            break
        if item is None:
            break
        connection.send(extract_outcome(item.path, item.name, out, settings, item.notice_id))
    connection.close()


# A worker is replaced after this many notices: it bounds what the allocator keeps of past
# notices, at the cost of loading the OCR models again (a few seconds) that often.
WORKER_MAX_NOTICES = 100


@dataclass
class _Job:
    """One notice given to a worker, as the runner watches it."""

    index: int
    item: RunInput
    started: float
    baseline_kib: int    # the worker's resident memory when it was given the notice
    peak_kib: int


@dataclass
class _Worker:
    process: object
    connection: object
    job: _Job | None = None
    notices: int = 0


def _run_workers(to_extract: list[tuple[int, RunInput]], out: Path, limits: RunLimits, settings: PipelineSettings,
                  jobs: int, done) -> None:
    """Extract the inputs in up to `jobs` long-lived worker processes, each notice under the
    time and memory limits. The runner watches the worker's resident memory (what it uses, not
    what it maps) above what it held when given the notice, and the notice's time; a worker
    over either is killed and replaced, and since documents are written atomically it leaves
    nothing behind. `done(index, outcome)` is called as each finishes."""
    import multiprocessing
    from multiprocessing.connection import wait

    context = multiprocessing.get_context("fork")
    waiting = list(to_extract)
    workers: list[_Worker] = []
    try:
        while waiting or any(w.job for w in workers):
            for worker in [w for w in workers if w.job is None]:
                if not waiting:
                    break
                _give(worker, *waiting.pop(0))
            while waiting and len(workers) < jobs:
                with STOP_SIGNALS.held():   # forked and filed, or neither: none is left running unknown
                    runner_end, worker_end = context.Pipe(duplex=True)
                    process = context.Process(target=_worker, daemon=True,
                                              args=(worker_end, out, limits.memory_mb, os.getpid(), settings))
                    process.start()
                    worker_end.close()
                    workers.append(_Worker(process, runner_end))
                _give(workers[-1], *waiting.pop(0))
            wait([w.connection for w in workers if w.job], timeout=MEMORY_POLL_SECONDS)
            STOP_SIGNALS.check()
            for worker in [w for w in workers if w.job]:
                index = worker.job.index
                outcome = _watch(worker, limits, out)
                if outcome is not None:
                    done(index, outcome)
                if not worker.process.is_alive() or (worker.job is None and worker.notices >= WORKER_MAX_NOTICES):
                    _retire(worker)
                    workers.remove(worker)
        for worker in workers:
            _retire(worker)
    finally:
        for worker in workers:   # interrupted: no worker outlives the run
            worker.process.kill()
            worker.process.join()


def _give(worker: _Worker, index: int, item: RunInput) -> None:
    baseline = _proc_status_kib(worker.process.pid, "VmRSS") or 0
    worker.job = _Job(index, item, time.monotonic(), baseline, baseline)
    worker.connection.send(item)


def _retire(worker: _Worker) -> None:
    """Let an idle worker finish (or reap a dead one)."""
    if worker.process.is_alive():
        try:
            worker.connection.send(None)
        except OSError:
            worker.process.kill()
        worker.process.join(5)
        if worker.process.is_alive():
            worker.process.kill()
    worker.process.join()
    worker.connection.close()


def _watch(worker: _Worker, limits: RunLimits, out: Path) -> NoticeOutcome | None:
    """The notice's outcome once the worker has one, or once the notice overran a limit (the
    worker is then killed); None while it is still working within its limits."""
    job, process = worker.job, worker.process
    name = job.item.name
    over: str | None = None   # the limit the runner stopped the worker for
    if not worker.connection.poll(0):
        if limits.seconds is not None and time.monotonic() - job.started >= limits.seconds:
            over = "time"
        elif limits.memory_mb is not None:
            resident = _proc_status_kib(process.pid, "VmRSS")
            if resident is not None:
                job.peak_kib = max(job.peak_kib, resident)
                if resident - job.baseline_kib > limits.memory_mb * 1024:
                    over = "memory"
        if over is None:
            return None
    outcome = None if over else _receive(worker.connection)
    worker.job = None
    if outcome is not None:
        worker.notices += 1
        return outcome
    if not over:
        process.join(5)   # it closed its end: let it finish dying, so that its own exit status is read
    if over or process.is_alive():
        process.kill()
    process.join()
    remove_stale_temporaries(out)
    if over == "time":
        return NoticeOutcome(file=name, status="failed", code=ErrorCode.TIME_LIMIT.value,
                             message=f"extraction took longer than the per-notice limit of {limits.seconds:g} s")
    if over == "memory":
        return _memory_outcome(name, f" of {limits.memory_mb} MiB (resident {(job.peak_kib - job.baseline_kib) // 1024} "
                                     f"MiB more than the worker's when given the notice)")
    if process.exitcode == -signal.SIGKILL:   # not by the runner (it waited): the kernel's out-of-memory killer
        return _memory_outcome(name, " (the system killed the extraction process for want of memory)")
    return NoticeOutcome(file=name, status="failed", code=ErrorCode.INTERNAL.value,
                         message=f"the extraction process died (exit code {process.exitcode})")


def _receive(connection) -> NoticeOutcome | None:
    try:
        return connection.recv()
    except (EOFError, OSError):
        return None
