"""`geometry.rounded` rounds a page's coordinates all at once and must give what Python's
`round(v, 2)` gives for each, ties and near-ties included (the stored documents hold these
values: a last digit off would change them byte for byte)."""

from __future__ import annotations

import random

import numpy as np

from extract.common.geometry import rounded, user_to_display, user_to_display_xy


def test_rounded_is_pythons_round_value_for_value():
    rng = random.Random(7)
    values = [rng.uniform(-900, 900) for _ in range(20000)]
    values += [k / 1000 for k in range(-20000, 20000)]            # thousandths: ties at every fifth
    values += [k / 100 + 0.005 for k in range(-20000, 20000)]     # written as ties, stored just off them
    got = rounded(np.array(values))
    assert [repr(v) for v in got] == [repr(round(v, 2)) for v in values]


def test_the_display_transform_of_arrays_is_that_of_each_point():
    rng = random.Random(3)
    xs, ys = np.array([rng.uniform(-50, 700) for _ in range(50)]), np.array([rng.uniform(-50, 900) for _ in range(50)])
    for rotation in (0, 90, 180, 270):
        ax, ay = user_to_display_xy(xs, ys, rotation, (10.0, 20.0, 605.0, 862.0))
        assert list(zip(ax.tolist(), ay.tolist())) == \
            [user_to_display((x, y), rotation, (10.0, 20.0, 605.0, 862.0)) for x, y in zip(xs.tolist(), ys.tolist())]
