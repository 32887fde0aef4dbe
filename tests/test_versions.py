"""The versioned store, schema versioning and the diff between editions."""

from __future__ import annotations

import json
import shutil

import pytest
from conftest import RAW, REPO, jiangxi_spec, snapshot
from notice_gen import notice_lines
from table_gen import garbled_lines, grouped_spec, spaced_lines, subsidy_spec

from extract.batch import run_batch
from extract.cli import main
from extract.model import SCHEMA_VERSION
from extract.pipeline import extract_notice, notice_to_checked_json
from extract.review.diff import diff_notices
from extract.review.render import to_html, to_markdown
from extract.store.catalog import build_catalog, series_of, stored_versions
from extract.store.migrate import migrate_document, migrate_store
from extract.store.series import series_key
from extract.store.validate import (
    generate_schema,
    released_versions,
    validation_errors,
    validation_errors_for,
)

FIXTURES = REPO / "tests" / "fixtures"


# ---------------------------------------------------------------- store


def test_rerun_adds_nothing_and_a_changed_source_adds_a_version(tmp_path, jiangxi):
    raw, store = tmp_path / "raw", tmp_path / "store"
    raw.mkdir()
    shutil.copy(RAW / "000_4205ec53f062ffe8.txt", raw / "notice.txt")
    run_batch(raw, store, None, progress=False)
    first = snapshot(store, with_mtime=True)
    assert sorted(first) == ["index.json", "notice/v001.json"]
    report = run_batch(raw, store, None, progress=False)
    assert report.outcomes[0].added is False
    assert snapshot(store, with_mtime=True) == first, "re-running on unchanged inputs changes no byte"

    (raw / "notice.txt").write_text((raw / "notice.txt").read_text(encoding="utf-8").replace("2023年 12月4日", "2023年 12月5日"),
                                    encoding="utf-8")
    run_batch(raw, store, None, progress=False)
    assert [p.name for _, p in stored_versions(store, "notice")] == ["v001.json", "v002.json"]
    assert (store / "notice" / "v001.json").read_bytes() == first["notice/v001.json"][0]
    catalog = json.loads((store / "index.json").read_text(encoding="utf-8"))
    assert validation_errors(catalog) == []
    entry = catalog["notices"][0]
    assert [v["version"] for v in entry["versions"]] == [1, 2]
    assert entry["signed_date"] == "2023-12-05"
    assert len({v["source_sha256"] for v in entry["versions"]}) == 2


def test_series_links_editions(tmp_path):
    assert series_key("某省人社厅", "某省技能人才培育项目实施方案（2026年修订）") == \
        series_key("某省人社厅", "某省技能人才培育项目实施方案") == \
        series_key("某省人社厅", "2025年度某省技能人才培育项目实施方案(试行)")
    assert series_key("某省人社厅", "某省技能人才培育项目实施方案") != series_key("某市人社局", "某省技能人才培育项目实施方案")


# ---------------------------------------------------------------- editions for the diff


SUBSIDY_2024 = [("焊工", "6-18-02-04", [120, 980, 150, 2105]), ("电工", "6-31-01-03", [72, 1436, 96, 1250]),
                ("钳工", "6-20-01-02", [64, 1317, 120, 1799])]
SUBSIDY_2025 = [("焊工", "6-18-02-04", [120, 1080, 150, 2105]), ("电工", "6-31-01-03", [72, 1436, 120, 1250]),
                ("叉车司机", "6-29-03-01", [48, 1120, 80, 1530])]
INSTITUTIONS_2024 = [("甲职业技术学院", [("焊接", "第一批"), ("电工", "第二批")]), ("乙技师学院", [("钳工", "第三批")])]
INSTITUTIONS_2025 = [("甲职业技术学院", [("焊接", "第一批"), ("电工", "第二批")]), ("丙培训中心", [("叉车", "第一批")])]
CLAUSE = "各地要加强组织领导，按时报送工作进展。"
REWORDED = "各地要加强组织领导，每季度报送工作进展。"


def write_edition(path, subsidy, institutions, valid_until: str, clause: str) -> None:
    spec = jiangxi_spec()
    spec.title_lines = ["江西省高素质农民培育工作方案"]
    spec.doc_number = None
    spec.addressees_line = None
    spec.body = [b for b in spec.body if b[0] != 3]
    spec.body[2] = (2, "二", None, f"按规定给予培训补贴，补贴标准见《江西省高素质农民培训补贴标准》（见附件1，试行到{valid_until}）。")
    spec.body[-1] = (1, "三", "工作要求", clause)
    spec.attachments_line = ["附件：1.江西省高素质农民培训补贴标准", "2.江西省高素质农民培训机构名单"]
    spec.attachment_pages = []
    imprint, spec.imprint_line = spec.imprint_line, None
    lines = [line.text for line in notice_lines(spec, 24, 16, 80, 80 + 24 * 16)]
    table = subsidy_spec(subsidy, ["一级", "二级"], title="江西省高素质农民培训补贴标准")
    lines += [" " + piece if k == 0 else piece for k, piece in enumerate(garbled_lines(table, marker="附件1"))]
    groups = grouped_spec(institutions, title=None)
    lines += [" 附件2", "江西省高素质农民培训机构名单"] + [text for text, _ in spaced_lines(groups)]
    lines += [" " + imprint]
    path.write_text("\n\n".join(lines) + "\n", encoding="utf-8")


