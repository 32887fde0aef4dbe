"""Property-based tests: the text-dump reader, layout, structure and tables stages on
arbitrary and mutated text, and the PDF loader on mutated corpus PDFs, either succeed or
raise the pipeline's own error; what succeeds is schema-valid."""

from __future__ import annotations

import json

from conftest import RAW
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extract.errors import NoticeError
from extract.pipeline import extract_notice, load_source, notice_to_checked_json

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

# Lines that look like notices: CJK, numbering, dates, doc numbers, table-like digits and spaces.
PIECES = st.sampled_from(["一、", "（二）", "3.", "(4)", "附件：", "附件1", "〔2024〕12号", "2024年 5月6日", "印发",
                          "：", "，", "。", " ", "  ", "序号", "名称", "学时要求", "补贴金额", "初级", "中级",
                          "12", "8", "-", "0", "联系电话：0791-1234567", "各有关单位："])
LINE = st.lists(st.one_of(PIECES, st.text(min_size=0, max_size=8)), max_size=8).map("".join)
DUMP = st.lists(LINE, max_size=60).map("\n\n".join)


def _extract_or_notice_error(path):
    try:
        notice = extract_notice(path)
    except NoticeError:
        return
    json.loads(notice_to_checked_json(notice))


@FUZZ
@given(data=st.binary(max_size=2000))
def test_text_dump_reader_on_arbitrary_bytes(tmp_path, data):
    path = tmp_path / "x.txt"
    path.write_bytes(data)
    try:
        load_source(path)
    except NoticeError as exc:
        assert exc.file and exc.code


@FUZZ
@given(text=DUMP, encoding=st.sampled_from(["utf-8", "gb18030"]))
def test_stages_on_arbitrary_dumps(tmp_path, text, encoding):
    path = tmp_path / "notice.txt"
    path.write_bytes(text.encode(encoding, errors="ignore"))
    _extract_or_notice_error(path)


@FUZZ
@given(lines=st.lists(st.sampled_from(open(RAW / "004_a1dd560e2f797ccc.txt", encoding="utf-8").read().splitlines()),
                      max_size=120))
def test_stages_on_shuffled_corpus_lines(tmp_path, lines):
    path = tmp_path / "notice.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    _extract_or_notice_error(path)


CORPUS_PDF = (RAW / "yunnan-2023-digital-engineer.pdf").read_bytes()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cut=st.integers(min_value=0, max_value=len(CORPUS_PDF)),
       flips=st.lists(st.tuples(st.integers(min_value=0, max_value=len(CORPUS_PDF) - 1),
                                st.integers(min_value=0, max_value=255)), max_size=12))
def test_pdf_loader_on_mutated_corpus_pdf(tmp_path, cut, flips):
    data = bytearray(CORPUS_PDF)
    for position, value in flips:
        data[position] = value
    path = tmp_path / "mutated.pdf"
    path.write_bytes(bytes(data[:cut] if cut < len(data) // 2 else data))
    _extract_or_notice_error(path)
