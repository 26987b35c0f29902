"""MarkUs group lists: ``<short_id>_group_list.csv`` (no header: ``group_name,user1,user2,...``).

The download zip silently leaves out groups with nothing collected; with the group list
every group is reported, the missing ones as ``no_submission``. Members are recorded in
``results.json`` (note: MarkUs lists pending and rejected invitees too).
"""

from __future__ import annotations

import csv
import io

from grader.handin.discover import UsageError


def read_group_list(path: str) -> dict[str, tuple[str, ...]]:
    try:
        with open(path, "rb") as fh:
            raw = fh.read()
    except OSError as exc:
        raise UsageError(f"{path}: cannot read the group list ({exc.strerror})") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("latin-1")
    groups: dict[str, tuple[str, ...]] = {}
    for n, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        cells = [c.strip() for c in row]
        if not cells or not cells[0]:
            continue
        if n == 1 and cells[0].lower() in ("group name", "group_name", "group"):
            continue   # a header written by hand
        groups[cells[0]] = tuple(c for c in cells[1:] if c)
    if not groups:
        raise UsageError(f"{path}: the group list is empty")
    return groups
