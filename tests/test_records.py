"""Records from notices laid out unlike the corpus: a long-format subsidy table (one row per
occupation and level, occupations merged over their levels and cut by page breaks), a wide
table whose leaf headers carry a unit with a slash (`补贴标准（元/人）`) printed sideways, the
doc number above the title, a single attachment cited as `见附件`, a 抄送 line in the 版记.
Each notice as a typeset PDF and as its text dump; the records of both must be exact and equal.
Then the engine alone: units, look-alikes, partial matches, ties, a kind added by a spec."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace

import pytest
from notice_gen import CJK_FONT, PlacedTable, write_notice_pdf
from record_notices import (
    A_EXPECTED,
    B_EXPECTED,
    B_RECORDS,
    LONG_EXPECTED,
    WIDE_TITLE,
    notice_b,
    write_notice,
)
from table_gen import SpecCell, TableSpec, write_table_pdf

from extract.model import Frozen, RecordSource
from extract.pipeline import extract_notice, load_source, notice_to_checked_json, run_pipeline
from extract.record_specs import (
    RECORD_SPECS,
    ColumnSpec,
    ReadContext,
    RecordSpec,
    UnreadableValue,
    read_integer,
    read_text,
    read_yuan,
    validity_context,
)
from extract.review.diff import diff_notices
from extract.review.render import to_markdown
from extract.stages.records import build_records
from extract.stages.tables import find_tables


@pytest.fixture(scope="module")
def notices(tmp_path_factory):
    folder = tmp_path_factory.mktemp("notices")
    out = {}
    for kind in ("A", "B"):
        for form in ("pdf", "txt"):
            path = folder / f"{kind}.{form}"
            write_notice(kind, form, path)
            out[kind, form] = json.loads(notice_to_checked_json(extract_notice(path)))
    return out


def fields(doc: dict) -> dict:
    d = doc["document"]
    return {
        "title": d["title"], "issuer_mark": d["issuer_mark"], "doc_number": d["doc_number"], "issuer": d["issuer"],
        "signed_date": d["signed_date"], "addressees": d["addressees"], "imprint": d["imprint"],
        "copy_to": d["copy_to"], "references": [r["doc_number"] for r in d["references"]],
        "attachments": [(a["number"], a["title"]) for a in doc["attachments"]],
        "sections": [s["heading"] for s in doc["sections"]],
    }


def standards(doc: dict) -> list[tuple]:
    return [(s["occupation"], s["occupation_code"], s["level"], s["training_hours"], s["subsidy_yuan"])
            for s in doc["records"]["subsidy_standards"]]


@pytest.mark.parametrize("form", ["pdf", "txt"])
def test_long_format_notice(notices, form):
    doc = notices["A", form]
    assert fields(doc) == A_EXPECTED
    assert standards(doc) == LONG_EXPECTED
    assert {(s["valid_from"], s["valid_until"]) for s in doc["records"]["subsidy_standards"]} == \
        {("2026-01-01", "2027-12-31")}
    assert doc["errors"] == [] and doc["status"] == "ok", "dashes and slashes are 'not offered', not unreadable"


@pytest.mark.parametrize("form", ["pdf", "txt"])
def test_wide_notice_with_unit_in_leaf_headers(notices, form):
    doc = notices["B", form]
    assert fields(doc) == B_EXPECTED
    assert standards(doc) == B_RECORDS
    assert {s["valid_until"] for s in doc["records"]["subsidy_standards"]} == {"2026-06-30"}
    table = next(t for t in doc["tables"] if t["title"] == WIDE_TITLE)
    assert table["column_headers"][3] == ["初级", "补贴标准（元/人）"], "a header path is a list: the / in 元/人 stays"
    assert doc["errors"] == [] and doc["status"] == "ok"


@pytest.mark.parametrize("kind", ["A", "B"])
def test_pdf_and_dump_give_the_same_records(notices, kind):
    def plain(doc):
        return {k: [{f: v for f, v in r.items() if f != "source"} for r in rows] for k, rows in doc["records"].items()}

    assert plain(notices[kind, "pdf"]) == plain(notices[kind, "txt"])


def test_long_table_cut_by_page_breaks_keeps_merged_occupations(notices):
    table = notices["A", "pdf"]["tables"][0]
    assert len(table["pages"]) == 3
    cut = [c for c in table["cells"] if c["text"] == "电工"]
    assert len(cut) == 1 and len({p["page"] for p in cut[0]["provenance"]}) == 2


def test_a_partial_match_makes_the_notice_partial(tmp_path):
    """序号 | 职业（工种） | 补贴标准（元/人）: a subsidy table without levels cannot give records;
    the notice says so instead of coming out `ok` with none."""
    table = TableSpec(col_widths=[40.0, 120.0, 120.0], n_rows=3, header_rows=1, title="补贴标准",
                      cells=[SpecCell(0, 0, "序号"), SpecCell(0, 1, "职业（工种）"), SpecCell(0, 2, "补贴标准（元/人）"),
                             SpecCell(1, 0, "1"), SpecCell(1, 1, "焊工"), SpecCell(1, 2, "1200"),
                             SpecCell(2, 0, "2"), SpecCell(2, 1, "电工"), SpecCell(2, 2, "1300")])
    path = tmp_path / "n.pdf"
    spec = replace(notice_b(), attachments_line=["附件：补贴标准"])
    write_notice_pdf(path, spec, tables=[PlacedTable(table, "附件")])
    notice = extract_notice(path)
    assert notice.status == "partial"
    assert notice.records.subsidy_standards == []
    [error] = [e for e in notice.errors if e.code == "table_unmapped"]
    assert "subsidy_standards" in error.message and "level" in error.message and "occupation←" in error.message


# ---------------------------------------------------------------- the engine on single tables


def table_of(tmp_path, spec: TableSpec, orientation: int = 0):
    path = tmp_path / "t.pdf"
    write_table_pdf(path, spec, orientation=orientation)
    [table] = find_tables(load_source(path)).tables
    return table


def simple_table(header: list[str], rows: list[list[str]], widths: list[float] | None = None) -> TableSpec:
    cells = [SpecCell(0, k, h) for k, h in enumerate(header)]
    cells += [SpecCell(r, k, text) for r, row in enumerate(rows, start=1) for k, text in enumerate(row)]
    return TableSpec(col_widths=widths or [100.0] * len(header), n_rows=1 + len(rows), header_rows=1, cells=cells)


@pytest.mark.parametrize("header,cells,expected", [
    ("补贴标准（万元/人）", ["0.128", "0.2"], [1280, 2000]),
    ("补贴金额（元）", ["1,280", "2000元"], [1280, 2000]),
    ("补助标准", ["1280.00", "0.2万元"], [1280, 2000]),
])
def test_money_units_from_headers_and_cells(tmp_path, header, cells, expected):
    spec = simple_table(["工种", "等级", header], [["焊工", "初级", cells[0]], ["焊工", "中级", cells[1]]],
                        widths=[80.0, 80.0, 150.0])
    found = build_records([table_of(tmp_path, spec)], None)
    assert [s.subsidy_yuan for s in found.records().subsidy_standards] == expected
    assert found.errors == []


@pytest.mark.parametrize("orientation", [0, 90])
def test_a_caption_unit_of_10000_yuan_applies_to_the_amounts(tmp_path, orientation):
    spec = replace(simple_table(["工种", "等级", "补贴标准"], [["焊工", "初级", "0.12"], ["焊工", "中级", "0.185"]],
                                widths=[80.0, 80.0, 150.0]),
                   title="职业技能培训补贴标准", caption_lines=[("", "单位：万元")])
    table = table_of(tmp_path, spec, orientation)
    assert table.unit == "万元"
    found = build_records([table], None)
    assert [s.subsidy_yuan for s in found.records().subsidy_standards] == [1200, 1850]


def test_a_figure_that_is_not_a_whole_yuan_is_not_guessed(tmp_path):
    spec = simple_table(["工种", "等级", "补贴标准（万元）"], [["焊工", "初级", "0.12345"]], widths=[80.0, 80.0, 150.0])
    found = build_records([table_of(tmp_path, spec)], None)
    assert [s.subsidy_yuan for s in found.records().subsidy_standards] == [None]
    assert [e.code for e in found.errors] == ["record_field_unreadable"]


@pytest.mark.parametrize("text, value", [("1,280", 1280), ("1, 280.00", 1280), ("1 2 8 0", 1280), ("1280 元", 1280),
                                         ("1200 1500", None), ("1,280 1,680", None), ("80 120", None), ("1 280", None)])
def test_figures_set_apart_are_no_one_amount(text, value):
    """Figures a space apart are two values (two tiers' amounts in one cell), not one number;
    a space after a thousands separator, or between every digit, is one figure's."""
    if value is None:
        with pytest.raises(UnreadableValue, match="figures set apart"):
            read_yuan(text, ReadContext())
    else:
        assert read_yuan(text, ReadContext()) == value


def test_amounts_one_under_another_beside_one_label_are_reported_not_joined(tmp_path):
    """A ruled row that lists two amounts under each other beside one occupation: no record gets
    the two joined into one amount (800960, a plausible one); the value is reported as unreadable."""
    from reportlab.pdfgen import canvas

    path = tmp_path / "tiers.pdf"
    pdf = canvas.Canvas(str(path), pagesize=(595, 842))
    pdf.setFont(CJK_FONT, 10)
    xs, ys = [60, 160, 260, 400], [720, 700, 680, 640]
    for y in ys:
        pdf.line(xs[0], y, xs[-1], y)
    for x in xs:
        pdf.line(x, ys[0], x, ys[-1])
    for row, y in (((["工种", "等级", "补贴标准（元）"]), 706), ((["焊工", "初级", "1200"]), 686)):
        for x, text in zip(xs, row):
            pdf.drawString(x + 4, y, text)
    pdf.drawString(xs[0] + 4, 656, "电工")
    pdf.drawString(xs[1] + 4, 656, "初级")
    pdf.drawString(xs[2] + 4, 666, "800")
    pdf.drawString(xs[2] + 4, 648, "960")
    pdf.showPage()
    pdf.save()
    [table] = find_tables(load_source(path)).tables
    found = build_records([table], None)
    assert [(s.occupation, s.subsidy_yuan) for s in found.records().subsidy_standards] == [("焊工", 1200), ("电工", None)]
    assert [e.code for e in found.errors] == ["record_field_unreadable"]


@pytest.mark.parametrize("orientation", [0, 90, 270])
def test_level_groups_named_below_a_spanning_amount_header(tmp_path, orientation):
    """补贴标准（元/人） spanning the level columns, the levels as leaves: each leaf is a level."""
    cells = [SpecCell(0, 0, "培训工种", rowspan=2), SpecCell(0, 1, "补贴标准（元/人）", colspan=3)]
    cells += [SpecCell(1, 1 + k, level) for k, level in enumerate(["初级工", "中级工", "高级工"])]
    cells += [SpecCell(2, 0, "保育师"), SpecCell(2, 1, "900"), SpecCell(2, 2, "1300"), SpecCell(2, 3, "—")]
    cells += [SpecCell(3, 0, "养老护理员"), SpecCell(3, 1, "1000"), SpecCell(3, 2, "1400"), SpecCell(3, 3, "1900")]
    spec = TableSpec(col_widths=[120.0, 70.0, 70.0, 70.0], n_rows=4, header_rows=2, cells=cells)
    found = build_records([table_of(tmp_path, spec, orientation)], None)
    got = [(s.occupation, s.level, s.training_hours, s.subsidy_yuan) for s in found.records().subsidy_standards]
    assert got == [("保育师", "初级工", None, 900), ("保育师", "中级工", None, 1300),
                   ("养老护理员", "初级工", None, 1000), ("养老护理员", "中级工", None, 1400),
                   ("养老护理员", "高级工", None, 1900)]
    assert found.errors == []


def test_look_alikes_are_not_record_tables(tmp_path):
    """A list of schools and majors is no list of training institutions; a budget table is no subsidy table."""
    schools = simple_table(["序号", "学校", "专业"], [["1", "某某大学", "计算机科学"], ["2", "某某学院", "会计"]])
    budget = simple_table(["项目", "金额（万元）", "备注"], [["人员经费", "120.5", ""], ["公用经费", "30", ""]])
    found = build_records([table_of(tmp_path, schools), table_of(tmp_path, budget)], None)
    assert found.by_kind == {"subsidy_standards": [], "training_institutions": []}
    assert found.errors == []
    assert set(found.table_kinds.values()) == {None}


def test_a_required_value_left_empty_is_reported(tmp_path):
    spec = simple_table(["工种", "等级", "补贴标准"], [["焊工", "初级", ""], ["焊工", "中级", "1500"]])
    found = build_records([table_of(tmp_path, spec)], None)
    assert [(s.level, s.subsidy_yuan) for s in found.records().subsidy_standards] == [("初级", None), ("中级", 1500)]
    assert [e.code for e in found.errors] == ["record_field_unreadable"]


def test_a_tie_between_kinds_is_reported(tmp_path):
    twin = replace(RECORD_SPECS[1], kind="twin_institutions")
    spec = simple_table(["机构名称", "培训领域"], [["甲培训学校", "电工"]])
    found = build_records([table_of(tmp_path, spec)], None, specs=(*RECORD_SPECS, twin))
    assert [e.code for e in found.errors] == ["table_ambiguous"]
    assert all(not rows for rows in found.by_kind.values())


@pytest.mark.parametrize("sentence,until,since", [
    ("补贴标准见附件1，有效期至2027年12月31日。", dt.date(2027, 12, 31), None),
    ("补贴标准（见附件1）自2026年3月1日起施行。", None, dt.date(2026, 3, 1)),
    ("附件1所列标准执行至2026年6月30日。", dt.date(2026, 6, 30), None),
    ("附件1的标准试行到2025年12月31日，期满另行通知。", dt.date(2025, 12, 31), None),
    ("附件1自2026年1月1日至2027年12月31日执行。", dt.date(2027, 12, 31), dt.date(2026, 1, 1)),
    ("附件2自2026年1月1日起施行。", None, None),     # cites another attachment
    ("培训补贴标准有效期至2027年12月31日。", None, None),  # cites none
])
def test_validity_phrasings(sentence, until, since):
    from extract.model import Attachment, Paragraph, Provenance
    from extract.stages.structure import NoticeStructure

    structure = NoticeStructure(document=None, contents=[], sections=[], closing=[],
                                preamble=[Paragraph(text=sentence, provenance=[Provenance(page=1)])],
                                attachments=[Attachment(number=1, title="标准", start_page=3),
                                             Attachment(number=2, title="名单", start_page=4)])
    table = type("T", (), {"pages": [3], "title": None})()
    assert validity_context(table, structure) == {"valid_until": until, "valid_from": since}


# ---------------------------------------------------------------- a third kind, by a spec alone


class EvaluationBody(Frozen):
    """A test's own record kind: the 评价机构 a notice lists, with the occupations they assess."""

    seq: int | None
    name: str
    occupation: str
    levels: str | None
    phone: str | None
    source: RecordSource


EVALUATION_BODIES = RecordSpec(
    kind="evaluation_bodies", title="Evaluation bodies", model=EvaluationBody,
    columns=(ColumnSpec("seq", ("序号",), read_integer),
             ColumnSpec("name", ("评价机构",), read_text, required=True, identifying=True),
             ColumnSpec("occupation", ("职业", "工种"), read_text, required=True, identifying=True),
             ColumnSpec("levels", ("等级",), read_text),
             ColumnSpec("phone", ("电话",), read_text)),
    key=("name", "occupation"))


def evaluation_table(rows) -> TableSpec:
    return simple_table(["序号", "评价机构名称", "评价职业（工种）", "评价等级", "联系电话"], rows,
                        widths=[40.0, 130.0, 110.0, 90.0, 110.0])


def test_a_kind_added_by_a_spec_alone(tmp_path):
    specs = (*RECORD_SPECS, EVALUATION_BODIES)
    old = evaluation_table([["1", "甲技能评价中心", "电工", "五级至三级", "0571-8800001"],
                            ["2", "乙职业技能鉴定所", "焊工", "五级至四级", "0571-8800002"]])
    new = evaluation_table([["1", "甲技能评价中心", "电工", "五级至二级", "0571-8800001"],
                            ["2", "丙评价有限公司", "育婴员", "五级至三级", "0571-8800003"]])
    (tmp_path / "old").mkdir(), (tmp_path / "new").mkdir()
    found = {label: build_records([table_of(tmp_path / label, spec)], None, specs=specs)
             for label, spec in (("old", old), ("new", new))}
    rows = [(b.seq, b.name, b.occupation, b.levels, b.phone) for b in found["old"].by_kind["evaluation_bodies"]]
    assert rows == [(1, "甲技能评价中心", "电工", "五级至三级", "0571-8800001"),
                    (2, "乙职业技能鉴定所", "焊工", "五级至四级", "0571-8800002")]
    assert found["old"].by_kind["training_institutions"] == [], "the closer spec wins over 机构 + 职业"
    assert found["old"].errors == []

    def document(f):
        return {"records": {k: [r.model_dump(mode="json") for r in v] for k, v in f.by_kind.items()}}

    diff = diff_notices(document(found["old"]), document(found["new"]), specs=specs)
    assert {(c.path, c.kind) for c in diff.changes} == {
        ("records.evaluation_bodies[甲技能评价中心/电工].levels", "changed"),
        ("records.evaluation_bodies[丙评价有限公司/育婴员]", "added"),
        ("records.evaluation_bodies[乙职业技能鉴定所/焊工]", "removed")}
    assert "## Evaluation bodies" in to_markdown(diff, specs)


# ---------------------------------------------------------------- tables no kind reads, in the diff


def test_tables_without_a_record_kind_are_diffed_by_rows(tmp_path):
    def quota_table(rows):
        spec = simple_table(["地市", "培训人数", "资金（万元）"], rows)
        return replace(spec, title="2026年各地培训任务分配表")

    docs = []
    for label, rows in (("old", [["杭州市", "3000", "450"], ["宁波市", "2500", "380"], ["温州市", "2000", "300"]]),
                        ("new", [["杭州市", "3200", "480"], ["宁波市", "2500", "380"], ["湖州市", "900", "135"]])):
        (tmp_path / label).mkdir()
        table = table_of(tmp_path / label, quota_table(rows))
        docs.append({"tables": [table.model_dump(mode="json")], "records": {}})
    changes = sorted((c.path, c.kind, c.old, c.new) for c in diff_notices(*docs).changes)
    assert changes == sorted([
        ("tables[2026年各地培训任务分配表][杭州市].培训人数", "changed", "3000", "3200"),
        ("tables[2026年各地培训任务分配表][杭州市].资金（万元）", "changed", "450", "480"),
        ("tables[2026年各地培训任务分配表][湖州市]", "added", None, {"地市": "湖州市", "培训人数": "900", "资金（万元）": "135"}),
        ("tables[2026年各地培训任务分配表][温州市]", "removed", {"地市": "温州市", "培训人数": "2000", "资金（万元）": "300"}, None),
    ])


@pytest.mark.parametrize("rules", ["rows", "frame", "three_line"])
def test_a_group_label_over_three_columns_is_read_whole_or_reported(tmp_path, rules):
    """`补贴标准（元/人）` over `初级 中级 高级`, no full grid: where the label is read over the middle
    column only, the levels beside it are columns of figures no field reads. Their amounts are
    not lost without a word: every level is read, or the table is reported (table_unmapped)."""
    assert_read_or_reported(*levels_table(tmp_path, LEVEL_WORDS[0], 3, rules))


def test_a_figures_column_beside_level_groups_is_no_unread_group(tmp_path):
    """A wide table's level groups (初级 over 学时 补贴) and a column of head counts beside them,
    its header over both header rows: all read as they should, nothing reported."""
    cells = [SpecCell(0, 0, "职业名称", rowspan=2), SpecCell(0, 1, "初级", colspan=2), SpecCell(0, 3, "中级", colspan=2),
             SpecCell(0, 5, "培训人数", rowspan=2)]
    cells += [SpecCell(1, 1, "学时"), SpecCell(1, 2, "补贴标准"), SpecCell(1, 3, "学时"), SpecCell(1, 4, "补贴标准")]
    for r, (name, values) in enumerate([("电工", [80, 800, 100, 1200, 35]), ("焊工", [90, 900, 110, 1300, 42])], start=2):
        cells += [SpecCell(r, 0, name)] + [SpecCell(r, 1 + k, str(v)) for k, v in enumerate(values)]
    path = tmp_path / "wide.pdf"
    write_table_pdf(path, TableSpec(col_widths=[100, 50, 60, 50, 60, 60], n_rows=4, header_rows=2, cells=cells))
    notice = run_pipeline(path).notice
    assert len(notice.records.subsidy_standards) == 4
    assert not any(e.code == "table_unmapped" for e in notice.errors)


def two_row_header_notice(tmp_path, header: list[SpecCell], rows: list[tuple[str, list]], widths: list[float],
                          rules: str = "grid", orientation: int = 0):
    """The notice of a table under a two-row header (`header`: its cells), a row per (name,
    values) under it."""
    cells = list(header)
    for r, (name, values) in enumerate(rows, start=2):
        cells += [SpecCell(r, 0, name)] + [SpecCell(r, 1 + k, str(v)) for k, v in enumerate(values)]
    path = tmp_path / "table.pdf"
    write_table_pdf(path, TableSpec(col_widths=widths, n_rows=2 + len(rows), header_rows=2, cells=cells, rules=rules),
                    orientation=orientation)
    return run_pipeline(path).notice


def amounts_read(notice) -> set[tuple]:
    return {(r.occupation, r.level, r.subsidy_yuan) for r in notice.records.subsidy_standards}


def assert_read_or_reported(notice, want: set[tuple]) -> None:
    """No amount read is wrong, and what was not read is reported."""
    got = amounts_read(notice)
    assert {g for g in got if g[2] is not None} <= want
    if got != want:
        assert any(e.code in ("table_unmapped", "record_field_unreadable") for e in notice.errors), (got, notice.errors)


LEVEL_WORDS = [("职业名称", "补贴标准（元/人）", ["初级", "中级", "高级", "技师"]),
               ("工种", "补助金额（元）", ["五级", "四级", "三级", "二级"])]
LEVEL_ROWS = [("电工", [800, 1200, 1600, 2000]), ("焊工", [900, 1300, 1700, 2100]),
              ("育婴员", [700, 1000, 1400, 1800]), ("中式烹调师", [750, 1050, 1450, 1850])]


def levels_table(tmp_path, words, n_levels: int, rules: str, orientation: int = 0):
    """A name header over both header rows, printed between them (centred on the two), beside a
    group label over `n_levels` levels; no full grid. Returns (notice, the records wanted)."""
    name, label, levels = words[0], words[1], words[2][:n_levels]
    header = [SpecCell(0, 0, name, rowspan=2), SpecCell(0, 1, label, colspan=n_levels)]
    header += [SpecCell(1, 1 + k, level) for k, level in enumerate(levels)]
    rows = [(occupation, values[:n_levels]) for occupation, values in LEVEL_ROWS]
    notice = two_row_header_notice(tmp_path, header, rows, [110] + [70] * n_levels, rules, orientation)
    return notice, {(occupation, level, v) for occupation, values in rows for level, v in zip(levels, values)}


@pytest.mark.parametrize("words", LEVEL_WORDS, ids=["职业名称", "工种"])
@pytest.mark.parametrize("n_levels", [2, 3])
@pytest.mark.parametrize("rules", ["none", "three_line", "three_line_cells", "rows", "frame"])
@pytest.mark.parametrize("orientation", [0, 90, 180])
def test_a_group_label_beside_a_name_header_spanning_both_rows(tmp_path, words, n_levels, rules, orientation):
    """`补贴标准（元/人）` over the levels, `职业名称` printed between the two header rows beside it,
    no rules between the columns: every level's amount is read. Before, with no rules at all the
    two lines above the levels were left to the text: no column named the occupation, and the
    notice had no record, status ok, no error; with rules across the rows, the label was read as
    one cell with the levels under it, or over the middle level only; in a bare frame (no rule
    under the header) the label's line was a body line whose text closed the gutter between the
    levels (`800 1200` in one cell); a rule under the header drawn column by column was no rule
    under the header."""
    notice, want = levels_table(tmp_path, words, n_levels, rules, orientation)
    assert amounts_read(notice) == want
    assert not any(e.code == "table_unmapped" for e in notice.errors)


def head_count_table(tmp_path, rules: str, head_count_spans: bool, label: str = "补贴标准（元/人）", n_levels: int = 2):
    """Levels under a group label between a name and a head count (`培训人数`), the head count's
    header printed between both header rows (`head_count_spans`) or in the levels' row."""
    levels = ["初级", "中级", "高级", "技师"][:n_levels]
    header = [SpecCell(0, 0, "职业名称", rowspan=2), SpecCell(0, 1, label, colspan=n_levels)]
    header += [SpecCell(1, 1 + k, level) for k, level in enumerate(levels)]
    header += [SpecCell(0, 1 + n_levels, "培训人数", rowspan=2)] if head_count_spans else [SpecCell(1, 1 + n_levels, "培训人数")]
    rows = [(name, [*values[:n_levels], 30 + k]) for k, (name, values) in enumerate(LEVEL_ROWS[:3])]
    notice = two_row_header_notice(tmp_path, header, rows, [110] + [70] * n_levels + [80], rules)
    return notice, {(name, level, v) for name, values in rows for level, v in zip(levels, values)}


@pytest.mark.parametrize("rules", ["none", "three_line", "frame", "grid"])
def test_group_labels_between_cells_spanning_both_header_rows(tmp_path, rules):
    """`职业名称` and `培训人数` both printed between the two header rows, `补贴标准（元/人）` over
    `初级 中级` between them: in a table with no rules the two spanning cells are one line in
    columns above the levels, and the label is judged against the levels' line, not theirs.
    Every level is read; the head count is no group's, and nothing is reported."""
    notice, want = head_count_table(tmp_path, rules, head_count_spans=True)
    assert amounts_read(notice) == want
    assert not any(e.code == "table_unmapped" for e in notice.errors)


@pytest.mark.parametrize("rules, head_count", [
    *((rules, head_count) for rules in ["none", "three_line", "frame"] for head_count in ["spans", "in the levels' row", "none"]),
    ("rows", "spans"), ("rows", "none"), ("rows", "in the levels' row")])
def test_levels_a_group_label_does_not_reach_are_reported_never_misread(tmp_path, rules, head_count):
    """`补贴标准（元/人）` (or a shorter `补贴标准`) over four levels, too short to reach the outer two,
    with or without a head count beside them: no amount is wrong, the levels read are exact, and
    the outer levels, whose headers run up through the label's row with nothing over them, one on
    either side of the levels read, are reported. (A head count's header on one side only is a
    column of its own, and is not reported: `test_group_labels_between_cells_spanning_both_header_rows`.)
    Ruled between rows with the head count's header in the levels' row, the cell over it is drawn
    without a top border: the rule over the header is cut short, the header is taken for the
    table's title and its first row for its header, and the table is reported by its title."""
    if head_count == "none":
        notice, want = levels_table(tmp_path, LEVEL_WORDS[0], 4, rules)
    else:
        notice, want = head_count_table(tmp_path, rules, head_count_spans=head_count == "spans", label="补贴标准", n_levels=4)
    assert_read_or_reported(notice, want)


@pytest.mark.parametrize("rules", ["none", "three_line", "frame", "rows"])
@pytest.mark.parametrize("head_count", ["none", "in the levels' row", "spans"])
@pytest.mark.parametrize("label", ["补贴标准", "补助金额"])
def test_a_label_too_short_to_tell_its_group_is_read_or_reported(tmp_path, rules, head_count, label):
    """A short label (`补贴标准`, four characters) over the middle of three levels, `职业名称`
    printed between the header rows beside it: too short to tell the group it heads, so the
    levels' amounts are not read, but the table is reported, never lost. Before, with no rules,
    the label and `职业名称` were taken for the table's title and no column named the occupation:
    zero records and no error (centred over the whole line of levels, or over its middle)."""
    if head_count == "none":
        notice, want = levels_table(tmp_path, ("职业名称", label, ["初级", "中级", "高级"]), 3, rules)
    else:
        notice, want = head_count_table(tmp_path, rules, head_count_spans=head_count == "spans", label=label, n_levels=3)
    assert_read_or_reported(notice, want)


@pytest.mark.parametrize("rules", ["none", "three_line", "frame", "rows", "grid"])
@pytest.mark.parametrize("n_levels", [2, 3])
@pytest.mark.parametrize("label", ["补贴标准（元/人）", "补贴标准"])
@pytest.mark.parametrize("align", ["left", "right"])
@pytest.mark.parametrize("head_count", ["none", "in the levels' row"])
def test_a_group_label_set_at_one_side_of_its_cell_is_read_or_reported(tmp_path, rules, n_levels, label, align,
                                                                        head_count):
    """The group label set at the left or the right of its merged cell, not centred over its
    levels: it reaches over some of them, or none (`补贴标准`, short). No amount is wrong, and the
    levels not read are reported. Before, a long label at the left of its cell over three levels
    headed the first two, and `高级` beside them, its cell running up through the label's row, was
    taken for a column of its own (as `培训人数` there is): one level's amounts lost without a
    word; a short one, with no rules, was taken for the table's title with `职业名称`: no record,
    no error."""
    levels = ["初级", "中级", "高级"][:n_levels]
    header = [SpecCell(0, 0, "职业名称", rowspan=2), SpecCell(0, 1, label, colspan=n_levels, align=align)]
    header += [SpecCell(1, 1 + k, level) for k, level in enumerate(levels)]
    rows = [(name, list(values[:n_levels])) for name, values in LEVEL_ROWS[:3]]
    widths = [110] + [70] * n_levels
    if head_count != "none":
        header.append(SpecCell(1, 1 + n_levels, "培训人数"))
        rows = [(name, [*values, 30 + k]) for k, (name, values) in enumerate(rows)]
        widths.append(80)
    notice = two_row_header_notice(tmp_path, header, rows, widths, rules)
    assert_read_or_reported(notice, {(name, level, values[k]) for name, values in rows for k, level in enumerate(levels)})


@pytest.mark.parametrize("rules", ["none", "three_line"])
def test_a_caption_line_between_the_title_and_the_table_is_no_header_row(tmp_path, rules):
    """`编制单位：某局 … 单位：元` between the title and a table whose group label stands over its
    levels: the caption's line, not a header row. Before, with no rules, it was taken for the
    header's first line (`编制单位：某局职业名称`, `单位：元高级`), and the table was reported
    instead of read."""
    levels = ["初级", "中级", "高级"]
    cells = [SpecCell(0, 0, "职业名称", rowspan=2), SpecCell(0, 1, "补贴标准（元/人）", colspan=3)]
    cells += [SpecCell(1, 1 + k, level) for k, level in enumerate(levels)]
    rows = [(name, values[:3]) for name, values in LEVEL_ROWS[:3]]
    for r, (name, values) in enumerate(rows, start=2):
        cells += [SpecCell(r, 0, name)] + [SpecCell(r, 1 + k, str(v)) for k, v in enumerate(values)]
    path = tmp_path / "captioned.pdf"
    write_table_pdf(path, TableSpec(col_widths=[110, 70, 70, 70], n_rows=5, header_rows=2, cells=cells, rules=rules,
                                    title="2025年职业技能培训补贴标准", caption_lines=[("编制单位：某局", "单位：元")]))
    notice = run_pipeline(path).notice
    assert amounts_read(notice) == {(name, level, values[k]) for name, values in rows for k, level in enumerate(levels)}
    assert not any(e.code == "table_unmapped" for e in notice.errors)


@pytest.mark.parametrize("rules", ["grid", "three_line", "none"])
@pytest.mark.parametrize("headers, levels", [
    (["初级补贴（元）", "中级补贴（元）", "高级补贴（元）"], ["初级", "中级", "高级"]),
    (["五级/初级工补贴标准", "四级/中级工补贴标准", "三级/高级工补贴标准"], ["五级/初级工", "四级/中级工", "三级/高级工"]),
    (["一级（高级技师）补助金额", "二级（技师）补助金额"], ["一级（高级技师）", "二级（技师）"])])
def test_a_level_named_in_its_amounts_own_header_cell_is_its_group(tmp_path, rules, headers, levels):
    """A wide table whose level and amount share one header cell (`初级补贴（元）`): each column
    is its level's amount. Before, no column named the level, and the table was reported."""
    rows = [(name, values[:len(levels)]) for name, values in LEVEL_ROWS[:3]]
    spec = simple_table(["职业名称", *headers], [[name, *map(str, values)] for name, values in rows],
                        [100] + [150] * len(headers))
    path = tmp_path / "wide.pdf"
    write_table_pdf(path, replace(spec, rules=rules))
    notice = run_pipeline(path).notice
    assert amounts_read(notice) == {(name, level, values[k]) for name, values in rows for k, level in enumerate(levels)}
    assert not any(e.code == "table_unmapped" for e in notice.errors)


@pytest.mark.parametrize("rules", ["three_line", "none"])
def test_two_levels_header_cells_read_as_one_are_reported_never_one_level(tmp_path, rules):
    """Header cells as wide as their columns (`一级（高级技师）补助金额` in 120 points) with no rule
    between them are read as one cell over both columns: it names two groups, so neither is
    taken from it, and the table is reported. (Taking the first, the second column's amounts
    were lost without a word.)"""
    levels = ["一级（高级技师）", "二级（技师）"]
    rows = [(name, values[:2]) for name, values in LEVEL_ROWS[:3]]
    spec = simple_table(["职业名称", *(f"{level}补助金额" for level in levels)],
                        [[name, *map(str, values)] for name, values in rows], [100, 120, 120])
    path = tmp_path / "touching.pdf"
    write_table_pdf(path, replace(spec, rules=rules))
    assert_read_or_reported(run_pipeline(path).notice,
                            {(name, level, values[k]) for name, values in rows for k, level in enumerate(levels)})


@pytest.mark.parametrize("header", ["培训补贴（元）", "最高补贴（元/人）", "补贴标准"])
def test_words_before_the_amount_that_name_no_level_are_no_group(tmp_path, header):
    """`培训补贴`, `最高补贴` beside a column of levels: a long table, its amount column shared by
    every row's level, not a group of its own."""
    rows = [["电工", "初级", "800"], ["电工", "中级", "1200"], ["焊工", "初级", "900"]]
    path = tmp_path / "long.pdf"
    write_table_pdf(path, simple_table(["职业名称", "等级", header], rows))
    notice = run_pipeline(path).notice
    assert amounts_read(notice) == {(name, level, int(value)) for name, level, value in rows}


@pytest.mark.parametrize("rules", ["none", "three_line", "frame", "rows", "grid"])
@pytest.mark.parametrize("empty_rows", [1, 2, 3])
@pytest.mark.parametrize("empty_col", [1, 3])
def test_cells_left_empty_in_the_first_rows_neither_join_rows_nor_head_the_table(tmp_path, rules, empty_rows, empty_col):
    """The first rows with a cell left empty (the head count's, or a level's amount), drawn
    without its borders: each row is read on its own, and a level left empty is not offered.
    Before, with no rules, the first row (in fewer pieces than the full rows) was taken into the
    header: levels `初级800`, its amounts under other rows, and its own row lost; ruled between
    rows, the rule broken over the empty cells left pieces too short to count, and the rows on
    either side were joined (`电工焊工`), both with no error."""
    levels = ["初级", "中级", "高级"]
    rows = [[name, str(30 + k), *map(str, values[:3])] for k, (name, values) in enumerate(LEVEL_ROWS)]
    for r in range(empty_rows):
        rows[r][empty_col] = ""
    cells = [SpecCell(0, 0, "职业名称", rowspan=2), SpecCell(0, 1, "培训人数", rowspan=2),
             SpecCell(0, 2, "补贴标准（元/人）", colspan=3)] + [SpecCell(1, 2 + k, level) for k, level in enumerate(levels)]
    cells += [SpecCell(r, k, text) for r, row in enumerate(rows, start=2) for k, text in enumerate(row) if text]
    path = tmp_path / "gaps.pdf"
    write_table_pdf(path, TableSpec(col_widths=[100, 70, 90, 90, 90], n_rows=6, header_rows=2, cells=cells, rules=rules))
    notice = run_pipeline(path).notice
    assert amounts_read(notice) == {(row[0], level, int(row[2 + k])) for row in rows
                                    for k, level in enumerate(levels) if row[2 + k]}


@pytest.mark.parametrize("rules", ["none", "three_line", "frame", "grid"])
def test_columns_of_figures_either_side_of_a_group_are_not_its_levels(tmp_path, rules):
    """`学时` and `培训人数`, their headers in the levels' row, either side of `补贴标准` over `初级
    中级`, as far from its middle: a label is not taken to head every column of the line below
    for being centred over it. The head counts are no level's amounts (they were, 35 for a level
    `培训人数`, while a one-label line was read as heading the whole line below)."""
    header = [SpecCell(0, 0, "职业名称", rowspan=2), SpecCell(1, 1, "学时"), SpecCell(0, 2, "补贴标准", colspan=2),
              SpecCell(1, 2, "初级"), SpecCell(1, 3, "中级"), SpecCell(1, 4, "培训人数")]
    rows = [("电工", [80, 800, 1200, 35]), ("焊工", [90, 900, 1300, 42]), ("育婴员", [70, 700, 1000, 28])]
    notice = two_row_header_notice(tmp_path, header, rows, [100, 70, 70, 70, 70], rules)
    assert_read_or_reported(notice, {(name, level, values[1 + k]) for name, values in rows
                                     for k, level in enumerate(["初级", "中级"])})


@pytest.mark.parametrize("orientation", [0, 90])
def test_a_column_of_the_groups_field_beside_them_is_reported_not_given_to_each(tmp_path, orientation):
    """A ruled table: `补贴上限（元）` beside `初级 / 补贴标准（元/人）` and `中级 / 补贴标准（元/人）`.
    Each level reads its own column; the ceiling, a column of the same field under no group, is
    no level's amount, and is reported. Before, it was read as every level's amount: 2000 for
    初级 and 中级 alike, status ok."""
    header = [SpecCell(0, 0, "职业名称", rowspan=2), SpecCell(0, 1, "补贴上限（元）", rowspan=2),
              SpecCell(0, 2, "初级"), SpecCell(0, 3, "中级"),
              SpecCell(1, 2, "补贴标准（元/人）"), SpecCell(1, 3, "补贴标准（元/人）")]
    notice = two_row_header_notice(tmp_path, header, [("电工", [2000, 800, 1200]), ("焊工", [2100, 900, 1300])],
                                   [90, 90, 100, 100], orientation=orientation)
    assert amounts_read(notice) == {("电工", "初级", 800), ("电工", "中级", 1200), ("焊工", "初级", 900), ("焊工", "中级", 1300)}
    assert any(e.code == "table_unmapped" and "补贴上限" in e.message for e in notice.errors)


@pytest.mark.parametrize("rules", ["none", "three_line"])
def test_a_label_read_as_the_title_over_a_table_of_levels_is_reported(tmp_path, rules):
    """`补贴标准` centred over `初级 中级` of a table whose four columns are as wide, its other
    headers in the levels' row: centred over the whole table, it cannot be told from a title, and
    is taken for one. No column then names the amounts, and no kind was read from the table: its
    title names the amount the levels' columns hold, so the table is reported, not passed over."""
    header = [SpecCell(1, 0, "职业名称"), SpecCell(0, 1, "补贴标准", colspan=2), SpecCell(1, 1, "初级"),
              SpecCell(1, 2, "中级"), SpecCell(1, 3, "培训人数")]
    rows = [("电工", [800, 1200, 35]), ("焊工", [900, 1300, 42]), ("育婴员", [700, 1000, 28])]
    notice = two_row_header_notice(tmp_path, header, rows, [80, 80, 80, 80], rules)
    want = {(name, level, values[k]) for name, values in rows for k, level in enumerate(["初级", "中级"])}
    assert amounts_read(notice) == want or any(e.code == "table_unmapped" and "subsidy_yuan" in e.message
                                                for e in notice.errors), notice.errors


@pytest.mark.parametrize("rules", ["grid", "rows", "three_line"])
@pytest.mark.parametrize("header", [["地区", "资金（万元）", "人数"], ["区域", "2025年", "2026年"]])
def test_a_table_of_other_things_under_a_title_naming_subsidies_is_not_reported(tmp_path, rules, header):
    """A table titled as a kind's (`职业技能培训补贴资金分配表`: occupation and subsidy named), its
    own header naming other things, its columns figures: another table, read by no kind and not
    reported. (One whose header is missing, or is a row of figures, is: the case above.)"""
    rows = [["郑州市", "1200", "35"], ["开封市", "800", "42"], ["洛阳市", "950", "28"]]
    spec = simple_table(header, rows)
    path = tmp_path / "funds.pdf"
    write_table_pdf(path, replace(spec, title="职业技能培训补贴资金分配表", rules=rules))
    notice = run_pipeline(path).notice
    assert notice.records.subsidy_standards == []
    assert not any(e.code == "table_unmapped" for e in notice.errors), notice.errors


def test_a_table_of_occupations_and_counts_without_such_a_title_is_not_reported(tmp_path):
    """Occupations and head counts under a title that names no amount: no kind's table, nothing
    reported."""
    spec = simple_table(["职业名称", "培训人数"], [["电工", "35"], ["焊工", "42"], ["育婴员", "28"]])
    path = tmp_path / "counts.pdf"
    write_table_pdf(path, replace(spec, title="2026年培训计划"))
    notice = run_pipeline(path).notice
    assert notice.records.subsidy_standards == []
    assert not any(e.code == "table_unmapped" for e in notice.errors)
