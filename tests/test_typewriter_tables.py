"""Tables set as text the way a typewriter or a terminal sets them, and tables whose labels lead
to their figures with dots: columns one fixed-pitch space apart, leader dots that stand where
white space would, group labels over sub-headers with no rule under them. Cell for cell, at
several sizes and in two orientations; and fixed-pitch text that is no table, or whose words
line up by chance, does not become one (or another column)."""

from __future__ import annotations

import pytest
from notice_gen import CJK_FONT

from extract.pipeline import load_source
from extract.stages.tables import find_tables

HEADER = ("Proportion", "1.0", "1.1", "1.2", "1.3", "1.4")
ROWS = [("0.99", "800", "880", "960", "1,040", "1,120"), ("0.95", "160", "176", "192", "208", "224"),
        ("0.90", "80", "88", "96", "104", "112"), ("0.85", "53", "59", "64", "69", "75"),
        ("0.80", "40", "44", "48", "52", "56"), ("0.75", "32", "35", "38", "42", "45")]


def typed_line(cells: tuple[str, ...], leader: str = " ") -> str:
    """A row as a typewriter sets it: the label filled out to 14 characters (with `leader`),
    each figure right-aligned in five, one space between figures."""
    return cells[0].ljust(14, leader) + " ".join(cell.rjust(5) for cell in cells[1:])


def write_typed_page(path, lines: list[str], size: float, orientation: int = 0) -> None:
    """Lines of Courier, one under another (orientation 90: running down the page)."""
    from reportlab.pdfgen import canvas

    pdf = canvas.Canvas(str(path), pagesize=(595, 842))
    if orientation == 90:
        pdf.translate(520, 780)
        pdf.rotate(-90)
    else:
        pdf.translate(60, 760)
    pdf.setFont("Courier", size)
    for k, line in enumerate(lines):
        pdf.drawString(0, -k * size * 1.3, line)
    pdf.showPage()
    pdf.save()


def grid(table) -> list[list[str]]:
    return [[cell or "" for cell in row] for row in table.header + table.body]


@pytest.mark.parametrize("size", [8.0, 10.0, 12.0])
@pytest.mark.parametrize("orientation", [0, 90])
def test_columns_one_fixed_pitch_space_apart_are_columns(tmp_path, size, orientation):
    path = tmp_path / "typed.pdf"
    write_typed_page(path, [typed_line(HEADER), *(typed_line(row) for row in ROWS)], size, orientation)
    [table] = find_tables(load_source(path)).tables
    assert table.rulings == "whitespace" and table.orientation == orientation
    assert grid(table) == [list(HEADER), *(list(row) for row in ROWS)]


@pytest.mark.parametrize("size", [8.0, 12.0])
def test_leader_dots_stand_where_white_space_would(tmp_path, size):
    """`0.99..........1,040`: the dots part the label from its figures, and are no cell's text."""
    path = tmp_path / "leaders.pdf"
    write_typed_page(path, [typed_line((HEADER[0], *HEADER[4:])), *(typed_line((row[0], *row[4:]), ".") for row in ROWS)],
                     size)
    [table] = find_tables(load_source(path)).tables
    assert grid(table) == [[HEADER[0], *HEADER[4:]], *([row[0], *row[4:]] for row in ROWS)]


