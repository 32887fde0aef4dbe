"""Shared fixtures: notices built by the tests themselves, with titles, numbers and dates
that appear nowhere in the corpus."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from notice_gen import NoticeSpec  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
TRUTH = REPO / "tests" / "truth"
RAW = REPO / "data" / "raw"


def snapshot(folder: Path, with_mtime: bool = False) -> dict[str, object]:
    """Every file of a store by its relative path: its bytes (and modification time), leaving
    out the store's bookkeeping: the run lock (the last runner's process id) and the record of
    versions already checked against their schema."""
    from extract.store.catalog import CHECKED_NAME
    from extract.store.files import LOCK_NAME

    return {p.relative_to(folder).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns) if with_mtime else p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file() and p.name not in (LOCK_NAME, CHECKED_NAME)}


def jiangxi_spec() -> NoticeSpec:
    return NoticeSpec(
        title_lines=["江西省农业农村厅关于印发《江西省高素", "质农民培育工作方案》的通知"],
        doc_number="赣农字〔2024〕15号",
        addressees_line="各设区市农业农村局，省直有关单位：",
        preamble=["为深入实施乡村振兴战略，依据《乡村振兴促进法实施细则》（国办发〔2022〕12号）和"
                  "有关规定，结合本省实际，制定本方案，请认真贯彻执行。"],
        body=[
            (1, "一", "总体要求", "坚持需求导向，分层分类开展培育，每年培育高素质农民八千人以上，逐步扩大覆盖面。"),
            (2, "一", "明确对象", "重点面向家庭农场主、农民合作社带头人和返乡创业人员，兼顾新型经营主体。"),
            (2, "二", None, "各地要根据产业特点制定计划，报省农业农村厅备案后组织实施，做好过程管理。"),
            (1, "二", "保障措施", ""),
            (3, "1", "资金保障", "培育资金从中央财政衔接资金中列支（农财发〔2023〕7号），专款专用。"),
            (3, "2", "考核评价", "年底前完成绩效评价。"),
            (1, "三", "工作要求", "各地要加强组织领导，按时报送工作进展。"),
        ],
        contact_line="联系电话：0791-86123456",
        signature="江西省农业农村厅",
        date_line="2024年5月6日",
        attachments_line=["附件：1.江西省高素质农民培育任务分配表", "2.高素质农民培育对象申报表"],
        attachment_pages=[("附件1", "江西省高素质农民培育任务分配表"), ("附件2", "高素质农民培育对象申报表")],
        imprint_line="江西省农业农村厅办公室 2024年5月8日印发",
    )


JIANGXI_EXPECTED = {
    "title": "江西省农业农村厅关于印发《江西省高素质农民培育工作方案》的通知",
    "doc_number": "赣农字〔2024〕15号",
    "issuer": "江西省农业农村厅",
    "signed_date": dt.date(2024, 5, 6),
    "addressees": ["各设区市农业农村局", "省直有关单位"],
    "contact_phone": "0791-86123456",
    "imprint": ("江西省农业农村厅办公室", dt.date(2024, 5, 8)),
    "references": ["国办发〔2022〕12号", "农财发〔2023〕7号"],
    "sections": ["总体要求", "保障措施", "工作要求"],
    "attachments": [(1, "江西省高素质农民培育任务分配表"), (2, "高素质农民培育对象申报表")],
}


@pytest.fixture
def jiangxi() -> NoticeSpec:
    return jiangxi_spec()
