"""The batch on a Ray cluster (`python -m extract run --executor ray [--address ADDRESS]`).

Workers are long-lived actors, one CPU each, `jobs` of them: each builds its settings once and
keeps the OCR models loaded from the first page that needs them. A worker reads its input from
a path it can see or from any URL fsspec understands (`s3://…`, `gs://…`, `http://…`), runs
the pipeline, validates the document and sends its JSON back. The runner is the store's single
writer (`pipeline.store_checked`): versions are claimed and written atomically as in a local run,
so the store and the report equal a local run's.

Without `address` a local Ray instance is started (and stopped) for the run, with `jobs` CPUs.
Per-notice time and memory limits are the local executor's; on Ray, the cluster's own memory
monitor and task retries apply (say so in the run's plan).
"""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Callable
from pathlib import Path

from extract.common.text import printable
from extract.errors import ErrorCode, NoticeError
from extract.pipeline import (
    display_path,
    extract_notice,
    notice_to_checked_json,
    store_checked,
)
from extract.settings import PipelineSettings


@contextlib.contextmanager
def local_copy(location: str):
    """A local path holding the input: the path itself when this machine sees it, else the
    bytes fsspec reads from the URL, in a temporary file with the same name."""
    path = Path(location)
    if path.is_file():
        yield path
        return
    import fsspec

    with fsspec.open(location, "rb") as remote, tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / Path(location.rstrip("/")).name
        copy.write_bytes(remote.read())
        yield copy


class NoticeWorker:
    """One Ray actor: extracts notices one after the other with the same settings and models."""

    def __init__(self, settings: dict):
        self.settings = PipelineSettings.resolve(settings)

    def extract(self, index: int, location: str, name: str, notice_id: str) -> tuple[int, dict]:
        try:
            with local_copy(location) as path:
                notice = extract_notice(path, self.settings, notice_id, source_name=name)
                text = notice_to_checked_json(notice)
        except NoticeError as exc:
            return index, {"code": exc.code.value, "message": exc.message}
        except MemoryError:
            return index, {"code": ErrorCode.MEMORY_LIMIT.value, "message": "the worker ran out of memory"}
        except Exception as exc:  # one broken notice never stops the run
            return index, {"code": ErrorCode.INTERNAL.value, "message": printable(f"{type(exc).__name__}: {exc}")}
        return index, {"text": text, "status": notice.status, "id": notice.id, "file": notice.source.file,
                       "warnings": [f"{e.code}: {e.message}" for e in notice.errors]}


def run_on_ray(to_extract: list, out_dir: Path, settings: PipelineSettings, jobs: int,
               done: Callable, address: str | None = None) -> None:
    """Extract `to_extract` ((index, RunInput) pairs) on `jobs` Ray workers; `done(index,
    outcome)` as each comes back, once its document is stored (the outcome's fields as a dict)."""
    import ray
    from ray.util import ActorPool

    started_here = not ray.is_initialized()
    if started_here:
        ray.init(address=address, num_cpus=None if address else jobs, include_dashboard=False,
                 log_to_driver=False, configure_logging=False)
    try:
        worker = ray.remote(num_cpus=1)(NoticeWorker)
        pool = ActorPool([worker.remote(settings.to_dict()) for _ in range(max(1, min(jobs, len(to_extract))))])
        names = {index: item.name for index, item in to_extract}
        for index, item in to_extract:
            pool.submit(lambda actor, job: actor.extract.remote(*job),
                        (index, str(item.path), item.name, item.notice_id))
        while pool.has_next():
            index, result = pool.get_next_unordered()
            name = names[index]
            if "text" not in result:
                done(index, {"file": name, "status": "failed", "code": result["code"], "message": result["message"]})
                continue
            try:
                stored, added = store_checked(out_dir, result["id"], result["text"], result["file"])
            except NoticeError as exc:
                done(index, {"file": name, "status": "failed", "code": exc.code.value, "message": exc.message})
                continue
            done(index, {"file": name, "status": result["status"], "output": display_path(stored), "added": added,
                         "warnings": result["warnings"]})
    finally:
        if started_here:
            ray.shutdown()
