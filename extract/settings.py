"""Every tunable of the pipeline, composed in one place.

`PipelineSettings` is made of each stage's settings; the pipeline hands each stage its own
part (and the shared `lines` part to the two stages that gather glyphs into lines), so that
no stage reads another stage's defaults. Build it in code, or resolve it from a dict or a
JSON/TOML file that names only what differs from the defaults:

    {"ocr": {"dpi": 300}, "tables": {"min_columns": 3}}

`python -m extract run --settings FILE` and `notice --settings FILE` do that. Unknown parts
or fields, and values of the wrong type or out of range, are a `SettingsError` naming them.
Lengths are in points unless a comment says otherwise.
"""

from __future__ import annotations

import dataclasses
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# One threshold for text OCR read: below it a line or cell is reported (`low_confidence`),
# never taken as a record's value without a second reading, and missed ink is not added.
DEFAULT_LOW_CONFIDENCE = 0.90
OCR_RUNTIMES = ("openvino", "onnxruntime")   # what can run the OCR engine's models


class SettingsError(ValueError):
    """Settings that cannot be used: the part and field, and why."""


@dataclass(frozen=True)
class LineSettings:
    """How glyphs become text lines (layout's lines and tables' captions); shares of the font size."""

    line_overlap: float = 0.5          # glyphs share a line when their heights overlap this much
    word_gap: float = 0.25             # a gap this wide between Latin characters is a space
    phrase_gap: float = 1.5            # a gap this wide between any characters is a space


@dataclass(frozen=True)
class RasterSettings:
    """Ruling lines found on a rendered page (a scan, or lines baked into a picture)."""

    scale: float = 2.0              # pixels per point when rendering a page for its rulings (144 dpi)
    min_line_share: float = 0.04    # a line is at least this share of the page width (or height) long
    max_thickness_px: int = 8       # thicker marks are blocks, not lines


@dataclass(frozen=True)
class OcrSettings:
    """Which pages are read by OCR, and how."""

    dpi: float = 200.0                 # rendering resolution of a page for OCR
    skew_scale: float = 0.5            # the upright page is reduced this much to find its skew
    low_confidence: float = DEFAULT_LOW_CONFIDENCE  # see DEFAULT_LOW_CONFIDENCE; the records stage gets this one
    min_char_height: float = 4.0       # points: smaller ink the detector missed is noise, not a character
    max_cell_ink: float = 0.2          # a "cell" with more ink than this share is a picture
    ink_share: float = 0.88            # a CJK character's ink is about this share of its font size
    size_tolerance: float = 0.1        # OCR'd lines' ink heights this close (a share) are one font size
    max_skew: float = 3.0              # skew is looked for up to this many degrees either way
    skew_step: float = 0.05            # ... to this precision
    min_skew: float = 0.05             # smaller skew is left alone
    orientation_lines: int = 12        # the longest lines voted on 0° vs 180°
    reread_zoom: float = 2.0           # a cell read again is enlarged this much first
    reread_inset: float = 1.5          # points taken off each side of a cell read again (its rulings)
    private_use_share: float = 0.05    # this share of private-use characters makes a text layer untrusted
    undecodable_share: float = 0.05    # ... and this share of characters that cannot be decoded
    rare_share: float = 0.25           # a text with this share of rare ideographs is no Chinese prose
    min_chinese_share: float = 0.3     # a document with less of its text in CJK characters is no Chinese notice
    plausible_min_ideographs: int = 20  # ... judged on at least this many
    scan_area_share: float = 0.5       # a picture covering this share of the page may be a scan of it
    uncovered_ink_share: float = 0.5   # this share of such a picture's ink outside every glyph: the text layer is not the page
    lines_in_layer: float = 0.5        # ... unless this share of the text lines detected around it have glyphs in them
    lines_around_min: int = 3          # ... of at least this many lines
    layer_check_dpi: float = 100.0     # ... detected on the page rendered at this resolution (finding a line
                                       # needs less than reading it; a quarter of the pixels of `dpi`'s)
    check_scale: float = 0.5           # pixels per point of the image the ink check looks at
    blank_ink_share: float = 0.0005    # a page with no text and no picture whose ink off its rulings covers less
                                       # than this share of it has nothing to read: OCR (and its models) not loaded
    threads: int = 0                   # inference threads per model (0: the runtime's default, every core)
    runtime: str = "openvino"          # what runs the engine's models: "openvino", or "onnxruntime" as the
                                       # engine ships (same f32 text; OpenVINO ~1.7x faster here, bench/ocr.py)

    def __post_init__(self) -> None:
        if self.runtime not in OCR_RUNTIMES:
            raise SettingsError(f"unknown OCR runtime {self.runtime!r}: one of {', '.join(OCR_RUNTIMES)}")
        if not 0 <= self.low_confidence <= 1:
            raise SettingsError(f"ocr.low_confidence must be between 0 and 1, not {self.low_confidence!r}")

    @property
    def scale(self) -> float:
        return self.dpi / 72.0