@pytest.fixture
def editions(tmp_path):
    old, new = tmp_path / "jx-2024.txt", tmp_path / "jx-2025.txt"
    write_edition(old, SUBSIDY_2024, INSTITUTIONS_2024, "2024年12月31日", CLAUSE)
    write_edition(new, SUBSIDY_2025, INSTITUTIONS_2025, "2025年6月30日", REWORDED)
    return [json.loads(notice_to_checked_json(extract_notice(p))) for p in (old, new)]


def test_editions_extract_cleanly(editions):
    for doc in editions:
        assert doc["errors"] == []
        assert len(doc["records"]["subsidy_standards"]) == 6
        assert len(doc["records"]["training_institutions"]) == 3


EXPECTED = {
    ("document.validity", "changed", ("2024-12-31",), ("2025-06-30",)),
    ("records.subsidy_standards[焊工/一级].subsidy_yuan", "changed", 980, 1080),
    ("records.subsidy_standards[电工/二级].training_hours", "changed", 96, 120),
    ("records.subsidy_standards[叉车司机/一级]", "added", None, "叉车司机"),
    ("records.subsidy_standards[叉车司机/二级]", "added", None, "叉车司机"),
    ("records.subsidy_standards[钳工/一级]", "removed", "钳工", None),
    ("records.subsidy_standards[钳工/二级]", "removed", "钳工", None),
    ("records.training_institutions[丙培训中心/叉车]", "added", None, "丙培训中心"),
    ("records.training_institutions[乙技师学院/钳工]", "removed", "乙技师学院", None),
    ("sections[一/二].paragraphs[0]", "changed", "2024年12月31日", "2025年6月30日"),
    ("sections[三].paragraphs[0]", "changed", CLAUSE, REWORDED),
}


def summarise(change):
    def short(value):
        if isinstance(value, dict):
            return value.get("occupation") or value.get("name")
        if isinstance(value, list):
            return tuple(value)
        if isinstance(value, str) and change.path.startswith("sections"):
            return value if value in (CLAUSE, REWORDED) else next(
                (d for d in ("2024年12月31日", "2025年6月30日") if d in value), value)
        return value
    return (change.path, change.kind, short(change.old), short(change.new))


def test_diff_reports_exactly_the_revisions(editions):
    old, new = editions
    diff = diff_notices(old, new, "2024", "2025")
    assert diff.same_series
    assert {summarise(c) for c in diff.changes} == EXPECTED
    assert len(diff.changes) == len(EXPECTED)
    clause = next(c for c in diff.changes if c.path == "sections[三].paragraphs[0]")
    assert ("-", "按时") in clause.segments and ("+", "每季度") in clause.segments


