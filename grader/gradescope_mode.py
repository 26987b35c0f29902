"""``grader gradescope``: the ``run_autograder`` mode (``formats.md`` §5).

Grades ``/autograder/submission`` (one level deeper when the student zipped a folder)
and writes ``/autograder/results/results.json`` with ``grader.report.gradescope.result_for``.
A results file is written whatever happens: an invalid rubric or a crash of the grader
gives a score-0 document that says why (and exit status 1), so Gradescope never shows
"the autograder failed to produce output".

The hand-in id is the submitters' names from ``submission_metadata.json`` (beside the
submission folder) when present, else ``submission``.
"""

from __future__ import annotations

import json
import os
import sys
import traceback
from typing import Any

from grader.errors import RubricError
from grader.handin.discover import HANDIN_SUFFIXES

_IGNORED = ("__MACOSX", ".DS_Store")


def submission_root(folder: str) -> str:
    """Descend through folders that hold nothing but one folder (a zipped folder)."""
    while True:
        try:
            entries = [e for e in os.listdir(folder) if e not in _IGNORED and not e.startswith(".")]
        except OSError:
            return folder
        dirs = [e for e in entries if os.path.isdir(os.path.join(folder, e))]
        files = [e for e in entries if e.endswith(HANDIN_SUFFIXES)]
        if len(dirs) == 1 and not files:
            folder = os.path.join(folder, dirs[0])
            continue
        return folder


def submitters(submission: str) -> str:
    meta = os.path.join(os.path.dirname(os.path.abspath(submission)), "submission_metadata.json")
    try:
        with open(meta, encoding="utf-8") as fh:
            users = json.load(fh).get("users") or []
        names = [str(u.get("name") or u.get("email") or "") for u in users if isinstance(u, dict)]
        return ", ".join(n for n in names if n) or "submission"
    except (OSError, ValueError, AttributeError):
        return "submission"


def _failure(message: str, max_score: float = 0.0) -> dict[str, Any]:
    return {"score": 0.0, "output": message, "output_format": "text", "visibility": "visible",
            "stdout_visibility": "hidden",
            "tests": [{"name": "All tests", "number": "0", "score": 0.0, "max_score": max_score,
                       "status": "failed", "output": message, "output_format": "text", "visibility": "visible"}]}


def run_gradescope(rubric_path: str, submission: str = "/autograder/submission",
                   results: str = "/autograder/results/results.json", *, trust_submissions: bool = False,
                   namespaces: bool = True) -> int:
    from grader.batch.single import folder_handin, grade_one, rubric_own_files
    from grader.report.files import write_atomic
    from grader.report.gradescope import result_for

    status = 0
    try:
        root = submission_root(submission)
        hid = submitters(submission)

        def make_item():  # type: ignore[no-untyped-def]
            return folder_handin(root, hid, hid, exclude=rubric_own_files(rubric_path))

        sub, _rubric = grade_one(rubric_path, make_item, trust_submissions=trust_submissions, namespaces=namespaces)
        doc = result_for(sub)
        print(f"grader: {sub.status}, {sub.score:g}/{sub.max_score:g}"
              + (f" ({sub.pending_review:g} pending review)" if sub.pending_review else ""))
    except RubricError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        doc = _failure("The autograder's rubric is invalid; your instructor has been told.")
        status = 1
    except Exception as exc:
        traceback.print_exc(file=sys.stderr)
        doc = _failure(f"The autograder failed ({type(exc).__name__}); your instructor has been told.")
        status = 1
    write_atomic(results, json.dumps(doc, ensure_ascii=False, allow_nan=False, indent=2) + "\n")
    return status
