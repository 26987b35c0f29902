"""``feedback/<id>.md``: what a student reads about their hand-in.

Per question: what was read as the answer, the verdict, the points and the feedback text.
Hidden checks show only their name and points, never their message or expected value.
"""

from __future__ import annotations

from pathlib import Path

from grader.report.files import safe_name, write_atomic
from grader.results import RunResult, Status, SubmissionResult, Visibility, points_text

MARK = {
    Status.CORRECT: "✅", Status.PARTIAL: "🟡", Status.INCORRECT: "❌", Status.MISSING: "⬜",
    Status.UNPARSEABLE: "❓", Status.ERROR: "💥", Status.TIMEOUT: "⏱", Status.NEEDS_REVIEW: "👀",
}
LABEL = {
    Status.NEEDS_REVIEW: "waiting for a person", Status.UNPARSEABLE: "could not be read",
}


def _fence(text: str) -> str:
    text = text.replace("~~~", "~ ~ ~")
    return f"~~~text\n{text.strip()}\n~~~"



def render(sub: SubmissionResult, title: str) -> str:
    out = [f"# {title}: feedback for {sub.id}", ""]
    if sub.status == "no_submission":
        out += ["No hand-in was found for this group.", ""]
        return "\n".join(out)
    if sub.status == "error":
        out += [f"**The grader could not grade this hand-in:** {sub.message}", "",
                "Your instructor has been told; nothing was scored.", ""]
        return "\n".join(out)
    line = f"**Score: {points_text(sub.score)} / {points_text(sub.max_score)}**"
    if sub.pending_review:
        line += f" ({points_text(sub.pending_review)} more points are waiting for a person to grade them)"
    out += [line, ""]
    if sub.message:
        out += [f"Note: {sub.message}", ""]
    out += ["| question | points | result |", "|---|---|---|"]
    for q in sub.questions:
        pts = f"{points_text(q.score)} / {points_text(q.max_score)}"
        out.append(f"| {q.id} {q.title} | {pts} | {MARK.get(q.status, '')} {LABEL.get(q.status, str(q.status))} |")
    out.append("")
    for q in sub.questions:
        out += [f"## {q.id}. {q.title}".rstrip(". ") if q.title else f"## {q.id}", ""]
        out.append(f"{MARK.get(q.status, '')} **{LABEL.get(q.status, str(q.status))}**, "
                   f"{points_text(q.score)} / {points_text(q.max_score)} points"
                   + (f" ({points_text(q.pending_review)} pending review)" if q.pending_review else ""))
        out.append("")
        if q.answer:
            out += ["What was read as your answer:", "", _fence(q.answer[:3000]), ""]
        for c in q.checks:
            head = f"- {MARK.get(c.status, '')} {c.name}: {points_text(c.score)} / {points_text(c.max_score)}"
            if c.visibility is Visibility.HIDDEN:
                out.append(head + " (hidden check)")
            else:
                out.append(head + (f": {c.message}" if c.message else ""))
        if not q.checks and q.feedback:
            out.append(f"- {q.feedback}")
        out.append("")
    return "\n".join(out)


def write(run: RunResult, out_dir: Path) -> list[Path]:
    folder = Path(out_dir) / "feedback"
    paths = []
    for sub in run.submissions:
        path = folder / f"{safe_name(sub.id)}.md"
        write_atomic(path, render(sub, run.rubric_title))
        paths.append(path)
    return paths
