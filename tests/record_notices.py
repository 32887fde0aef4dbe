"""Notices laid out unlike the corpus, with subsidy tables in the shapes new notices bring,
each as a typeset PDF and as its text dump, with the records they must give. Used by
tests/test_records.py and bench/records.py; the generators know nothing of the pipeline."""

from __future__ import annotations

from notice_gen import NoticeSpec, PlacedTable, write_notice_dump, write_notice_pdf
from table_gen import (
    TableSpec,
    garbled_lines,
    long_subsidy_spec,
    spaced_lines,
    subsidy_spec,
)

# ---------------------------------------------------------------- notice A: long format, doc number above

LONG_ROWS = [
    ("焊工", "6-18-02-04", [("五级/初级工", "80", "1,280"), ("四级/中级工", "120", "1680.00"), ("三级/高级工", "160", "2100")]),
    ("电工", "6-31-01-03", [("五级/初级工", "80", "1200"), ("四级/中级工", "120", "1500"), ("三级/高级工", "—", "—")]),
    ("育婴员", "4-10-01-02", [("五级/初级工", "64", "960"), ("四级/中级工", "96", "1440")]),
    ("中式烹调师", "4-03-02-01", [("五级/初级工", "80", "1100"), ("四级/中级工", "/", "/"), ("三级/高级工", "160", "2300")]),
]
LONG_EXPECTED = [
    ("焊工", "6-18-02-04", "五级/初级工", 80, 1280), ("焊工", "6-18-02-04", "四级/中级工", 120, 1680),
    ("焊工", "6-18-02-04", "三级/高级工", 160, 2100), ("电工", "6-31-01-03", "五级/初级工", 80, 1200),
    ("电工", "6-31-01-03", "四级/中级工", 120, 1500), ("育婴员", "4-10-01-02", "五级/初级工", 64, 960),
    ("育婴员", "4-10-01-02", "四级/中级工", 96, 1440), ("中式烹调师", "4-03-02-01", "五级/初级工", 80, 1100),
    ("中式烹调师", "4-03-02-01", "三级/高级工", 160, 2300),
]
LONG_TITLE = "浙江省职业技能培训补贴标准表"


def notice_a() -> NoticeSpec:
    return NoticeSpec(
        masthead="浙江省人力资源和社会保障厅文件",
        doc_number="浙人社发〔2026〕8号", doc_number_above=True,
        title_lines=["浙江省人力资源和社会保障厅关于公布", "职业技能培训补贴标准的通知"],
        addressees_line="各市人力资源和社会保障局，省级有关单位：",
        preamble=["为规范职业技能培训补贴管理，根据《职业技能提升行动方案》（国办发〔2019〕24号）有关规定，"
                  "现将补贴标准公布如下。"],
        body=[(1, "一", "补贴标准", "职业技能培训补贴按职业和等级分档，补贴标准见附件1，自2026年1月1日起执行，"
                                    "有效期至2027年12月31日。"),
              (1, "二", "申领程序", "培训机构按季度申领补贴，申领材料见附件2。"),
              (1, "三", "工作要求", "各地要严格审核，确保资金安全。")],
        signature="浙江省人力资源和社会保障厅", date_line="2026年1月5日",
        attachments_line=["附件：1.浙江省职业技能培训补贴标准表", "2.补贴申领材料清单"],
        copy_to_line="抄送：人力资源社会保障部，省财政厅，省教育厅。",
        imprint_line="浙江省人力资源和社会保障厅办公室 2026年1月6日印发",
    )


A_EXPECTED = {
    "title": "浙江省人力资源和社会保障厅关于公布职业技能培训补贴标准的通知",
    "issuer_mark": "浙江省人力资源和社会保障厅文件",
    "doc_number": "浙人社发〔2026〕8号",
    "issuer": "浙江省人力资源和社会保障厅",
    "signed_date": "2026-01-05",
    "addressees": ["各市人力资源和社会保障局", "省级有关单位"],
    "imprint": {"issuer": "浙江省人力资源和社会保障厅办公室", "date": "2026-01-06"},
    "copy_to": ["人力资源社会保障部", "省财政厅", "省教育厅"],
    "references": ["国办发〔2019〕24号"],
    "attachments": [(1, "浙江省职业技能培训补贴标准表"), (2, "补贴申领材料清单")],
    "sections": ["补贴标准", "申领程序", "工作要求"],
}

