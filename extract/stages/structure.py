"""Structure stage: laid-out blocks into the elements of a GB/T 9704-2012 notice.

Title, 发文字号, 主送机关, contact phone, 发文机关署名 and 成文日期, 版记, the section tree,
the 附件 list with the page where each attachment begins, and the documents the notice cites.
Every element is recognised by its form (numbering, date, bracket style, position), never
by its content; an element that is not there is None or [].

Input: a `LaidOutDocument`. Output: a new `NoticeStructure`. A document with no text outside
its tables and page furniture has an empty title, reported (`no_title`): its tables still count.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from extract.common.text import (
    ATTACHMENT_LIST,
    ATTACHMENT_MARKER,
    CONTENTS_HEADING,
    DIVISIONS,
    DOC_NUMBER_PATTERN,
    canonical_doc_number,
    division_of,
    numeral_value,
    parse_chinese_date,
    section_number,
)
from extract.errors import ErrorCode
from extract.model import (
    Attachment,
    Block,
    ContentsEntry,
    DocumentInfo,
    ErrorItem,
    Imprint,
    LaidOutDocument,
    PageFurniture,
    Paragraph,
    Reference,
    Section,
    walk_sections,
)

STAGE = "structure"

DOC_NUMBER_LINE = re.compile(rf"^{DOC_NUMBER_PATTERN}$")
DOC_NUMBER_ANYWHERE = re.compile(DOC_NUMBER_PATTERN)
CITED_TITLE = re.compile(r"《([^《》]{2,80})》\s*[（(]\s*$")
DATE_LINE = re.compile(r"^\d{4}年\d{1,2}月\d{1,2}日$")
# 版记: "印发机关 日期印发" ends the block; a 抄送 line (ending with 。) may stand before it.
# The issuer starts at the line's start or right after a punctuation mark (where a search would
# find it first anyway): unanchored, a search tried every position of a long paragraph with no
# such mark and ran to its end from each, a time that grew with the square of its length.
IMPRINT_LINE = re.compile(r"(?:^|(?<=[。：:；;]))(?P<issuer>[^。：:；;]*?)\s*(?P<date>\d{4}年\d{1,2}月\d{1,2}日)\s*印发$")
COPY_TO = re.compile(r"^抄\s*送\s*[:：]\s*(?P<bodies>[^。]+)。?")
PHONE = re.compile(r"(?:联系电话|联系方式|咨询电话|电话)[:：]\s*(?P<phone>[0-9][0-9\-－—–() （）]{5,}[0-9])")
ATTACHMENT_ITEM = re.compile(r"(?:附\s*件\s*)?(?P<number>\d{1,2})\s*[.．:：、]\s*")
# Connectives that run into a cited doc number when no bracket separates them (和财社〔2020〕5号).
CITATION_LEAD_WORDS = re.compile(r"^(?:根据|依据|按照|参照|依照|详见|见|和|及|与|或|并|以及)+")
FILE_EXTENSION = re.compile(r"\.(?:docx?|xlsx?|pdf|wps|et|ofd|zip|rar|txt)$", re.IGNORECASE)
PLAN_WORDS = ("方案", "办法", "规定", "细则", "意见", "标准", "规划", "通知", "要点")
# What a document's title ends with (GB/T 9704 文种), so that lines above a 发文字号 are known
# for its title (doc number below the title) or for the masthead (发文机关标志, doc number above).
TITLE_KIND_WORDS = PLAN_WORDS + ("决定", "通报", "批复", "函", "公告", "通告", "报告", "请示", "纪要", "名单",
                                 "计划", "公报", "命令", "议案", "决议")
MASTHEAD_MAX_BLOCKS = 4
LEAD_IN_MAX_CHARS = 30


@dataclass(frozen=True)
class NoticeStructure:
    document: DocumentInfo
    contents: list[ContentsEntry]
    preamble: list[Paragraph]
    sections: list[Section]
    closing: list[Paragraph]
    attachments: list[Attachment]
    errors: list[ErrorItem] = field(default_factory=list)
    furniture: list[PageFurniture] = field(default_factory=list)

    def paragraphs(self) -> list[Paragraph]:
        """Every paragraph of the body, in reading order: preamble, sections, closing, attachments."""
        return [*self.preamble, *(p for s in walk_sections(self.sections) for p in s.paragraphs), *self.closing,
                *(p for a in self.attachments for p in a.paragraphs)]


def blocks_to_structure(laid: LaidOutDocument, file: str = "") -> NoticeStructure:
    blocks = list(laid.blocks)
    if not blocks:
        untitled = DocumentInfo(title="", doc_number=None, issuer=None, signed_date=None, addressees=[],
                                contact_phone=None, imprint=None, references=[])
        problem = ErrorItem(stage=STAGE, code=ErrorCode.NO_TITLE.value,
                            message="no text outside tables and page furniture to take a title from; title left empty")
        return NoticeStructure(document=untitled, contents=[], preamble=[], sections=[], closing=[], attachments=[],
                               errors=[problem])
    used: set[int] = set()

    number_above = doc_number_above_title(blocks)
    title_indexes = find_title(blocks, start=0 if number_above is None else number_above + 1)
    used.update(title_indexes)
    title = dedupe_repeated(join_texts([blocks[i].text for i in title_indexes]))
    errors: list[ErrorItem] = []
    if not title_indexes:
        errors.append(ErrorItem(stage=STAGE, code=ErrorCode.NO_TITLE.value, page=blocks[0].page,
                                message="no title heads the first page (body text or a numbered heading comes "
                                        "first); title left empty"))

    contents, contents_indexes = find_contents(blocks, used)
    used.update(contents_indexes)
    first_heading = next((i for i, b in enumerate(blocks) if i > max(title_indexes, default=-1)
                          and (b.level == 1 or division_of(b.text) or _unnumbered_heading(b)) and i not in used),
                         len(blocks))
    list_index = next((i for i, b in enumerate(blocks) if ATTACHMENT_LIST.match(b.text)), None)
    body_end = list_index if list_index is not None else len(blocks)
    front = range(max(title_indexes, default=-1) + 1, min(first_heading, body_end))

    # a page heading that repeats the title (a web print view) is not body text: it is named as such
    repeats = [i for i in front if i not in used and dedupe_repeated(blocks[i].text) == title]
    used.update(repeats)
    # (furniture boxes are in the displayed page's frame: a title set sideways keeps none)
    furniture = [PageFurniture(page=blocks[i].page, kind="repeated_title", text=blocks[i].text,
                               box=blocks[i].provenance[0].box if blocks[i].provenance
                               and blocks[i].provenance[0].frame in (0, None) else None) for i in repeats]
    doc_number = number_above if number_above is not None else \
        _first(front, blocks, used, lambda b: DOC_NUMBER_LINE.match(b.text) is not None)
    issuer_mark = None
    if number_above is not None:
        used.add(number_above)
        issuer_mark = join_texts([blocks[i].text for i in range(number_above)]) or None
        used.update(range(number_above))
    # 主送机关 stand right under the title and doc number (GB/T 9704-2012 7.3.2): the first block there
    head = next((i for i in front if i not in used), None)
    addressee_index = _first([head] if head is not None else [], blocks, used, _is_addressee_line)
    addressees = split_addressees(blocks[addressee_index].text) if addressee_index is not None else []
    issuer, signed_date = _signature(blocks, used, range(max(title_indexes, default=-1) + 1, len(blocks)))
    plan_title = _plan_title(title, blocks, used)
    # the notice's own contact (附注, under the date): not a number an attachment gives
    first_attachment = next((i for i, b in enumerate(blocks) if list_index is not None and i > list_index
                             and ATTACHMENT_MARKER.match(b.text)), len(blocks))
    contact_phone = _contact_phone(blocks[:first_attachment])
    imprint = _imprint(blocks, used)
    copy_to = _copy_to(blocks, used)

    # what stands before the title and is no element of the head (份号, 密级) is kept as text
    before_title = [i for i in range(min(title_indexes, default=0)) if i not in used]
    preamble = [paragraph_of(blocks[i]) for i in [*before_title, *front] if i not in used]
    used.update(before_title)
    used.update(front)
    lead, sections = build_sections([b for i, b in enumerate(blocks[:body_end]) if i >= first_heading and i not in used])
    preamble.extend(lead)  # text between a heading taken for a field (the plan's title) and the first section
    used.update(range(first_heading, body_end))

    attachments: list[Attachment] = []
    closing: list[Paragraph] = []
    if list_index is not None:
        attachments, after = parse_attachment_list(blocks, list_index, used)
        attachments, closing = assign_attachment_pages(attachments, blocks[after:], used, after)

    doc_number_text = canonical_doc_number(blocks[doc_number].text) if doc_number is not None else None
    if doc_number_text is None:
        # a 发文字号 printed as a running header on every page is the document's number
        running = [f.text for f in laid.furniture if f.kind == "running_header" and DOC_NUMBER_LINE.match(f.text.strip())]
        doc_number_text = canonical_doc_number(running[0].strip()) if running else None
    document = DocumentInfo(
        title=title,
        plan_title=plan_title,
        issuer_mark=issuer_mark,
        doc_number=doc_number_text,
        issuer=issuer,
        signed_date=signed_date,
        addressees=addressees,
        contact_phone=contact_phone,
        imprint=imprint,
        copy_to=copy_to,
        references=find_references([b.text for b in blocks], exclude=doc_number_text),
    )
    return NoticeStructure(document=document, contents=contents, preamble=preamble, sections=sections,
                           closing=closing, attachments=attachments, errors=errors, furniture=furniture)


# ---------------------------------------------------------------- title and front matter


def doc_number_above_title(blocks: list[Block]) -> int | None:
    """The index of a 发文字号 that stands above the title (GB/T 9704-2012 puts it there, under
    the 发文机关标志): a doc-number line among the first blocks, with nothing before it that
    reads as a title (text ending in a 文种 such as 通知) or as body text."""
    for i, block in enumerate(blocks[:MASTHEAD_MAX_BLOCKS + 1]):
        if DOC_NUMBER_LINE.match(block.text):
            before = join_texts([b.text for b in blocks[:i]])
            if before.endswith(TITLE_KIND_WORDS) or re.search(r"[。，,；;：:]", before):
                return None
            return i
        if block.level is not None:
            return None
    return None


def find_title(blocks: list[Block], start: int = 0) -> list[int]:
    """Indexes of the title blocks, from `start` on. In a PDF: the leading blocks on the first
    page set in the largest size. In a text dump: the leading blocks before the first one that
    reads as body text (a sentence, a doc number, an addressee line, numbering)."""
    if start >= len(blocks):
        return []
    if blocks[start].size is not None:
        first_page = [i for i, b in enumerate(blocks) if i >= start and b.page == blocks[start].page
                      and b.size is not None]
        largest = max(blocks[i].size for i in first_page)
        indexes = []
        for i in first_page:
            if blocks[i].size == largest:
                indexes.append(i)
            elif indexes:
                break
        # a title heads the document: not when body text comes above it (a page taken from the
        # middle of a rule book), nor when it is a numbered heading (第三章…, 一、…). Body text
        # read before it but set beside or below it (a sidebar column) does not count.
        if any(_reads_as_body(blocks[i]) and _above(blocks[i], blocks[indexes[0]]) for i in range(start, indexes[0])) \
                or section_number(blocks[indexes[0]].text) or division_of(blocks[indexes[0]].text):
            return []
        return indexes
    indexes = []
    for i, block in enumerate(blocks[start:], start=start):
        text = block.text
        if (DOC_NUMBER_LINE.match(text) or block.level or re.search(r"[。，,；;]", text) or text.endswith(("：", ":"))
                or DATE_LINE.match(text) or CONTENTS_HEADING.match(re.sub(r"\s+", "", text)) or division_of(text)):
            break
        indexes.append(i)
    return indexes or [start]


def _above(block: Block, other: Block) -> bool:
    """Whether a block ends above where another starts on the page (true when either has no box)."""
    box, other_box = block.provenance[0].box, other.provenance[0].box
    return box is None or other_box is None or block.page != other.page or box.bottom <= other_box.top


def _reads_as_body(block: Block) -> bool:
    return bool(re.search(r"[。；;]", block.text)) or block.level is not None or len(block.text) > 60


def join_texts(texts: list[str]) -> str:
    return "".join(t.strip() for t in texts)


def dedupe_repeated(text: str) -> str:
    """A title printed twice in a row (a page heading over the notice's own) reads once."""
    half = len(text) // 2
    if len(text) % 2 == 0 and half and text[:half] == text[half:]:
        return text[:half]
    return text


def _first(indexes, blocks: list[Block], used: set[int], test) -> int | None:
    for i in indexes:
        if i not in used and test(blocks[i]):
            used.add(i)
            return i
    return None


def _is_addressee_line(block: Block) -> bool:
    """A 主送 line: names of bodies (each short) separated by 、，, ending with a colon; not a
    numbered clause (1.4.1 …, 第十四条 …, （一）…) nor a sentence that leads into a list."""
    text = block.text
    if not text.endswith(("：", ":")) or len(text) > 120 or re.search(r"[。；;]", text):
        return False
    if ATTACHMENT_LIST.match(text) or PHONE.search(text + "0000000") or block.level is not None \
            or division_of(text) or re.match(r"^\d+(?:\.\d+)+", text):
        return False
    return all(len(part) <= 30 for part in split_addressees(text))


def split_addressees(text: str) -> list[str]:
    parts = re.split(r"[，,、；;]", text.rstrip("：:"))
    return [p.strip() for p in parts if p.strip()]


def _signature(blocks: list[Block], used: set[int], front) -> tuple[str | None, object]:
    """发文机关署名 and 成文日期: a date standing alone, right after a short line naming the issuer."""
    for i in front:
        if i in used or not DATE_LINE.match(blocks[i].text):
            continue
        issuer = None
        j = i - 1
        if j >= 0 and j not in used and len(blocks[j].text) <= 40 and not re.search(r"[。，,：:；;]", blocks[j].text):
            issuer = blocks[j].text
            used.add(j)
        used.add(i)
        return issuer, parse_chinese_date(blocks[i].text)
    return None, None


def _plan_title(title: str, blocks: list[Block], used: set[int]) -> str | None:
    """The plan a notice issues (印发《X》的通知): X, when X also stands as a heading of its own."""
    for name in re.findall(r"《([^《》]+)》", title):
        if name.endswith(PLAN_WORDS):
            for i, block in enumerate(blocks):
                if i not in used and block.text == name:
                    used.add(i)
                    return name
    return None


def _contact_phone(blocks: list[Block]) -> str | None:
    """The first contact number `blocks` give; its line stays in the text where it stands."""
    for block in blocks:
        match = PHONE.search(block.text)
        if match:
            return re.sub(r"\s+", "", match.group("phone"))
    return None


def _imprint(blocks: list[Block], used: set[int]) -> Imprint | None:
    """The 印发 line of the 版记: the printing office alone (a 抄送 line joined to it is not)."""
    for i in range(len(blocks) - 1, -1, -1):
        match = IMPRINT_LINE.search(blocks[i].text)
        if match:
            used.add(i)
            return Imprint(issuer=match.group("issuer").strip() or None, date=parse_chinese_date(match.group("date")))
    return None


def _copy_to(blocks: list[Block], used: set[int]) -> list[str]:
    """抄送机关 of the 版记 (`抄送：省财政厅，省教育厅。`), one entry per body; the last such line."""
    for i in range(len(blocks) - 1, -1, -1):
        match = COPY_TO.match(blocks[i].text)
        if match:
            used.add(i)
            return split_addressees(match.group("bodies"))
    return []


# ---------------------------------------------------------------- table of contents

# An entry's dot leaders and page number: `一、主要职能……3`, `第二部分 决算表 5`.
LEADER_AND_PAGE = re.compile(r"\s*(?:[.．…·•_\-—]{2,}\s*|\s+)(\d{1,4})$")
LEADERS = re.compile(r"[.．…·•]{3,}")
MIN_LEADER_ENTRIES = 3


def find_contents(blocks: list[Block], used: set[int]) -> tuple[list[ContentsEntry], list[int]]:
    """The table of contents: the lines after a 目录 heading (or a run of lines ending in dot
    leaders and page numbers) that name headings the document has further on, or give a page
    number. Returns the entries and the blocks they take (the 目录 heading included)."""
    def key(text: str) -> str:
        return re.sub(r"\s+", "", LEADERS.sub("", LEADER_AND_PAGE.sub("", text)))

    marker = next((i for i, b in enumerate(blocks) if i not in used and CONTENTS_HEADING.match(re.sub(r"\s+", "", b.text))), None)
    if marker is None:
        led = [i for i, b in enumerate(blocks) if LEADERS.search(b.text)]
        if len(led) < MIN_LEADER_ENTRIES:
            return [], []
        start = led[0]
    else:
        start = marker + 1
    def short(block: Block) -> bool:
        return (len(key(block.text)) <= 60 or bool(LEADERS.search(block.text))) and not re.search(r"[。；;]", block.text)

    # the contents end where the body begins: at the heading the contents opened with
    first = key(blocks[start].text) if start < len(blocks) else ""
    restart = next((j for j in range(start + 1, len(blocks)) if key(blocks[j].text) == first), None)
    if restart is not None and all(short(blocks[k]) and k not in used for k in range(start, restart)):
        run = list(range(start, restart))
    else:  # else: the lines that name a heading further on, or give a page number
        run = []
        for i in range(start, len(blocks)):
            text = key(blocks[i].text)
            if i in used or not text or not short(blocks[i]) or not (
                    LEADERS.search(blocks[i].text) or any(key(o.text) == text for o in blocks[i + 1:])):
                break
            run.append(i)
    taken = ([marker] if marker is not None else []) + run
    entries = []
    for i in run:
        # lines the layout joined (each reached the margin with its leaders) are entries each
        for piece in [p for p in LEADERS.split(blocks[i].text) if p.strip()] or [blocks[i].text]:
            page = LEADER_AND_PAGE.search(piece)
            text = key(piece)
            if text.isdigit() and entries and entries[-1].page_label is None:
                # the page number after an entry's leaders
                entries[-1] = entries[-1].model_copy(update={"page_label": text})
            elif text:
                entries.append(ContentsEntry(text=text, page_label=page.group(1) if page else None,
                                             provenance=list(blocks[i].provenance)))
    if marker is None and len(entries) < MIN_LEADER_ENTRIES:
        return [], []
    return entries, taken


# ---------------------------------------------------------------- body


def paragraph_of(block: Block) -> Paragraph:
    return Paragraph(text=block.text, confidence=block.confidence, provenance=list(block.provenance))


def split_lead_in(rest: str) -> tuple[str | None, str]:
    """`制定计划。培训机构负责…` -> (`制定计划`, `培训机构负责…`); no short lead-in -> (None, rest)."""
    end = rest.find("。")
    if 0 < end <= LEAD_IN_MAX_CHARS and not re.search(r"[，,；;：:]", rest[:end]):
        return rest[:end], rest[end + 1:]
    return None, rest


@dataclass
class _OpenSection:
    number: str
    level: int
    heading: str | None
    provenance: list
    kind: str = "numbered"
    rank: float = 0                  # nesting order: parts 0 … articles 3, then 一、 4 … （1） 7
    paragraphs: list[Paragraph] = field(default_factory=list)
    children: list[_OpenSection] = field(default_factory=list)
    item: Paragraph | None = None    # a numbered block's whole text, for when it is only a list item
    own_body: int = 0                # 1 when the first paragraph is the rest of the numbered block

    def flatten_list(self) -> None:
        """Numbered children that are each one line or sentence, with no heading over text of
        their own (（一）财政拨款收入：是…, 1.万里街道社区党群服务中心。), are the items of a list in this
        section's text: its paragraphs, number and all. What follows the last item is this
        section's text again. Children's own lists first."""
        for child in self.children:
            child.flatten_list()
        def bare(child: _OpenSection) -> bool:
            return len(child.paragraphs) == child.own_body

        def item_like(child: _OpenSection) -> bool:
            # a whole sentence with no text under it is an item (the last item of a list may be
            # followed by this section's text); one with text under it (（一）…情况说明。 then
            # paragraphs) heads a section
            sentence = child.item is not None and child.item.text.rstrip().endswith(("。", "；", ";"))
            last_of_several = child is self.children[-1] and len(self.children) > 1
            return (child.kind == "numbered" and child.item is not None and not child.children
                    and (child.heading is None or (not child.own_body and sentence and (bare(child) or last_of_several))))

        if not self.children or not all(item_like(c) for c in self.children):
            return
        for child in self.children:
            self.paragraphs.append(child.item)
            self.paragraphs.extend(child.paragraphs[child.own_body:])
        self.children = []

    def freeze(self) -> Section:
        return Section(number=self.number, kind=self.kind, level=self.level, heading=self.heading,
                       provenance=self.provenance, paragraphs=self.paragraphs,
                       children=[c.freeze() for c in self.children])


DIVISION_RANK = {kind: rank for rank, (kind, _) in enumerate(DIVISIONS)}
CLAUSE_RANK = 20   # below the 一、 scheme; a clause 1.4.1 nests in 1.4 (one rank per dot)
MAX_DIVISION_HEADING_CHARS = 40


def build_sections(blocks: list[Block]) -> tuple[list[Paragraph], list[Section]]:
    """Parts, chapters, sections and articles, unnumbered headings and numbered blocks (一、 …),
    open sections at their rank, outermost first; other blocks are paragraphs of the innermost
    open section. Inside an article, numbered items (（一）, 1.) are its list, not sections.
    Returns the paragraphs before the first section, and the sections."""
    lead: list[Paragraph] = []
    roots: list[_OpenSection] = []
    stack: list[_OpenSection] = []

    def open_section(section: _OpenSection) -> None:
        while stack and stack[-1].rank >= section.rank:
            stack.pop()
        (stack[-1].children if stack else roots).append(section)
        stack.append(section)

    in_article = False
    for block in blocks:
        division = division_of(block.text)
        if _unnumbered_heading(block):
            # below parts, chapters and sections, above articles and the 一、 scheme; a larger one
            # holds a smaller one
            open_section(_OpenSection(number="", level=0, heading=block.text.strip(), kind="heading",
                                      provenance=list(block.provenance),
                                      rank=DIVISION_RANK["article"] - 0.5 + 1 / max(block.size or 4.0, 4.0)))
            in_article = False
        elif division is not None:
            kind, number, rest = division
            rest = rest.strip()
            # a part, chapter or section is headed by its name; an article's text is its body
            titled = (kind != "article" and (kind != "clause" or number.count(".") == 1)
                      and len(rest) <= MAX_DIVISION_HEADING_CHARS and not re.search(r"[。；;，,]", rest))
            # articles quoted inside a numbered section (主要职能: 第一条 …) belong to it
            numbered = [s for s in stack if s.kind == "numbered"]
            if kind == "clause":
                rank = CLAUSE_RANK + number.count(".")
            else:
                rank = numbered[-1].rank + 0.5 if numbered and kind != "part" else DIVISION_RANK[kind]
            section = _OpenSection(number=number, level=0, heading=rest if titled and rest else None,
                                   provenance=list(block.provenance), kind=kind, rank=rank)
            if rest and not titled:
                section.paragraphs.append(Paragraph(text=rest, confidence=block.confidence,
                                                    provenance=list(block.provenance)))
            open_section(section)
            in_article = kind == "article" or (kind == "clause" and not titled)
        elif block.level is not None and block.number is not None and not in_article \
                and (block.level > 1 or block.kind == "heading" or not stack or stack[-1].kind != "numbered"
                     or _next_sibling(stack[-1], block)):
            _, _, rest = section_number(block.text)
            if block.kind == "heading":
                heading, body = rest.strip() or None, ""
            else:
                heading, body = split_lead_in(rest)
            section = _OpenSection(number=block.number, level=block.level, heading=heading,
                                   provenance=list(block.provenance), rank=len(DIVISIONS) + block.level,
                                   item=paragraph_of(block))
            if body.strip():
                section.paragraphs.append(Paragraph(text=body.strip(), confidence=block.confidence,
                                                    provenance=list(block.provenance)))
                section.own_body = 1
            open_section(section)
        else:
            (stack[-1].paragraphs if stack else lead).append(paragraph_of(block))
    for root in roots:
        root.flatten_list()
    return lead, [s.freeze() for s in roots]


def _unnumbered_heading(block: Block) -> bool:
    return block.kind == "heading" and block.level is None


def _next_sibling(open_section: _OpenSection, block: Block) -> bool:
    """Whether a numbered block carries the number after the open section's, at its level
    (二、 after 一、): a sibling, whatever its type setting."""
    if open_section.kind != "numbered" or open_section.level != block.level:
        return False
    current, following = numeral_value(open_section.number), numeral_value(block.number or "")
    return current is not None and following == current + 1


# ---------------------------------------------------------------- attachments


def parse_attachment_list(blocks: list[Block], start: int, used: set[int]) -> tuple[list[Attachment], int]:
    """The 附件： list and the blocks that continue its items; returns the items and the index
    of the first block after the list. Blocks already taken (signature, date) end the list."""
    used.add(start)
    text = ATTACHMENT_LIST.sub("", blocks[start].text)
    i = start + 1
    while i < len(blocks):
        block = blocks[i]
        if i in used or ATTACHMENT_MARKER.match(block.text) or block.level in (1, 2):
            break
        if ATTACHMENT_ITEM.match(block.text):
            text += "\n" + block.text
        elif text and not FILE_EXTENSION.search(text.strip()) and not IMPRINT_LINE.match(block.text):
            text += block.text  # a wrapped item title
        else:
            break
        used.add(i)
        i += 1
    items = []
    matches = list(ATTACHMENT_ITEM.finditer(text))
    starts = [m for m in matches if m.start() == 0 or text[m.start() - 1] in "\n" or _is_item_boundary(text, m)]
    for k, match in enumerate(starts):
        end = starts[k + 1].start() if k + 1 < len(starts) else len(text)
        name = re.sub(r"\s+", "", text[match.end():end])
        if FILE_EXTENSION.sub("", name):
            items.append(_attachment(int(match.group("number")), name))
    if not starts and text.strip():
        items.append(_attachment(1, re.sub(r"\s+", "", text)))
    return items, i


def _attachment(number: int, name: str) -> Attachment:
    """An item of the list: its title without a file ending, and the file name when it has one."""
    title = FILE_EXTENSION.sub("", name)
    return Attachment(number=number, title=title, file=name if title != name else None)


def _marker_number(marker: re.Match, attachments: list[Attachment]) -> int | None:
    """附件N is attachment N; a bare 附件 is the only attachment, when there is one only."""
    if marker.group("number"):
        return int(marker.group("number"))
    return attachments[0].number if len(attachments) == 1 else None


def _is_item_boundary(text: str, match: re.Match) -> bool:
    """`附件2：` opens an item wherever it stands; a bare `2.` only at the start of a line."""
    return text[match.start():match.start() + 1] == "附"


def assign_attachment_pages(attachments: list[Attachment], rest: list[Block], used: set[int],
                            offset: int) -> tuple[list[Attachment], list[Paragraph]]:
    """Blocks after the list: `附件N` markers give each attachment its first page and the text
    that follows it; what comes before any marker is the notice's closing."""
    by_number = {a.number: a for a in attachments}
    start_pages: dict[int, int] = {}
    paragraphs: dict[int, list[Paragraph]] = {}
    closing: list[Paragraph] = []
    current: int | None = None
    for k, block in enumerate(rest):
        if offset + k in used:
            continue
        marker = ATTACHMENT_MARKER.match(block.text)
        number = _marker_number(marker, attachments) if marker else None
        if number in by_number:
            current = number
            start_pages.setdefault(current, block.page)
            continue
        if current is None:
            closing.append(paragraph_of(block))
        else:
            paragraphs.setdefault(current, []).append(paragraph_of(block))
    updated = [a.model_copy(update={"start_page": start_pages.get(a.number),
                                    "paragraphs": paragraphs.get(a.number, [])}) for a in attachments]
    return updated, closing


# ---------------------------------------------------------------- references


def find_references(texts: list[str], exclude: str | None = None) -> list[Reference]:
    """Every doc number cited in the text, once, in order of first citation, with the title
    in 《》 that directly precedes it when there is one."""
    seen: dict[str, Reference] = {}
    for text in texts:
        for match in DOC_NUMBER_ANYWHERE.finditer(text):
            number = CITATION_LEAD_WORDS.sub("", canonical_doc_number(match.group(0)))
            if number == exclude or number in seen:
                continue
            title_match = CITED_TITLE.search(text[max(0, match.start() - 90):match.start()])
            seen[number] = Reference(doc_number=number, title=title_match.group(1) if title_match else None)
    return list(seen.values())
