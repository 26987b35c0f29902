"""The results cache: ``<out>/.cache/<key>.json``, one file per graded hand-in.

Key = sha256 of (rubric fingerprint, hand-in id, hand-in content hash, grader version and
a hash of its grading code, sandbox trust flag). The rubric fingerprint covers the rubric file's bytes and every file
it names (``reference: final_exam/reference.py``, ``test: final_exam/test_part_b.py::...``),
so editing a reference implementation re-grades too. The content hash covers every file
under the hand-in's folder (relative names and bytes), not only the ``.ipynb``/``.py``.

Entries are written atomically (temporary file + rename) as soon as a hand-in is graded,
so a crash or Ctrl-C loses at most the hand-ins in flight. Results of the grader's own
failures (``internal grader error``, a math worker lost) are not cached: they are retried next time.
Entries hold automatic results only; merged reviews are applied after, on every run.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from grader.batch.records import submission_from_json
from grader.handin.discover import Empty
from grader.handin.model import HandIn
from grader.report.files import write_atomic
from grader.results import SubmissionResult

CACHE_DIR = ".cache"
FORMAT = 1
_SKIP_DIRS = ("__pycache__", ".ipynb_checkpoints", ".git")
_NAMED_FILE = re.compile(r"[\w./\\-]+\.(?:py|ipynb|json|csv|txt|ya?ml|npy|npz|pkl|md)\b")


def _feed_file(h: "hashlib._Hash", name: str, path: str) -> None:
    h.update(name.encode("utf-8", "surrogateescape") + b"\0")
    if os.path.islink(path):
        h.update(b"L" + os.readlink(path).encode("utf-8", "surrogateescape"))
    else:
        with open(path, "rb") as fh:
            h.update(b"F%d\0" % os.fstat(fh.fileno()).st_size)
            while chunk := fh.read(1 << 20):
                h.update(chunk)
    h.update(b"\0")


_NOT_GRADING = ("cli.py", "review.py", "markus_mode.py", "gradescope_mode.py", "batch", "report")


def grader_version(version: str) -> str:
    """The version plus a hash of the grading code, so an edited or upgraded checkout never reuses
    results of other code (the CLI, the batch runner and the report writers do not count)."""
    import grader

    root = os.path.dirname(os.path.abspath(grader.__file__))
    h = hashlib.sha256()
    for folder, dirs, files in os.walk(root):
        rel = os.path.relpath(folder, root)
        dirs[:] = sorted(d for d in dirs if d != "__pycache__" and not (rel == "." and d in _NOT_GRADING))
        for f in sorted(files):
            if f.endswith(".py") and not (rel == "." and f in _NOT_GRADING):
                _feed_file(h, os.path.join(rel, f), os.path.join(folder, f))
    return f"{version}+{h.hexdigest()[:16]}"


def rubric_files(rubric_path: str) -> list[tuple[str, str]]:
    """(name relative to the rubric's folder, absolute path) of the rubric and the files it names."""
    base = os.path.dirname(os.path.abspath(rubric_path))
    out = [(os.path.basename(rubric_path), os.path.abspath(rubric_path))]
    try:
        text = Path(rubric_path).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return out
    seen = {out[0][1]}
    for m in _NAMED_FILE.finditer(text):
        path = os.path.normpath(os.path.join(base, m.group(0).replace("\\", "/")))
        if path not in seen and os.path.isfile(path):
            seen.add(path)
            out.append((os.path.relpath(path, base), path))
    return sorted(out)


def rubric_fingerprint(rubric_path: str) -> str:
    h = hashlib.sha256(b"grader-rubric\0")
    for name, path in rubric_files(rubric_path):
        _feed_file(h, name, path)
    return h.hexdigest()


def handin_files_all(item: HandIn) -> list[tuple[str, str]]:
    """(relative name, absolute path) of every file of a hand-in, sorted."""
    if not os.path.isdir(item.root):
        return [(os.path.basename(item.root), item.root)]
    found: list[tuple[str, str]] = []
    for root, dirs, files in os.walk(item.root):
        dirs[:] = sorted(d for d in dirs if d not in _SKIP_DIRS)
        for f in sorted(files):
            path = os.path.join(root, f)
            found.append((os.path.relpath(path, item.root).replace(os.sep, "/"), path))
    return sorted(found)


def handin_hash(item: HandIn | Empty) -> str:
    h = hashlib.sha256(b"grader-handin\0")
    if isinstance(item, Empty):
        h.update(b"empty")
        return h.hexdigest()
    for name, path in handin_files_all(item):
        _feed_file(h, name, path)
    return h.hexdigest()


_GRADER_FAULTS = ("internal grader error", "internal error while reading")


def cacheable(result: SubmissionResult) -> bool:
    """False when the grader itself failed somewhere in this result (retried on the next run)."""
    texts = [result.message] + [c.message for q in result.questions for c in q.checks]
    return not any(fault in t for t in texts for fault in _GRADER_FAULTS)


@dataclass
class ResultCache:
    """Look up and store one SubmissionResult per hand-in. Thread-safe counters."""

    folder: Path
    fingerprint: str
    version: str
    salt: str = ""
    hits: int = 0
    misses: int = 0
    stored: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _keys: dict[str, str] = field(default_factory=dict, repr=False)

    def key(self, item: HandIn | Empty) -> str:
        known = self._keys.get(item.id)
        if known is None:
            parts = [f"v{FORMAT}", self.fingerprint, item.id, handin_hash(item), self.version, self.salt]
            known = hashlib.sha256("\0".join(parts).encode("utf-8", "surrogateescape")).hexdigest()
            self._keys[item.id] = known
        return known

    def _path(self, item: HandIn | Empty) -> Path:
        return self.folder / f"{self.key(item)}.json"

    def get(self, item: HandIn | Empty) -> SubmissionResult | None:
        path = self._path(item)
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
            if doc.get("key") != self.key(item):
                raise ValueError("key mismatch")
            res = submission_from_json(doc["result"])
        except (OSError, ValueError, KeyError, TypeError):
            with self._lock:
                self.misses += 1
            return None
        with self._lock:
            self.hits += 1
        # the display path may differ between runs (a zip's name, a relative PATH): use today's
        from dataclasses import replace
        return replace(res, path=item.path) if res.path != item.path else res

    def put(self, item: HandIn | Empty, result: SubmissionResult) -> bool:
        if not cacheable(result):
            return False
        doc = {"key": self.key(item), "id": item.id, "grader_version": self.version, "result": result.to_json()}
        write_atomic(self._path(item), json.dumps(doc, ensure_ascii=False, allow_nan=False) + "\n")
        with self._lock:
            self.stored += 1
        return True

    def write_stats(self, graded: Iterable[str]) -> None:
        """``.cache/last_run.json``: how many results were reused and which hand-ins were graded."""
        doc = {"hits": self.hits, "misses": self.misses, "stored": self.stored, "graded": sorted(graded)}
        write_atomic(self.folder / "last_run.json", json.dumps(doc, ensure_ascii=False, indent=1) + "\n")


def open_cache(out_dir: str, rubric_path: str, version: str, salt: str = "") -> ResultCache:
    folder = Path(out_dir) / CACHE_DIR
    folder.mkdir(parents=True, exist_ok=True)
    return ResultCache(folder=folder, fingerprint=rubric_fingerprint(rubric_path), version=version, salt=salt)
