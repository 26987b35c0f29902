"""Turn the PATHs given on the command line into hand-ins.

- a file (``.ipynb``/``.py``): one hand-in, id = the file's stem;
- a folder holding hand-in files directly: one hand-in, id = the folder's name;
- a folder of sub-folders (a MarkUs export: one folder per group): one hand-in per
  sub-folder, id = the sub-folder's name kept exactly; a sub-folder with no hand-in file
  (empty, or only ``.gitkeep``) is listed as ``no_submission``;
- with ``folder="A1"`` (MarkUs's repository folder, for repo checkouts laid out as
  ``<group>/A1/...`` beside other assignments' folders and ``markus-hooks/``), only each
  group's ``A1/`` is its hand-in;
- a ``.zip`` of any of these: extracted safely (no path escape, size and count caps,
  UTF-8 names even without the zip's UTF-8 flag, as MarkUs writes them), then as a folder.
"""

from __future__ import annotations

import os
import tempfile
import zipfile
from dataclasses import dataclass

from grader.errors import GraderError
from grader.handin.model import HandIn
from grader.handin.read import handin_files

HANDIN_SUFFIXES = (".ipynb", ".py")
MAX_ZIP_FILES = 100_000
MAX_ZIP_BYTES = 4 * 1024**3
MAX_ZIP_RATIO = 200


@dataclass(frozen=True, slots=True)
class Empty:
    """A group folder without a hand-in file."""

    id: str
    path: str


class UsageError(GraderError):
    """A PATH that does not exist or is not a hand-in (exit status 2)."""


def discover(paths: list[str], workdir: str | None = None, folder: str | None = None) -> list[HandIn | Empty]:
    if folder is not None and (os.path.isabs(folder) or ".." in folder.replace("\\", "/").split("/")):
        raise UsageError(f"--assignment-folder must be a relative folder name, not {folder!r}")
    found: list[HandIn | Empty] = []
    for path in paths:
        if not os.path.exists(path):
            raise UsageError(f"{path}: no such file or folder")
        if os.path.isfile(path) and path.lower().endswith(".zip"):
            target = tempfile.mkdtemp(prefix="grader-zip-", dir=workdir)
            extract_zip(path, target)
            found.extend(_folder(target, display_root=os.path.basename(path), folder=folder))
        elif os.path.isfile(path):
            if not path.endswith(HANDIN_SUFFIXES):
                raise UsageError(f"{path}: not a hand-in (expected .ipynb, .py, a folder or a .zip)")
            stem = os.path.splitext(os.path.basename(path))[0]
            found.append(HandIn(id=stem, path=path, root=os.path.abspath(path),
                                files=(os.path.abspath(path),)))
        else:
            found.extend(_folder(path, display_root=path, folder=folder))
    _check_unique(found)
    return found


def _folder(path: str, display_root: str, folder: str | None = None) -> list[HandIn | Empty]:
    if folder is not None and os.path.isdir(os.path.join(path, folder)):
        # a single group's checkout: its assignment folder is the hand-in
        return [_group(os.path.join(path, folder), display_root,
                       name=os.path.basename(os.path.normpath(os.path.abspath(path))))]
    entries = sorted(os.listdir(path))
    direct = [e for e in entries if e.endswith(HANDIN_SUFFIXES) and os.path.isfile(os.path.join(path, e))]
    subdirs = [e for e in entries if os.path.isdir(os.path.join(path, e)) and not e.startswith(".")
               and e not in ("__pycache__", ".ipynb_checkpoints")]
    if (direct or not subdirs) and folder is None:
        name = os.path.basename(os.path.normpath(os.path.abspath(path)))
        return [_group(path, display_root, name=name)]
    # an export (or repo checkouts): one hand-in per group folder
    out: list[HandIn | Empty] = []
    for group in subdirs:
        gpath = os.path.join(path, group)
        if folder is not None:
            gpath = os.path.join(gpath, folder)
        out.append(_group(gpath, os.path.join(display_root, group), name=group))
    return out


def _group(path: str, shown: str, name: str) -> HandIn | Empty:
    files = tuple(handin_files(path)) if os.path.isdir(path) else ()
    if not files:
        return Empty(id=name, path=shown)
    return HandIn(id=name, path=shown, root=os.path.abspath(path), files=files)


def _check_unique(found: list[HandIn | Empty]) -> None:
    seen: dict[str, str] = {}
    for item in found:
        if item.id in seen:
            raise UsageError(f"two hand-ins have the id {item.id!r}: {seen[item.id]} and {item.path}")
        seen[item.id] = item.path


def extract_zip(path: str, target: str) -> None:
    """Extract an untrusted zip into target: no absolute paths, no '..', caps on size and count."""
    try:
        zf = zipfile.ZipFile(path, metadata_encoding="utf-8")
    except TypeError:  # Python < 3.11
        zf = zipfile.ZipFile(path)
    except zipfile.BadZipFile as exc:
        raise UsageError(f"{path}: not a valid zip file ({exc})") from None
    with zf:
        infos = zf.infolist()
        if len(infos) > MAX_ZIP_FILES:
            raise UsageError(f"{path}: more than {MAX_ZIP_FILES} entries")
        total = sum(i.file_size for i in infos)
        packed = max(1, sum(i.compress_size for i in infos))
        if total > MAX_ZIP_BYTES or total / packed > MAX_ZIP_RATIO and total > 100 * 2**20:
            raise UsageError(f"{path}: unpacks to {total} bytes, over the limit (a zip bomb?)")
        root = os.path.realpath(target)
        for info in infos:
            name = info.filename.replace("\\", "/")
            parts = [p for p in name.split("/") if p not in ("", ".")]
            if not parts or name.startswith("/") or ".." in parts or ":" in parts[0]:
                continue   # unsafe or empty names are skipped, never written
            dest = os.path.realpath(os.path.join(root, *parts))
            if not dest.startswith(root + os.sep):
                continue
            if info.is_dir():
                os.makedirs(dest, exist_ok=True)
                continue
            if (info.external_attr >> 16) & 0o170000 == 0o120000:
                continue   # symlinks are not followed or created
            os.makedirs(os.path.dirname(dest), exist_ok=True)
            with zf.open(info) as src, open(dest, "wb") as dst:
                remaining = info.file_size + 1
                while chunk := src.read(1 << 20):
                    remaining -= len(chunk)
                    if remaining < 0:
                        raise UsageError(f"{path}: entry {name} is larger than its header says")
                    dst.write(chunk)
