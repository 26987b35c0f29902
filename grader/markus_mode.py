"""``grader markus-tester``: run inside MarkUs's custom tester, print only protocol lines.

MarkUs runs the instructor's script (e.g. ``run_grader.sh``) in a folder holding the
group's files with the instructor's files copied on top, and parses stdout as JSON
objects, one per test (``/work/shared/research/formats.md`` §3). So this mode:

- moves file descriptor 1 to stderr for the whole run (library prints, tqdm, the sandbox
  and its children all go to stderr) and writes the protocol lines to the saved real
  stdout at the end, one JSON object per line (``grader.report.markus.tester_lines``);
- grades the hand-in files in PATH, skipping the rubric's own files (reference
  implementation, instructor tests) if they were copied there; the id is ``$MARKUS_GROUP``
  or the folder's name;
- on a rubric error prints one ``"All tests"`` line with status ``error_all`` (and the
  errors on stderr) and exits 1; otherwise exits 0, whatever the scores.
"""

from __future__ import annotations

import json
import os
import sys
import traceback
from typing import TextIO

from grader.errors import RubricError


def _error_all(message: str, total: float = 0.0) -> str:
    return json.dumps({"name": "All tests", "output": message, "marks_earned": 0, "marks_total": total,
                       "status": "error_all", "time": None}, ensure_ascii=False)


def _protocol_stdout() -> TextIO:
    """The real stdout for protocol lines; fd 1 now points at stderr."""
    sys.stdout.flush()
    real = os.fdopen(os.dup(1), "w", encoding="utf-8", newline="\n")
    os.dup2(2, 1)
    return real


def run_markus_tester(rubric_path: str, path: str = ".", *, feedback: str | None = None,
                      trust_submissions: bool = False, namespaces: bool = True) -> int:
    from grader.batch.single import folder_handin, grade_one, rubric_own_files
    from grader.report import feedback as feedback_md
    from grader.report.files import write_atomic
    from grader.report.markus import tester_lines

    out = _protocol_stdout()
    lines: list[str] = []
    status = 0
    try:
        folder = path if os.path.isdir(path) else os.path.dirname(os.path.abspath(path))
        handin_id = os.environ.get("MARKUS_GROUP") or os.path.basename(os.path.abspath(folder))

        def make_item():  # type: ignore[no-untyped-def]
            return folder_handin(folder, handin_id, handin_id, exclude=rubric_own_files(rubric_path))

        sub, rubric = grade_one(rubric_path, make_item, trust_submissions=trust_submissions, namespaces=namespaces)
        lines = tester_lines(sub)
        if feedback:
            write_atomic(feedback, feedback_md.render(sub, rubric.title))
        print(f"grader: {sub.id}: {sub.status}, {sub.score:g}/{sub.max_score:g}"
              + (f" ({sub.pending_review:g} pending review)" if sub.pending_review else ""), file=sys.stderr)
    except RubricError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        lines = [_error_all("the rubric is invalid:\n" + "\n".join(str(p) for p in exc.problems))]
        status = 1
    except Exception as exc:  # the grader itself failed: MarkUs shows error_all, the details go to stderr
        traceback.print_exc(file=sys.stderr)
        lines = [_error_all(f"the grader failed: {type(exc).__name__}: {exc}")]
        status = 1
    finally:
        for line in lines:
            out.write(line + "\n")
        out.flush()
    return status