@dataclass(frozen=True)
class TableSettings:
    """Ruled tables in a PDF."""

    snap: float = 2.0              # rulings this close are one line
    touch: float = 3.0             # rulings this close are connected
    coverage: float = 0.6          # a ruling must cover this share of a cell side to separate cells
    min_cell: float = 3.0          # grid lines closer than this are one line
    continuation_width: float = 0.03  # tables on consecutive pages match when column widths agree to this share
    title_distance: float = 3.0    # a caption line sits within this many of its own heights above the table (or the line below it)
    max_title_chars: int = 80      # a longer line above a table is a paragraph, not its title
    min_columns: int = 2           # a ruled box with fewer columns (a framed list, a text box) is not a table
    raster_min_rulings: int = 4    # a page with this many rulings but no grid has broken rulings: look at its image
    running_band: float = 0.06     # share of the page height at its top where running headers stand
    min_filled_share: float = 0.3  # a grid with text in fewer of its cells, and under an empty first row, is a chart
    min_cell_share: float = 0.15   # a grid whose cells are fewer than this share of its slots is a plot area
    max_rulings: int = 20_000      # a page drawn with more lines is a drawing (or a bomb): its tables are not looked for
    bucket: float = 12.0           # side of the squares rulings are filed in to find the ones they touch
    max_bucket: int = 96           # ... and a square crossed by more lines than this is hatching, not a grid (real pages: <= 37)
    max_comparisons: int = 3_000_000  # ... and a page whose lines need more comparisons is a drawing, not a table


@dataclass(frozen=True)
class AlignedTableSettings:
    """Tables without a full grid (三线表, rules between rows, a bare frame, partial grids, no rules
    at all): columns read from the text's alignment. In units of the table's median character
    size unless said otherwise."""

    same_extent: float = 0.05      # rules whose ends differ by less than this share of their length align
    word_gap: float = 0.6          # a gap this wide between characters separates words (a Latin space is ~0.3) ...
    fixed_pitch_max: float = 0.75  # ... and in a fixed-pitch font (characters all one width, under this), half of
    fixed_pitch_share: float = 0.8   # that width: a typewriter's columns stand one space apart (share of lines all so)
    min_gutter: float = 0.5        # a gutter between columns is at least this wide
    min_body_lines: int = 2        # a table has this many body lines at least
    max_crossing: float = 0.05     # share of body lines that may cross a gutter (a total set too wide)
    crowded_lines: float = 0.3     # share of a ruled grid's lines with text its column rules leave undivided
    snap: float = 2.0              # points: pieces of a rule this close are one rule
    min_partial: float = 0.3       # a rule under a merged cell spans this share of the table at least
    prose_chars: int = 25          # a line of a column this long is running text, not a cell ...
    prose_share: float = 0.3       # ... and columns with this share of such lines are no table
    full_chars: int = 12           # a column whose pieces average this many characters ...
    full_share: float = 0.6        # ... and this share of whose lines run edge to edge is running text
    words_share: float = 0.8       # a column at a table's edge set so, in words (not figures) this much, is left to the text
    paragraph_lines: int = 3       # text this many lines tall, in long pieces, between rules parts them
    min_rows: int = 3              # a table with no rules has this many rows in columns at least ...
    max_row_gap: float = 2.0       # ... each at most this far under the line above ...
    max_label_lines: int = 2       # ... with at most this many one-piece lines (labels, wrapped cells) between two
    size_spread: float = 1.3       # the lines of a table with no rules differ in size by this factor at most
    wrap_gap: float = 0.5          # a line under another by less than this share of the rows' usual gap continues its cells
    figure_overlap: float = 0.25   # text in columns over this share of a figure drawn in vector paths (or of itself) is its labels
    leader_min_dots: int = 3       # dots in a row (`0.99.....800`, `合计……12`) lead from a label to its figure: white space
    typed_rule_min: int = 5        # dashes, underscores or equals signs in a row type a rule (`-----`) under a header


@dataclass(frozen=True)
class DumpTableSettings:
    """Tables rebuilt from a text dump's text."""

    min_garbled_lines: int = 30      # a run of this many one- or two-character lines is a garbled table
    garbled_piece_chars: int = 2     # pieces in a garbled run have at most this many characters
    min_spaced_columns: int = 3      # a spaced header has at least this many columns
    max_digit_spread: int = 2        # numbers of one kind differ in length by at most this many digits