def test_diff_in_all_three_formats(tmp_path, editions, capsys):
    old, new = editions
    for k, doc in enumerate(editions):
        (tmp_path / f"{k}.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    outputs = {}
    for fmt in ("json", "markdown", "html"):
        out = tmp_path / f"diff.{fmt}"
        assert main(["diff", str(tmp_path / "0.json"), str(tmp_path / "1.json"), "--format", fmt, "-o", str(out)]) == 1
        outputs[fmt] = out.read_text(encoding="utf-8")
    machine = json.loads(outputs["json"])
    assert {c["path"] for c in machine["changes"]} == {e[0] for e in EXPECTED}
    for path, *_ in EXPECTED:
        assert f"`{path}`" in outputs["markdown"]
        assert f"<code>{path}</code>" in outputs["html"]
    assert "980 → 1080" in outputs["markdown"] and "~~按时~~**每季度**" in outputs["markdown"]
    assert "<del>按时</del><ins>每季度</ins>" in outputs["html"]
    assert outputs["html"].startswith("<!DOCTYPE html>") and "<script" not in outputs["html"] and "http" not in outputs["html"]
    assert to_markdown(diff_notices(old, new)) == to_markdown(diff_notices(old, new))  # stable


def test_diff_of_a_notice_with_itself_is_empty(editions):
    diff = diff_notices(editions[0], editions[0])
    assert diff.changes == []
    assert "No differences." in to_markdown(diff) and "No differences." in to_html(diff)


def test_diff_exit_status_on_the_store():
    from extract.config import STRUCTURED_DIR

    latest = len(list((STRUCTURED_DIR / "henan-2025-digital-talent").glob("v*.json")))
    assert main(["diff", "henan-2025-digital-talent", f"henan-2025-digital-talent@{latest}"]) == 0
    assert main(["diff", "henan-2025-digital-talent", "yunnan-2023-digital-engineer", "--format", "json"]) == 1
    assert main(["diff", "henan-2025-digital-talent", "no-such-notice"]) == 2
    assert main(["diff", f"henan-2025-digital-talent@{latest + 1}", "henan-2025-digital-talent"]) == 2


def test_diff_between_series_says_so(capsys):
    main(["diff", "henan-2025-digital-talent", "yunnan-2023-digital-engineer", "--format", "json"])
    captured = capsys.readouterr()
    assert json.loads(captured.out)["same_series"] is False
    assert "different series" in captured.err


def test_history_lists_a_series(tmp_path, capsys):
    raw, store = tmp_path / "raw", tmp_path / "store"
    raw.mkdir()
    write_edition(raw / "jx-2024.txt", SUBSIDY_2024, INSTITUTIONS_2024, "2024年12月31日", CLAUSE)
    write_edition(raw / "jx-2025.txt", SUBSIDY_2025, INSTITUTIONS_2025, "2025年6月30日", REWORDED)
    (raw / "jx-2025.txt").write_text((raw / "jx-2025.txt").read_text(encoding="utf-8")
                                     .replace("2024年5月8日印发", "2025年5月8日印发")
                                     .replace("江西省高素质农民培育工作方案", "江西省高素质农民培育工作方案\n\n（2025年修订）", 1),
                                     encoding="utf-8")
    shutil.copy(RAW / "000_4205ec53f062ffe8.txt", raw / "yunnan.txt")
    run_batch(raw, store, None, progress=False)
    catalog, _ = build_catalog(store)
    assert [e.id for e in series_of(catalog, "jx-2025")] == ["jx-2024", "jx-2025"]
    assert main(["history", "jx-2024", "--store", str(store)]) == 0
    out = capsys.readouterr().out
    assert "jx-2024" in out and "jx-2025" in out and "yunnan" not in out
    assert out.index("jx-2024") < out.index("jx-2025")


# ---------------------------------------------------------------- schema versions


def stored_documents():
    documents = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(FIXTURES.glob("notice-*.json"))]
    documents += [json.loads(p.read_text(encoding="utf-8")) for p in sorted((REPO / "data" / "structured").glob("*/v*.json"))]
    assert documents
    return documents


def test_documents_validate_against_the_version_they_name():
    for document in stored_documents():
        assert validation_errors(document) == [], document["id"]


def test_schemas_accept_every_stored_document_of_their_major_version():
    """A schema change that would reject documents stored under the same major version fails here:
    each released schema, and the one the current model generates, must accept them all."""
    current_major = SCHEMA_VERSION.split(".")[0]
    from jsonschema import Draft202012Validator, FormatChecker

    generated = Draft202012Validator(generate_schema("notice"), format_checker=FormatChecker())
    for document in stored_documents():
        major = document["schema_version"].split(".")[0]
        later = [v for v in released_versions("notice") if v.split(".")[0] == major
                 and tuple(map(int, v.split("."))) >= tuple(map(int, document["schema_version"].split(".")))]
        for version in later:
            assert validation_errors_for(document, "notice", version) == [], (document["id"], version)
        if major == current_major:
            assert list(generated.iter_errors(document)) == [], document["id"]


def test_migrate_adds_a_current_version_and_keeps_the_old(tmp_path):
    store = tmp_path / "store"
    old = json.loads((FIXTURES / "notice-1.0.0-yunnan.json").read_text(encoding="utf-8"))
    (store / old["id"]).mkdir(parents=True)
    original = (FIXTURES / "notice-1.0.0-yunnan.json").read_bytes()
    (store / old["id"] / "v001.json").write_bytes(original)
    result = migrate_store(store)
    assert result.problems == []
    added = result.added
    assert [p.name for p in added] == ["v002.json"]
    assert (store / old["id"] / "v001.json").read_bytes() == original
    migrated = json.loads(added[0].read_text(encoding="utf-8"))
    assert migrated["schema_version"] == SCHEMA_VERSION
    assert migrated["series"] == "云南省人力资源和社会保障厅|云南省人力资源和社会保障厅关于印发云南省数字技术工程师培育项目实施方案的通知"
    assert validation_errors(migrated) == []
    assert migrate_store(store).added == []  # idempotent
    assert migrate_document(migrated) == migrated
    with pytest.raises(ValueError):
        migrate_document({**old, "schema_version": "0.1.0"})


def test_store_holds_what_this_pipeline_extracts():
    """The latest stored version of each input written by this pipeline version is what the
    code extracts now: changing the output means bumping extract.__version__, which stores
    a new version instead of changing one under the consumers."""
    from extract import __version__
    from extract.pipeline import notice_id

    for path in sorted(RAW.iterdir()):
        versions = stored_versions(REPO / "data" / "structured", notice_id(path))
        assert versions, f"{path.name} has no stored version: run `make extract`"
        stored = versions[-1][1].read_text(encoding="utf-8")
        if json.loads(stored)["pipeline_version"] == __version__:
            assert stored == notice_to_checked_json(extract_notice(path)), \
                f"{path.name}: output changed without a new pipeline version"
