"""The hash that names an input's bytes (`source.sha256`): the loaders give it to each document,
and the batch compares it with the store's before anything is parsed."""

from __future__ import annotations

import hashlib


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
