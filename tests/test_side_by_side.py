"""Tables printed in parts side by side: a long list set in two or three halves to fill the
page's width (`序号 机构名称 培训职业 | 序号 机构名称 培训职业`), and two lists set beside each other
(人员经费 beside 公用经费 in a 基本支出决算表) that go on over the next page without their header.
Each part is a table of its own, and its records are read from it alone: read as one table, a
name from the left part came out beside a field from the right one, status ok.

Generated here in four rulings, two orientations, two and three parts, with Chinese words the
pipeline does not know; the look-alikes (leaf headers that repeat under different group labels,
label columns before repeated columns, a contents page in halves) are not cut."""

from __future__ import annotations

import pytest
from table_gen import SpecCell, TableSpec, spaced_lines, subsidy_spec, write_dump, write_table_pdf

from extract.pipeline import load_source, run_pipeline
from extract.stages.tables import find_tables

INSTITUTIONS = [("东岭职业培训学校", "育婴员"), ("西河技工学校", "电工"), ("南山培训中心", "焊工"),
                ("北湖职业学院", "保育师"), ("青石培训学校", "养老护理员"), ("白云技师学院", "中式烹调师"),
                ("金沙培训中心", "美容师"), ("玉泉职业学校", "电子商务师"), ("松林技工学校", "车工")]