# ---------------------------------------------------------------- notice B: wide, sideways, one attachment

WIDE_ROWS = [("网络与信息安全管理员", "4-04-04-02", [64, 1850, 96, 2300, 128, 2980]),
             ("区块链应用操作员", "4-04-05-06", [64, 1720, 96, 2150, 128, 2760]),
             ("数据标注员", "4-04-05-05", [48, 1180, 64, 1560, 96, 2040])]
WIDE_LEVELS = ["初级", "中级", "高级"]
WIDE_TITLE = "湖北省数字技能人才培训补贴标准"


def wide_table() -> TableSpec:
    return subsidy_spec(WIDE_ROWS, WIDE_LEVELS, title=WIDE_TITLE, hours_name="培训学时",
                        amount_name="补贴标准（元/人）", amount_width=96.0)


def notice_b() -> NoticeSpec:
    return NoticeSpec(
        title_lines=["湖北省人力资源和社会保障厅关于调整", "数字技能人才培训补贴标准的通知"],
        doc_number="鄂人社函〔2025〕112号",
        addressees_line="各市（州）人力资源和社会保障局，省直有关单位：",
        preamble=["为加快数字技能人才培养，现就调整培训补贴标准有关事项通知如下。"],
        body=[(1, "一", "调整范围", "面向数字经济领域紧缺职业开展培训。"),
              (1, "二", "补贴标准", "补贴标准见附件，执行至2026年6月30日。"),
              (1, "三", "资金管理", "补贴资金从就业补助资金中列支（鄂财社发〔2024〕15号）。")],
        signature="湖北省人力资源和社会保障厅", date_line="2025年8月20日",
        attachments_line=[f"附件：{WIDE_TITLE}"],
        imprint_line="湖北省人力资源和社会保障厅办公室 2025年8月21日印发",
    )


B_EXPECTED = {
    "title": "湖北省人力资源和社会保障厅关于调整数字技能人才培训补贴标准的通知",
    "issuer_mark": None,
    "doc_number": "鄂人社函〔2025〕112号",
    "issuer": "湖北省人力资源和社会保障厅",
    "signed_date": "2025-08-20",
    "addressees": ["各市（州）人力资源和社会保障局", "省直有关单位"],
    "imprint": {"issuer": "湖北省人力资源和社会保障厅办公室", "date": "2025-08-21"},
    "copy_to": [],
    "references": ["鄂财社发〔2024〕15号"],
    "attachments": [(1, WIDE_TITLE)],
    "sections": ["调整范围", "补贴标准", "资金管理"],
}
B_RECORDS = [(name, code, level, numbers[2 * k], numbers[2 * k + 1])
             for name, code, numbers in WIDE_ROWS for k, level in enumerate(WIDE_LEVELS)]


def write_notice(kind: str, form: str, path) -> None:
    if kind == "A":
        table = long_subsidy_spec(LONG_ROWS, title=LONG_TITLE)
        if form == "pdf":
            write_notice_pdf(path, notice_a(), tables=[PlacedTable(table, "附件1", rows_per_page=4)])
        else:
            lines = [" 附件1", LONG_TITLE] + [(" " if opens else "") + text for text, opens in spaced_lines(table, 4)]
            write_notice_dump(path, notice_a(), tables=[lines])
    else:
        table = wide_table()
        if form == "pdf":
            write_notice_pdf(path, notice_b(), tables=[PlacedTable(table, "附件", orientation=90)])
        else:
            pieces = garbled_lines(table, marker="附件")
            write_notice_dump(path, notice_b(), tables=[[" " + pieces[0], *pieces[1:]]])
