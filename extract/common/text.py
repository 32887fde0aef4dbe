"""Text normalisation shared by the stages: what counts as CJK, how lines join, how
Chinese dates and section numbers read."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

# CJK ideographs, CJK punctuation (〔〕《》、。), full-width forms (（）：，) and curly quotes.
_CJK = r"\u2018-\u201f\u2014\u2026\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
_SPACE_NEXT_TO_CJK = re.compile(rf"(?<=[{_CJK}])[ \t\u00a0]+|[ \t\u00a0]+(?=[{_CJK}])")
_CJK_CHAR = re.compile(rf"[{_CJK}]")

CHINESE_NUMERALS = "零一二三四五六七八九十"
_NUMERAL = "[一二三四五六七八九十]+"

# Section numbering of GB/T 9704 notices, by level.
HEADING_PATTERNS: tuple[tuple[int, re.Pattern[str]], ...] = (
    (1, re.compile(rf"^({_NUMERAL})、")),
    (2, re.compile(rf"^[（(]({_NUMERAL})[)）]")),
    (3, re.compile(r"^(\d{1,2})[.．](?!\d)")),
    (4, re.compile(r"^[（(](\d{1,2})[)）]")),
)

# 发文字号 (GB/T 9704-2012 7.2.4): the year in 〔〕. Other brackets (and spaces inside the
# numbers) are accepted, as typists and OCR produce them; `canonical_doc_number` makes them 〔〕.
_OPEN, _CLOSE = "〔［\\[【(（「", "〕］\\]】)）」"
_YEAR_AND_NUMBER = rf"[{_OPEN}]\s*\d(?:\s*\d){{3}}\s*[{_CLOSE}]\s*\d(?:\s*\d){{0,3}}\s*号"
DOC_NUMBER_PATTERN = rf"[\u4e00-\u9fff]{{1,12}}{_YEAR_AND_NUMBER}"
_YEAR_IN_BRACKETS = re.compile(rf"[{_OPEN}](\s*\d(?:\s*\d){{3}}\s*)[{_CLOSE}]")

CHINESE_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")


_IDEOGRAPH = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
# The frequent characters of Chinese print: GB 2312 level 1 (simplified) and Big5's frequent set
# (traditional), as (encoding, first lead byte, last lead byte).
_FREQUENT_SETS = (("gb2312", 0xB0, 0xD7), ("big5", 0xA4, 0xC6))


def is_frequent_ideograph(ch: str) -> bool:
    for encoding, first, last in _FREQUENT_SETS:
        try:
            data = ch.encode(encoding)
        except UnicodeEncodeError:
            continue
        if len(data) == 2 and first <= data[0] <= last:
            return True
    return False


def rare_ideograph_share(text: str) -> tuple[int, float]:
    """(ideographs in `text`, the share of them outside the frequent sets). Chinese prose has
    almost none (0% in the corpus); a text layer read through a wrong character map, or bytes
    that are no text at all, have a third and more."""
    ideographs = _IDEOGRAPH.findall(text)
    if not ideographs:
        return 0, 0.0
    return len(ideographs), sum(1 for ch in ideographs if not is_frequent_ideograph(ch)) / len(ideographs)


# Characters that steer a terminal or the direction of text rather than being text: C0 controls
# but the tab, DEL, C1 controls, and the bidirectional marks and overrides (RLO and kin).
# A PDF or a dump that holds them could clear the screen or retitle the terminal of whoever
# prints what the pipeline read.
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# ... and what is escaped before printing: those, the tab, and the lone surrogates that stand
# for bytes of a file name that is not UTF-8
UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def strip_controls(text: str) -> tuple[str, int]:
    """`text` without control characters, and how many there were."""
    return CONTROL_CHARACTERS.subn("", text)


def printable(text: str) -> str:
    """`text` safe to print on one line and to encode as UTF-8: control characters as `\\x1b`,
    bytes of a file name that is not UTF-8 (lone surrogates) as `\\xff`."""
    def escape(match: re.Match) -> str:
        code = ord(match.group(0))
        if 0xDC80 <= code <= 0xDCFF:
            return f"\\x{code - 0xDC00:02x}"
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"

    return UNPRINTABLE.sub(escape, text)


def safe_for_json(value):
    """`value` (str, list, dict) with every string made `printable`, for output read by people."""
    if isinstance(value, str):
        return printable(value)
    if isinstance(value, list):
        return [safe_for_json(v) for v in value]
    if isinstance(value, dict):
        return {printable(k) if isinstance(k, str) else k: safe_for_json(v) for k, v in value.items()}
    return value


# Characters that say nothing about the language: digits and the punctuation of figures.
_NEUTRAL = set("0123456789.,%+-/:()×*=")


def chinese_share(text: str) -> tuple[int, float]:
    """(characters that tell a language, the share of them that are CJK: ideographs, CJK
    punctuation, full-width forms). Digits, figure punctuation and spaces tell nothing. A
    Chinese notice is mostly CJK even with English names and figure tables in it."""
    telling = [ch for ch in text if not ch.isspace() and ch not in _NEUTRAL]
    if not telling:
        return 0, 0.0
    return len(telling), sum(1 for ch in telling if _CJK_CHAR.fullmatch(ch)) / len(telling)


def normalize_spaces(text: str) -> str:
    """Drop spaces next to CJK characters and punctuation; fold other runs of white space."""
    text = unicodedata.normalize("NFC", text)
    text = _SPACE_NEXT_TO_CJK.sub("", text)
    return re.sub(r"\s+", " ", text).strip()


def join_lines(lines: list[str]) -> str:
    """Join wrapped lines into one paragraph: no space, except between two Latin letters."""
    out = ""
    for line in lines:
        line = line.strip()
        if out and line and out[-1].isascii() and out[-1].isalpha() and line[0].isascii() and line[0].isalpha():
            out += " "
        out += line
    return normalize_spaces(out)


# OCR engines read full-width punctuation as its ASCII twin; in Chinese text it is full width.
_HALF_TO_FULL = str.maketrans({",": "，", ";": "；", ":": "：", "?": "？", "!": "！", "(": "（", ")": "）"})
_HALF_PUNCT_IN_CJK = re.compile(rf"(?<=[{_CJK}])[,;:?!()]|[,;:?!()](?=[{_CJK}])")


def widen_cjk_punctuation(text: str) -> str:
    """ASCII punctuation next to a CJK character as its full-width form, character for
    character (`人才,促进` -> `人才，促进`); punctuation between Latin letters or digits is kept."""
    return _HALF_PUNCT_IN_CJK.sub(lambda m: m.group(0).translate(_HALF_TO_FULL), text)


def canonical_doc_number(text: str) -> str:
    """`人社部发 [2021] 73 号` -> `人社部发〔2021〕73号`: no spaces, the year in 〔〕."""
    return _YEAR_IN_BRACKETS.sub(r"〔\1〕", re.sub(r"\s+", "", text))


def doc_number_brackets(text: str) -> str:
    """The year brackets of every doc number in `text` made 〔〕, character for character
    (`[2021]73号` -> `〔2021〕73号`; the issuer's part may end the line before): OCR reads
    them as [ ] 【 】 at times."""
    return re.sub(_YEAR_AND_NUMBER, lambda m: _YEAR_IN_BRACKETS.sub(r"〔\1〕", m.group(0)), text)


def display_width(text: str) -> int:
    """Width in half-width cells: a CJK character counts two, and so do characters of
    ambiguous width (“” — …), which Chinese text sets full width; anything else one."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WFA" else 1 for ch in text)