@dataclass(frozen=True)
class LayoutSettings:
    """Paragraphs, headings and columns; in units of the body font size unless said otherwise."""

    indent: float = 0.8                # a line starting this far right of the margin is indented
    short_line: float = 1.0            # a line ending this far left of the right margin ends a paragraph
    paragraph_gap: float = 1.2         # extra vertical space beyond normal leading that breaks a paragraph
    heading_max_chars: int = 30        # a numbered level-1 line longer than this is body text
    heading_size_ratio: float = 1.15   # an unnumbered line set this much larger than the body is a heading
    band_lines: float = 2.0            # ... or set alone on a shaded band at most this many times its height
    repeated_min_pages: int = 3        # a line repeated on this many pages at one place is a running header
    margin_band: float = 0.1           # share of the page height at top and bottom where running lines live
    dump_short_cells: int = 3          # text dumps: a line this many half-width cells short ends a paragraph
    dump_indent_cells: int = 4         # text dumps: a paragraph's first line lost its indent (two CJK cells)
    columns_min_glyphs: int = 200      # a page with fewer characters is read as one column
    columns_gutter: float = 1.0        # the blank strip between two columns is at least this wide
    columns_max_crossing: float = 0.05  # share of a page's characters that may cross its gutter (full-width lines)
    columns_min_rows_share: float = 0.3  # share of rows with text on both sides of the gutter for two columns
    columns_min_share: float = 0.2      # ... each column with this share of the characters at least
    columns_sidebar: float = 0.6        # a sidebar is narrower than this share of the main column; read first
    sidebar_min_lines: int = 5          # a sidebar has this many lines at least
    sidebar_min_chars: float = 5.0      # ... of this many characters on average (hanging numbers are shorter)


@dataclass(frozen=True)
class PipelineSettings:
    """The settings of every stage. `resolve` builds one from a dict or a file."""

    lines: LineSettings = field(default_factory=LineSettings)
    raster: RasterSettings = field(default_factory=RasterSettings)
    ocr: OcrSettings = field(default_factory=OcrSettings)
    tables: TableSettings = field(default_factory=TableSettings)
    aligned_tables: AlignedTableSettings = field(default_factory=AlignedTableSettings)
    dump_tables: DumpTableSettings = field(default_factory=DumpTableSettings)
    layout: LayoutSettings = field(default_factory=LayoutSettings)

    @classmethod
    def resolve(cls, value: PipelineSettings | dict | str | Path | None = None) -> PipelineSettings:
        """Settings from a `PipelineSettings` (as it is), None (the defaults), a dict of parts,
        or a JSON (`.json`) or TOML (`.toml`) file holding one."""
        if value is None:
            return cls()
        if isinstance(value, PipelineSettings):
            return value
        if isinstance(value, (str, Path)):
            return cls.resolve(_read_file(Path(value)))
        parts = {f.name: f for f in dataclasses.fields(cls)}
        _check_keys(value, list(parts), "settings", "settings part", lambda k: repr(k))
        built = {}
        for name, given in value.items():
            part = parts[name].default_factory()   # type: ignore[misc]
            built[name] = _resolve_part(name, type(part), given)
        return cls(**built)

    def to_dict(self) -> dict[str, dict[str, Any]]:
        """Every setting, by part: what a run report records, and what `resolve` reads back."""
        return dataclasses.asdict(self)


def _read_file(path: Path) -> dict:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise SettingsError(f"cannot read the settings file {path}: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise SettingsError(f"the settings file {path} is not UTF-8") from None
    try:
        if path.suffix.lower() == ".toml":
            import tomllib

            return tomllib.loads(text)
        if path.suffix.lower() == ".json":
            return json.loads(text)
    except (ValueError, RecursionError) as exc:   # JSONDecodeError and TOMLDecodeError are ValueErrors
        raise SettingsError(f"the settings file {path} cannot be parsed: {exc}") from None
    raise SettingsError(f"the settings file {path} must end in .json or .toml")


def _check_keys(given: Any, known: list[str], what: str, kind: str, label) -> None:
    """`given` is a mapping whose keys are all `known`; else a SettingsError naming the others."""
    if not isinstance(given, dict):
        raise SettingsError(f"{what} must be a mapping, not {type(given).__name__}")
    unknown = sorted(set(given) - set(known))
    if unknown:
        raise SettingsError(f"unknown {kind} {', '.join(label(k) for k in unknown)}: one of {', '.join(known)}")


def _resolve_part(name: str, kind: type, given: Any):
    """One part's dataclass from a dict of the fields that differ from its defaults."""
    fields = [f.name for f in dataclasses.fields(kind)]
    _check_keys(given, fields, f"settings part {name!r}", "setting", lambda k: f"{name}.{k}")
    defaults = kind()
    values = {}
    for key, value in given.items():
        default = getattr(defaults, key)
        values[key] = _checked(f"{name}.{key}", value, default)
    try:
        return dataclasses.replace(defaults, **values)
    except SettingsError:
        raise
    except (TypeError, ValueError) as exc:
        raise SettingsError(f"settings part {name!r}: {exc}") from None


def _checked(label: str, value: Any, default: Any) -> Any:
    """`value` when it has the type of the setting's default (an int where a float goes is
    fine) and a number is finite and not negative; else a SettingsError naming the setting."""
    if isinstance(default, bool):
        ok = isinstance(value, bool)
    elif isinstance(default, int):
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif isinstance(default, float):
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        value = float(value) if ok else value
    else:
        ok = isinstance(value, type(default))
    if not ok:
        raise SettingsError(f"{label} must be {type(default).__name__}, not {value!r}")
    if isinstance(value, (int, float)) and not isinstance(value, bool) and not (math.isfinite(value) and value >= 0):
        raise SettingsError(f"{label} must be a finite number, 0 or more, not {value!r}")
    return value
