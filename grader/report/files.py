"""Small file helpers shared by the writers: atomic writes and safe file names."""

from __future__ import annotations

import os
import re
import tempfile
import unicodedata


def write_atomic(path: str | os.PathLike[str], text: str) -> None:
    """Write UTF-8 text (no BOM) to path through a temporary file and a rename."""
    path = os.fspath(path)
    folder = os.path.dirname(path) or "."
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=os.path.basename(path)[-20:])
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def safe_name(submission_id: str) -> str:
    """A file name for a hand-in id: kept as is (spaces, accents) except path separators and controls."""
    name = unicodedata.normalize("NFC", submission_id)
    name = re.sub(r"[/\\\x00-\x1f]", "_", name).strip()
    if not name or name.startswith("."):
        name = "_" + name
    return name[:200]