# Divisions above the 一、 scheme, outermost first: (kind, pattern giving the number and the rest).
DIVISIONS = tuple((kind, re.compile(rf"^(第\s*[一二三四五六七八九十百零〇\d]+\s*{word})\s*(.*)$"))
                  for kind, word in (("part", "部分"), ("chapter", "章"), ("section", "节"), ("article", "条")))


# 附件 lines (GB/T 9704-2012 7.3.3 and 7.3.6), one pattern for each meaning:
# the attachment list under the body (附件：1. …) opens with
ATTACHMENT_LIST = re.compile(r"^附\s*件\s*[:：]\s*")
# an attachment's first page opens with a line that is only its marker (附件2; 附件 when there is one)
ATTACHMENT_MARKER = re.compile(r"^附\s*件\s*(?P<number>\d{1,2})?$")
# a line that opens with an attachment's number, whatever follows it (附件2 某某名单)
ATTACHMENT_NUMBERED = re.compile(r"^附\s*件\s*(?P<number>\d{1,2})")


def opens_attachment(text: str) -> bool:
    """An attachment's marker line, or the attachment list's opening line."""
    return bool(ATTACHMENT_MARKER.match(text) or ATTACHMENT_LIST.match(text))


# The heading of a table of contents.
CONTENTS_HEADING = re.compile(r"^目\s*录$")
# A rule book's clause: 1.4.1 (two dots at least, so that a figure such as 2.5万元 is none).
CLAUSE = re.compile(r"^(\d{1,2}(?:\.\d{1,2}){2,})(?!\d)\s*(.*)$")
# ... and a clause heading one dot deep (1.4 智能船舶附加标志): a short name, not a figure (2.5万元)
CLAUSE_HEADING = re.compile(r"^(\d{1,2}\.\d{1,2})(?!\d)\s*([\u4e00-\u9fff](?<![万亿千百元倍个年月日的])[^。，,；;：:]{1,19})$")


