"""The store's files, written atomically (their text is `extract.common.json_text.to_json`'s
deterministic JSON). Atomic: the bytes go to
a temporary file in the target folder, are flushed to disk and renamed over the target (or,
for a new version, linked to a name nobody holds yet), so a reader (or a killed run) never
sees a half-written file and no write ever replaces another's.

Files get the mode any tool's output gets (0666 less the process's umask), not the 0600 of a
temporary file, so that a service running as another user can read the store.

`StoreLock` keeps two runs off one store; `storage_error_code` names what a failed write
ran into (a full disk, a read-only store).
"""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path

from extract.errors import ErrorCode

LOCK_NAME = ".lock"


def process_umask() -> int:
    """The umask, read without changing it (os.umask can only be read by setting it)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _temporary_copy(path: Path, data: bytes) -> str:
    """`data` in a flushed temporary file next to `path`, with the mode of a new file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o666 & ~process_umask())
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return tmp


def write_atomic(path: Path, text: str | bytes) -> bool:
    """Write `text` (UTF-8) or bytes to `path` atomically; returns False (and writes nothing)
    when the file already holds exactly these bytes."""
    data = text.encode("utf-8") if isinstance(text, str) else text
    if path.is_file() and path.read_bytes() == data:
        return False
    tmp = _temporary_copy(path, data)
    try:
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return True


def create_atomic(path: Path, text: str) -> bool:
    """Write `text` to `path` atomically only if no file has that name: True when written,
    False when the name was taken (by another process, even one racing this one)."""
    tmp = _temporary_copy(path, text.encode("utf-8"))
    try:
        os.link(tmp, path)   # fails when the name exists: two writers never replace each other
    except FileExistsError:
        return False
    finally:
        Path(tmp).unlink(missing_ok=True)
    return True


def storage_error_code(exc: OSError) -> ErrorCode | None:
    """The error code of a write that failed for want of space or permission (None: another failure)."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        return ErrorCode.DISK_FULL
    if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return ErrorCode.STORE_NOT_WRITABLE
    return None


class StoreBusy(Exception):
    """Another run holds the store."""


class StoreLock:
    """An exclusive lock on a store for the length of a run (`with StoreLock(root):`). A second
    run gets `StoreBusy` at once, naming the process that holds the lock; the lock goes with
    its process, so a killed run never leaves the store locked."""

    def __init__(self, root: Path):
        self.path = root / LOCK_NAME
        self._fd: int | None = None

    def __enter__(self) -> StoreLock:
        import fcntl

        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o666)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 32).decode("ascii", "replace").strip() or "another process"
            os.close(fd)
            raise StoreBusy(f"the store {self.path.parent} is in use by another run (process {holder}); "
                            f"wait for it to finish") from None
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode("ascii"))
        self._fd = fd
        return self

    def __exit__(self, *exc_info) -> None:
        if self._fd is not None:
            os.close(self._fd)   # closing releases the lock; the file stays, empty of meaning
            self._fd = None
