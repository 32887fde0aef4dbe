"""The batch on a local Ray instance: long-lived workers extract, the runner stores; the store
and the report equal a local run's."""

from __future__ import annotations

import pytest
from notice_gen import write_notice_dump
from record_notices import write_notice
from test_scale import store_files

from extract.batch import RunLimits, run_batch

ray = pytest.importorskip("ray")


def test_a_ray_run_stores_what_a_local_run_stores(tmp_path, jiangxi):
    raw = tmp_path / "raw"
    (raw / "henan" / "2025").mkdir(parents=True)
    write_notice("A", "pdf", raw / "a.pdf")
    write_notice("B", "dump", raw / "henan" / "2025" / "b.txt")
    write_notice_dump(raw / "c.txt", jiangxi)
    (raw / "broken.pdf").write_bytes(b"%PDF-1.4 nothing else")
    local = run_batch(raw, tmp_path / "local", tmp_path / "local.json", progress=False, jobs=2)
    on_ray = run_batch(raw, tmp_path / "ray", tmp_path / "ray.json", progress=False, jobs=2, executor="ray",
                       limits=RunLimits(seconds=None, memory_mb=None))
    assert [(o.status, o.code) for o in on_ray.outcomes] == [(o.status, o.code) for o in local.outcomes]
    assert [o.status for o in on_ray.outcomes].count("failed") == 1
    assert store_files(tmp_path / "ray") == store_files(tmp_path / "local")
    assert (tmp_path / "ray.json").read_text(encoding="utf-8").replace("/ray/", "/OUT/") == \
        (tmp_path / "local.json").read_text(encoding="utf-8").replace("/local/", "/OUT/")


def test_a_worker_reads_an_input_from_a_url(tmp_path, jiangxi):
    """An input fsspec reads (here a file:// URL) is copied locally by the worker and named by its URL."""
    from extract.ray_run import NoticeWorker

    path = tmp_path / "n.txt"
    write_notice_dump(path, jiangxi)
    index, result = NoticeWorker({}).extract(7, path.as_uri(), path.as_uri(), "n")
    assert index == 7 and result["status"] == "ok" and result["file"] == path.as_uri()