def list_in_parts(parts: int, header=("序号", "机构名称", "培训职业"), widths=(30.0, 100.0, 70.0),
                  rules: str = "grid", rows: list[tuple[str, str]] = INSTITUTIONS, ruled_empty: bool = True) -> TableSpec:
    """`rows` numbered and set in `parts` parts side by side, top to bottom then left to right;
    the last part may be shorter (its empty slots drawn as empty cells, unless not `ruled_empty`:
    then the rules under the last row run under the first parts only)."""
    height = -(-len(rows) // parts)
    cells = [SpecCell(0, p * len(header) + k, h) for p in range(parts) for k, h in enumerate(header)]
    for i, (name, field) in enumerate(rows):
        p, r = divmod(i, height)
        cells += [SpecCell(1 + r, p * 3, str(i + 1)), SpecCell(1 + r, p * 3 + 1, name), SpecCell(1 + r, p * 3 + 2, field)]
    for i in range(len(rows), parts * height if ruled_empty else 0):   # the last part's empty slots, ruled as the others
        p, r = divmod(i, height)
        cells += [SpecCell(1 + r, p * 3 + k, "") for k in range(3)]
    return TableSpec(col_widths=list(widths) * parts, n_rows=1 + height, header_rows=1, cells=cells,
                     title="附件2 培训机构名单", rules=rules, font_size=9.0)


@pytest.mark.parametrize("orientation", [0, 90])
@pytest.mark.parametrize("rules", ["grid", "three_line", "rows", "none"])
@pytest.mark.parametrize("parts", [2, 3])
def test_a_list_in_parts_side_by_side_gives_each_record_once_and_whole(tmp_path, parts, rules, orientation):
    spec = list_in_parts(parts, rules=rules, rows=INSTITUTIONS[:4 * parts - 1])
    path = tmp_path / "list.pdf"
    write_table_pdf(path, spec, orientation=orientation)
    notice = run_pipeline(path).notice
    assert [t.n_cols for t in notice.tables] == [3] * parts
    assert all(t.header == [["序号", "机构名称", "培训职业"]] and t.title == "附件2培训机构名单" for t in notice.tables)
    got = [(r.seq, r.name, r.field) for r in notice.records.training_institutions]
    assert got == [(i + 1, name, field) for i, (name, field) in enumerate(INSTITUTIONS[:4 * parts - 1])]
    assert notice.tables[-1].n_rows == 4   # the last part, a row short, has no empty row at its foot


@pytest.mark.parametrize("orientation", [0, 90, 180, 270])
@pytest.mark.parametrize("rules", ["rows", "grid"])
def test_a_last_row_ruled_under_some_parts_only_comes_out_in_every_orientation(tmp_path, rules, orientation):
    """The last row of the left part alone, its rule under that part only: the rules are taken in
    the order the text is read whichever way the page was printed (at 90° and 180° that row was
    left out of the table, to the text)."""
    spec = list_in_parts(2, rules=rules, rows=INSTITUTIONS[:7], ruled_empty=False)
    path = tmp_path / "list.pdf"
    write_table_pdf(path, spec, orientation=orientation)
    notice = run_pipeline(path).notice
    assert [(r.seq, r.name, r.field) for r in notice.records.training_institutions] == \
        [(i + 1, name, field) for i, (name, field) in enumerate(INSTITUTIONS[:7])]


def two_lists(rows_left: int, rows_right: int) -> TableSpec:
    """Two lists of accounts side by side under one header drawn twice (code, name, amount)."""
    header = ["科目编码", "科目名称", "决算数"]
    cells = [SpecCell(0, k, h) for k, h in enumerate(header)] + [SpecCell(0, 3 + k, h) for k, h in enumerate(header)]
    n = max(rows_left, rows_right)
    for r in range(n):
        if r < rows_left:
            cells += [SpecCell(1 + r, 0, f"50{r + 1:02d}"), SpecCell(1 + r, 1, f"人员类支出{r + 1}"), SpecCell(1 + r, 2, f"{10 + r}.50")]
        if r < rows_right:
            cells += [SpecCell(1 + r, 3, f"60{r + 1:02d}"), SpecCell(1 + r, 4, f"公用类支出{r + 1}"), SpecCell(1 + r, 5, f"{200 + r}.25")]
    return TableSpec(col_widths=[60, 120, 70] * 2, n_rows=1 + n, header_rows=1, cells=cells, title="基本支出决算表",
                     caption_lines=[("", "单位：万元")], repeat_header=False)


@pytest.mark.parametrize("orientation", [0, 270])
def test_two_lists_side_by_side_go_on_over_the_next_page_each_on_its_own(tmp_path, orientation):
    """The next page has no header: its parts are cut where the first page's were, and each goes
    on from the same part above it."""
    path = tmp_path / "two.pdf"
    assert write_table_pdf(path, two_lists(14, 20), orientation=orientation, rows_per_page=12) == 2
    tables = run_pipeline(path).notice.tables
    assert len(tables) == 2 and all(t.pages == [1, 2] and t.unit == "万元" for t in tables)
    left, right = tables[0].body, tables[1].body
    assert [row[1] for row in left if row[1]] == [f"人员类支出{r + 1}" for r in range(14)]
    assert [row[1] for row in right] == [f"公用类支出{r + 1}" for r in range(20)]
    assert right[-1] == ["6020", "公用类支出20", "219.25"]


def test_leaf_headers_repeated_under_group_labels_stay_one_table(tmp_path):
    """初级 / 中级 over (学时, 补贴) each: the columns' paths differ, and there is a name column."""
    spec = subsidy_spec([("数控车工", "6-18-01-01", [(80, 1200), (100, 1500)]),
                         ("育婴员", "4-10-01-02", [(60, 900), (80, 1100)])], ["初级", "中级"])
    path = tmp_path / "wide.pdf"
    write_table_pdf(path, spec)
    [table] = find_tables(load_source(path)).tables
    assert table.n_cols == 6


def test_label_columns_before_repeated_columns_stay_one_table(tmp_path):
    """地区 and 代码, then 人数 金额 twice (two years): six columns, which two or three divide,
    but the runs do not repeat from the first column: one table."""
    header = ["地区", "代码", "人数", "金额", "人数", "金额"]
    cells = [SpecCell(0, k, h) for k, h in enumerate(header)]
    for r, city in enumerate(["郑州市", "开封市", "洛阳市"], start=1):
        cells += [SpecCell(r, 0, city), SpecCell(r, 1, f"41010{r}")] + [SpecCell(r, k, str(100 * r + k)) for k in range(2, 6)]
    path = tmp_path / "label.pdf"
    write_table_pdf(path, TableSpec(col_widths=[80, 60, 60, 60, 60, 60], n_rows=4, header_rows=1, cells=cells))
    [table] = find_tables(load_source(path)).tables
    assert table.n_cols == 6


def test_a_contents_page_set_in_halves_is_no_table(tmp_path):
    entries = [("一、总体要求", "1"), ("二、补贴范围", "3"), ("三、补贴标准", "5"), ("四、申领程序", "8"),
               ("五、资金管理", "11"), ("六、监督检查", "14"), ("七、组织保障", "17"), ("八、附则", "20")]
    cells = [SpecCell(r, p * 2 + k, text) for p in range(2) for r, entry in enumerate(entries[p * 4:(p + 1) * 4])
             for k, text in enumerate(entry)]
    path = tmp_path / "contents.pdf"
    write_table_pdf(path, TableSpec(col_widths=[150, 40, 150, 40], n_rows=4, header_rows=0, cells=cells, rules="none"))
    assert find_tables(load_source(path)).tables == ()


@pytest.mark.parametrize("count", [8, 7])
def test_a_list_in_halves_in_a_text_dump(tmp_path, count):
    """The same list as a crawler's text dump: each half a table. A line of the left half alone
    (the right one a row shorter) cannot say which half it is: it is reported, not guessed."""
    path = tmp_path / "list.txt"
    write_dump(path, spaced_lines(list_in_parts(2, rows=INSTITUTIONS[:count])), before=["附件2", "培训机构名单"])
    notice = run_pipeline(path).notice
    assert [t.n_cols for t in notice.tables] == [3, 3]
    got = [(r.seq, r.name, r.field) for r in notice.records.training_institutions]
    want = [(i + 1, name, field) for i, (name, field) in enumerate(INSTITUTIONS[:count])]
    if count == 8:
        assert got == want and notice.status == "ok"
    else:
        assert got == want[:3] + want[4:]
        assert any(e.code == "cell_unreadable" and "北湖职业学院" in e.message for e in notice.errors)


@pytest.mark.parametrize("orientation", [0, 90])
@pytest.mark.parametrize("rules", ["grid", "three_line"])
def test_a_list_in_halves_over_three_pages_with_its_header_on_each(tmp_path, rules, orientation):
    """Each page's halves are cut by their own header, and each half goes on from the same half
    on the page before: every record once."""
    names = [(f"第{i}号职业培训学校", "电工" if i % 2 else "焊工") for i in range(1, 41)]
    path = tmp_path / "long.pdf"
    assert write_table_pdf(path, list_in_parts(2, rows=names, rules=rules), orientation=orientation, rows_per_page=8) == 3
    notice = run_pipeline(path).notice
    assert [(t.pages, t.n_rows, t.n_cols) for t in notice.tables] == [([1, 2, 3], 21, 3)] * 2
    assert sorted((r.seq, r.name, r.field) for r in notice.records.training_institutions) == \
        [(i + 1, name, field) for i, (name, field) in enumerate(names)]