def division_of(text: str) -> tuple[str, str, str] | None:
    """(kind, number as printed, rest) for a line opening a part (第一部分), chapter (第三章),
    section (第二节), article (第十七条) or a rule book's clause (1.4.1)."""
    for kind, pattern in DIVISIONS:
        match = pattern.match(text)
        if match:
            return kind, re.sub(r"\s+", "", match.group(1)), match.group(2)
    match = CLAUSE.match(text) or CLAUSE_HEADING.match(text)
    if match:
        return "clause", match.group(1), match.group(2)
    return None


def numeral_value(number: str) -> int | None:
    """The value of a section number as printed: `3`, `十二`, `二十` (up to 99); None otherwise."""
    if number.isdigit():
        return int(number)
    digits = {ch: k for k, ch in enumerate(CHINESE_NUMERALS[:10])}   # 零 to 九
    tens, ten, ones = number.partition("十")
    if not ten:
        return digits.get(number) if len(number) == 1 else None
    if len(tens) > 1 or len(ones) > 1 or (tens and tens not in digits) or (ones and ones not in digits):
        return None
    return (digits[tens] if tens else 1) * 10 + (digits[ones] if ones else 0)


def section_number(text: str) -> tuple[int, str, str] | None:
    """(level, number, rest) when `text` opens with section numbering, else None."""
    for level, pattern in HEADING_PATTERNS:
        match = pattern.match(text)
        if match:
            return level, match.group(1), text[match.end():]
    return None


def parse_chinese_date(text: str) -> dt.date | None:
    """`2023年 12月4日` -> 2023-12-04; None when there is no valid date."""
    match = CHINESE_DATE.search(text)
    if not match:
        return None
    try:
        return dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None


# A list item's marker standing alone: a bullet, or a number or letter with its punctuation
# (1.  2)  (3)  一、  （一）  a.): a column of these beside a column of text is a list, not a table.
LIST_MARKER = re.compile(r"^(?:[•·▪▫◦●○■□◆◇►▶*\-–—]|[(（]?(?:\d{1,3}|[一二三四五六七八九十]{1,3}|[a-zA-Z])[)）.．、:：]|[(（](?:\d{1,3}|[一二三四五六七八九十]{1,3}|[a-zA-Z])[)）])$")
# A field's label before its value (甲方：…, 日期：…, Name: …); a colon between figures (9:30) is none.
FIELD_LABEL = re.compile(r"^[^:：]{1,12}(?:：|:(?!\d))")
# A line under a table that says it is a note, not a row of the table (注：…, 资料来源：…, or a sentence).
# A figure on its own: an amount, a count, a share (`2.3`, `1,280`, `-5`, `(12)`, `45%`).
FIGURE = re.compile(r"^[-+−±(（]?\d[\d,，.]*%?[)）]?$")
# A dash or a slash in a figure's place: none, not applicable.
NO_FIGURE = re.compile(r"^[-－—–―~～/／]+$")
# Fields a caption line states beside a table's title: `单位：元`, `编制部门：…` (a longer name first,
# so that 编制单位 is not read as 单位).
CAPTION_FIELD = re.compile(r"(金额单位|计量单位|编制单位|填报单位|编制部门|填报部门|单位)\s*[:：]\s*")
NOTE_ROW = re.compile(r"^(?:注|说明|备注|资料来源|数据来源|来源|附注|Note|Source)\s*[0-9０-９]*\s*[:：.]|。$")
