"""Coordinate conversions, each a named helper so no stage does frame arithmetic inline.

Frames:
- *user space*: the PDF's own, y up, MediaBox coordinates, before /Rotate.
- *display frame*: the page as a viewer shows it after /Rotate, top-left origin, y down.
- *reading frame*: a display region turned so that its text runs left to right.
"""

from __future__ import annotations

import math

import numpy as np

from extract.model import Box, Degrees

Matrix = tuple[float, float, float, float, float, float]
Point = tuple[float, float]


def apply_matrix(m: Matrix, p: Point) -> Point:
    a, b, c, d, e, f = m
    x, y = p
    return (a * x + c * y + e, b * x + d * y + f)


def display_size(rotation: int, mediabox: tuple[float, float, float, float]) -> tuple[float, float]:
    """Width and height of the display frame."""
    w, h = mediabox[2] - mediabox[0], mediabox[3] - mediabox[1]
    return (h, w) if rotation in (90, 270) else (w, h)


def user_to_display(p: Point, rotation: int, mediabox: tuple[float, float, float, float]) -> Point:
    """A user-space point (y up) to the display frame (top-left origin), /Rotate applied clockwise."""
    return user_to_display_xy(p[0], p[1], rotation, mediabox)


def user_to_display_xy(x, y, rotation: int, mediabox: tuple[float, float, float, float]):
    """`user_to_display` of x and y given apart: floats, or numpy arrays of many points at once
    (the same arithmetic either way, so the same values)."""
    x0, y0, x1, y1 = mediabox
    if rotation == 90:
        return (y - y0, x - x0)
    if rotation == 180:
        return (x1 - x, y - y0)
    if rotation == 270:
        return (y1 - y, x1 - x)
    return (x - x0, y1 - y)


def rounded(values: np.ndarray, digits: int = 2) -> list[float]:
    """Python's `round(v, digits)` of each value, as a list. numpy's rounding (scale, round half
    to even, scale back) gives the same but where the scaled value lies within a hair of a half,
    which Python rounds by the value's exact decimal expansion: those few are left to Python."""
    scale = 10.0 ** digits
    scaled = values * scale
    out = (np.rint(scaled) / scale).tolist()
    for i in np.flatnonzero(np.abs(scaled - np.floor(scaled) - 0.5) < 1e-6).tolist():
        out[i] = round(float(values[i]), digits)
    return out


def direction_of(vector: Point) -> Degrees:
    """The quarter turn nearest to a display-frame vector (y down): 0 right, 90 down, 180 left, 270 up."""
    angle = math.degrees(math.atan2(vector[1], vector[0])) % 360
    return int(round(angle / 90.0)) % 4 * 90  # type: ignore[return-value]


def box_from_points(points: list[Point]) -> Box:
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    return Box(x0=min(xs), top=min(ys), x1=max(xs), bottom=max(ys))


def display_to_reading(p: Point, direction: int, width: float, height: float) -> Point:
    """A display-frame point into the reading frame of text running in `direction`
    on a display of `width` x `height` points."""
    x, y = p
    if direction == 90:  # text runs down the page: turn the page anticlockwise
        return (y, width - x)
    if direction == 180:
        return (width - x, height - y)
    if direction == 270:  # text runs up the page: turn the page clockwise
        return (height - y, x)
    return (x, y)


def reading_frame_size(direction: int, width: float, height: float) -> tuple[float, float]:
    return (height, width) if direction in (90, 270) else (width, height)


def rotate_to_reading_frame(box: Box, direction: int, width: float, height: float) -> Box:
    """A display-frame box into the reading frame of text running in `direction`."""
    if direction == 0:   # the frames are one (most text): no new box
        return box
    corners = [(box.x0, box.top), (box.x1, box.bottom)]
    return box_from_points([display_to_reading(p, direction, width, height) for p in corners])


def reading_to_display_box(box: Box, direction: int, width: float, height: float) -> Box:
    """A reading-frame box back to the display frame (`width` x `height`): the inverse of
    `rotate_to_reading_frame`."""
    frame_w, frame_h = reading_frame_size(direction, width, height)
    return rotate_to_reading_frame(box, (360 - direction) % 360, frame_w, frame_h)