def test_leaders_in_a_chinese_table(tmp_path):
    """`郑州市……………1200`: the leaders (……) run from each city to its figures."""
    from reportlab.pdfgen import canvas

    rows = [("郑州市", "1200", "1,280"), ("开封市", "450", "960"), ("平顶山市", "360", "1,000"),
            ("安阳市", "520", "880"), ("鹤壁市", "150", "900")]
    path = tmp_path / "leaders-zh.pdf"
    pdf = canvas.Canvas(str(path), pagesize=(595, 842))
    pdf.setFont(CJK_FONT, 11)
    pdf.drawString(64, 720, "地市")
    pdf.drawRightString(300, 720, "名额（人）")
    pdf.drawRightString(420, 720, "补贴（元）")
    for k, (city, quota, subsidy) in enumerate(rows):
        y = 698 - 22 * k
        pdf.drawString(64, y, city)
        start = 64 + pdf.stringWidth(city, CJK_FONT, 11) + 2
        dots = int((300 - 11 * 2.2 - start) // pdf.stringWidth("…", CJK_FONT, 11))
        pdf.drawString(start, y, "…" * dots)
        pdf.drawRightString(300, y, quota)
        pdf.drawRightString(420, y, subsidy)
    pdf.showPage()
    pdf.save()
    [table] = find_tables(load_source(path)).tables
    assert grid(table) == [["地市", "名额（人）", "补贴（元）"], *(list(row) for row in rows)]


def test_words_that_line_up_in_every_row_are_no_column(tmp_path):
    """`40 years` over `41 years`: the space after the figure falls in one place on every row,
    one space wide on each; a column's edge is wider on some rows."""
    rows = [(f"{age} years", f"{2_468_083 - 37_411 * k:,}") for k, age in enumerate(range(40, 47))]
    path = tmp_path / "ages.pdf"
    write_typed_page(path, ["Age         Total", *(label.ljust(12) + value.rjust(9) for label, value in rows)], 10.0)
    [table] = find_tables(load_source(path)).tables
    assert grid(table) == [["Age", "Total"], *(list(row) for row in rows)]


def test_fixed_pitch_running_text_is_no_table(tmp_path):
    text = ("Substantive as well as statistical considerations play a part in the way in which a "
            "population distribution is displayed and interpreted. For example, estimated percentiles "
            "for one-day dietary intakes can be misleading, since it is the distribution of long-run "
            "or usual dietary intakes that most interests users of the tables that follow.")
    words, lines, line = text.split(), [], ""
    for word in words:
        if len(line) + len(word) + 1 > 60:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    path = tmp_path / "prose.pdf"
    write_typed_page(path, lines, 10.0)
    assert find_tables(load_source(path)).tables == ()


@pytest.mark.parametrize("script", ["latin", "chinese"])
def test_group_labels_over_sub_headers_with_no_rule_under_them(tmp_path, script):
    """A framed table whose header is two lines, a group's label over its two sub-headers and no
    rule between header and body: the sub-headers' columns are read under their group."""
    from reportlab.pdfgen import canvas

    if script == "latin":
        font, corner, groups, subs = "Courier", "Age group", ("Non-Hispanic white", "Mexican American"), ("Male", "Female")
        rows = [("2-11 months", "1,087,948", "1,022,490", "188,980", "150,760"),
                ("1-2", "2,586,688", "2,568,738", "409,038", "392,640"),
                ("3-5", "3,867,692", "3,576,723", "563,286", "563,183"),
                ("6-11", "7,808,033", "7,401,349", "998,192", "999,217")]
    else:
        font, corner, groups, subs = CJK_FONT, "地市", ("2024年度计划", "2025年度计划"), ("名额", "补贴")
        rows = [("郑州市", "1200", "1,280", "1300", "1,380"), ("开封市", "450", "960", "480", "990"),
                ("洛阳市", "800", "1,100", "820", "1,150"), ("安阳市", "520", "880", "540", "900")]
    path = tmp_path / "groups.pdf"
    pdf = canvas.Canvas(str(path), pagesize=(595, 842))
    pdf.setFont(font, 9)
    rights = (230, 300, 420, 490)   # the figures' right edges
    pdf.rect(50, 560, 470, 190)
    pdf.drawString(60, 725, corner)
    for k, label in enumerate(groups):
        pdf.drawCentredString((rights[2 * k] + rights[2 * k + 1]) / 2 - 15, 725, label)
    for k, right in enumerate(rights):
        pdf.drawRightString(right, 710, subs[k % 2])
    for k, row in enumerate(rows):
        y = 690 - 20 * k
        pdf.drawString(60, y, row[0])
        for right, value in zip(rights, row[1:]):
            pdf.drawRightString(right, y, value)
    pdf.showPage()
    pdf.save()
    [table] = find_tables(load_source(path)).tables
    assert table.rulings == "alignment"
    cells = grid(table)
    assert cells[-len(rows) - 1:] == [["", *subs, *subs], *(list(row) for row in rows)]
    assert [text for text in cells[0] if text] == [corner, *groups]


@pytest.mark.parametrize("leader", ["…", "."])
def test_a_table_of_contents_with_leaders_is_no_table(tmp_path, leader):
    """The leaders part each title from its page number, as a table's do; the page numbers
    rising down the last column still say a table of contents."""
    from reportlab.pdfgen import canvas

    path = tmp_path / "contents.pdf"
    pdf = canvas.Canvas(str(path), pagesize=(595, 842))
    pdf.setFont(CJK_FONT, 11)
    pdf.drawString(270, 740, "目  录")
    for k, (title, page) in enumerate([("第一章  总则", "1"), ("第二章  补贴范围和标准", "3"), ("第三章  申请和审核", "6"),
                                       ("第四章  资金管理", "9"), ("第五章  附则", "12")]):
        y = 710 - 22 * k
        pdf.drawString(64, y, title)
        start = 64 + pdf.stringWidth(title, CJK_FONT, 11) + 2
        dots = int((500 - 14 - start) // pdf.stringWidth(leader, CJK_FONT, 11))
        pdf.drawString(start, y, leader * dots)
        pdf.drawRightString(510, y, page)
    pdf.showPage()
    pdf.save()
    assert find_tables(load_source(path)).tables == ()


def test_tables_one_under_another_each_under_a_typed_rule(tmp_path):
    """Two typewriter tables, each a label over its header, a rule typed as `-----` under the
    header, and rows, the second close under the first (and a rule typed under the last rows):
    two tables, each with its own header."""
    second = [(label, *(f"{int(v.replace(',', '')) * 17 // 10:,}" for v in values)) for label, *values in ROWS]
    lines = []
    for header, rows in ((HEADER, ROWS), (("Proportion", "1.7", "1.8", "1.9", "2.0", "2.5"), second)):
        lines += ["                   Design effect", typed_line(header), "-" * 44, *(typed_line(row) for row in rows)]
    lines += ["-" * 44, "Source: a survey of the 2023 and 2024 editions, with design effects from the agency."]
    path = tmp_path / "two.pdf"
    write_typed_page(path, lines, 10.0)
    first_table, second_table = find_tables(load_source(path)).tables
    assert grid(first_table)[-len(ROWS) - 1:] == [list(HEADER), *(list(row) for row in ROWS)]
    assert grid(second_table)[-len(second) - 1:] == [["Proportion", "1.7", "1.8", "1.9", "2.0", "2.5"],
                                                     *(list(row) for row in second)]
    assert all("-" * 5 not in cell for table in (first_table, second_table) for row in grid(table) for cell in row)


def test_a_typed_rule_between_paragraphs_makes_no_table(tmp_path):
    lines = ["The suggestions for the presentation of percentiles parallel", "those for proportions, as above.",
             "-" * 40, "Unlike means, an agency may choose to suppress the", "publication of percentile values."]
    path = tmp_path / "prose-rule.pdf"
    write_typed_page(path, lines, 10.0)
    assert find_tables(load_source(path)).tables == ()
