"""One self-contained HTML summary page of a run (``summary.html``).

Plain HTML5 with inline CSS and inline SVG charts: no scripts, fonts, images or
links to fetch, so it opens offline and renders in a couple of seconds for
thousands of hand-ins. The page is rendered by jinja2 with autoescaping from
``templates/summary.html.j2``; the SVG is built here, every label escaped.

Sections: counts and score statistics; a score histogram; per-question mean as a
bar chart; per-question full / partial / zero / pending rates (stacked bars and a
table); the five most common answers per question among non-correct results;
checks that at least 90% of graded hand-ins fail ("possible rubric bug"); and the
hand-in table linking each id to ``feedback/<url-quoted file name>.md``, the
file name being ``grader.report.files.safe_name(id)`` as the feedback writer uses. Check
``details`` are never shown.
"""

from __future__ import annotations

import bisect
import math
import re
import statistics
from collections import Counter
from pathlib import Path
from typing import Callable
from urllib.parse import quote

import jinja2
from markupsafe import Markup, escape

try:  # the feedback writer's file names, so that the links resolve
    from grader.report.files import safe_name
except ImportError:  # pragma: no cover
    def safe_name(submission_id: str) -> str:
        return submission_id

from grader.report.summary_md import QuestionStats, g, graded, question_stats, worst
from grader.results import RunResult, Status

FILE = "summary.html"
BUG_RATE = 0.9
MIN_FOR_BUG = 3        # fewer graded hand-ins say nothing about the rubric
ANSWER_CHARS = 300
_COLORS = {"full": "#2e7d32", "partial": "#f9a825", "zero": "#c62828", "pending": "#6a1b9a"}
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _finalize(value: object) -> object:
    """Drop control characters from every plain string the template prints."""
    if isinstance(value, str) and not isinstance(value, Markup):
        return _CONTROLS.sub("", value)
    return value


_ENV = jinja2.Environment(loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
                          autoescape=True, trim_blocks=True, lstrip_blocks=True,
                          finalize=_finalize)


def _bars(labels: list[str], values: list[float], tips: list[str], top: float,
          title: str, color: str = "#1565c0", axis: Callable[[float], str] = g) -> Markup:
    """A vertical bar chart as inline SVG; values between 0 and ``top``."""
    w, h, pad, bottom = 760, 260, 44, 40
    n = max(len(values), 1)
    step = (w - pad - 10) / n
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" role="img" '
             f'class="chart"><title>{escape(title)}</title>',
             f'<line x1="{pad}" y1="{h - bottom}" x2="{w - 10}" y2="{h - bottom}" stroke="#555"/>']
    for frac in (0, 0.5, 1):
        y = h - bottom - frac * (h - bottom - 20)
        parts.append(f'<text x="{pad - 4}" y="{y + 4:.1f}" text-anchor="end">{escape(axis(frac * top))}</text>')
    for i, (label, v, tip) in enumerate(zip(labels, values, tips)):
        bh = 0 if top <= 0 else max(v, 0) / top * (h - bottom - 20)
        x = pad + i * step
        parts.append(f'<rect x="{x + step * 0.1:.1f}" y="{h - bottom - bh:.1f}" width="{step * 0.8:.1f}" '
                     f'height="{bh:.1f}" fill="{color}"><title>{escape(tip)}</title></rect>')
        if n <= 40 or i % math.ceil(n / 40) == 0:
            parts.append(f'<text x="{x + step / 2:.1f}" y="{h - bottom + 14}" text-anchor="middle">'
                         f'{escape(label[:10])}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def _histogram(scores: list[float], max_score: float) -> Markup:
    """Scores per bin: one bin per whole point up to 25 points, else 20 equal bins."""
    top = max(max_score, max(scores, default=0.0), 1e-9)
    if top == int(top) and top <= 25:
        edges = [float(i) for i in range(int(top) + 1)]           # [i, i+1), the last is [top]
        labels = [g(e) for e in edges]
    else:
        edges = [top * i / 20 for i in range(20)]
        labels = [g(e) for e in edges]
    counts = [0] * len(edges)
    for s in scores:
        counts[max(bisect.bisect_right(edges, s) - 1, 0)] += 1
    ends = [f"{g(e)} to <{g(nxt)}" for e, nxt in zip(edges, edges[1:])]
    ends.append(g(edges[-1]) if edges[-1] == top else f"{g(edges[-1])} to {g(top)}")
    tips = [f"{span}: {c} hand-in(s)" for span, c in zip(ends, counts)]
    peak = max(max(counts), 1)
    peak = peak if peak <= 4 else math.ceil(peak / 2) * 2
    return _bars(labels, [float(c) for c in counts], tips, float(peak), "Score distribution",
                 axis=lambda v: f"{v:.0f}")


def _stacked(stats: list[QuestionStats]) -> Markup:
    """Horizontal 100% stacked bars: full / partial / zero / pending per question."""
    w, row, left = 760, 22, 90
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {row * len(stats) + 30}" '
             'role="img" class="chart"><title>Outcome rates per question</title>']
    for i, s in enumerate(stats):
        y, x = 4 + i * row, float(left)
        parts.append(f'<text x="{left - 6}" y="{y + 14}" text-anchor="end">{escape(s.id[:12])}</text>')
        for key in ("full", "partial", "zero", "pending"):
            k = getattr(s, key)
            bw = (w - left - 10) * k / s.n if s.n else 0
            parts.append(f'<rect x="{x:.1f}" y="{y}" width="{bw:.1f}" height="{row - 6}" '
                         f'fill="{_COLORS[key]}"><title>{escape(s.id)} {key}: {k}/{s.n}</title></rect>')
            x += bw
    legend_y = row * len(stats) + 22
    for j, key in enumerate(_COLORS):
        parts.append(f'<rect x="{left + j * 110}" y="{legend_y - 10}" width="12" height="12" '
                     f'fill="{_COLORS[key]}"/><text x="{left + j * 110 + 16}" y="{legend_y}">{key}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def _wrong_answers(run: RunResult, top: int = 5) -> dict[str, list[tuple[str, int]]]:
    counters: dict[str, Counter[str]] = {}
    for sub in graded(run):
        for q in sub.questions:
            if q.status != Status.CORRECT and q.answer is not None and q.answer.strip():
                text = q.answer.strip()
                text = text if len(text) <= ANSWER_CHARS else text[:ANSWER_CHARS] + "…"
                counters.setdefault(q.id, Counter())[text] += 1
    return {qid: c.most_common(top) for qid, c in counters.items()}


def _rubric_bugs(run: RunResult) -> list[dict[str, object]]:
    subs = graded(run)
    fails: Counter[tuple[str, str]] = Counter()
    seen: Counter[tuple[str, str]] = Counter()
    for sub in subs:
        for q in sub.questions:
            for c in q.checks:
                key = (q.id, c.name)
                seen[key] += 1
                if c.status != Status.NEEDS_REVIEW and c.score < c.max_score - 1e-9:
                    fails[key] += 1
    if len(subs) < MIN_FOR_BUG:
        return []
    return [{"question": qid, "check": name, "failed": fails[(qid, name)], "n": n}
            for (qid, name), n in seen.items() if fails[(qid, name)] >= BUG_RATE * len(subs)]


def render(run: RunResult) -> str:
    """The HTML page of a run."""
    subs = graded(run)
    scores = [s.score for s in subs]
    stats = question_stats(run)
    ctx = {
        "run": run, "g": g, "stats": stats, "worst": worst(stats),
        "counts": sorted(Counter(s.status for s in run.submissions).items()),
        "n_graded": len(subs),
        "mean": statistics.fmean(scores) if scores else None,
        "median": statistics.median(scores) if scores else None,
        "histogram": _histogram(scores, run.max_score) if scores else None,
        "means_chart": _bars([s.id for s in stats], [s.fraction for s in stats],
                             [f"{s.id} {s.title}: mean {g(s.mean)}/{g(s.max_score)}" for s in stats],
                             1.0, "Mean fraction of points per question", "#00838f",
                             axis=lambda v: f"{v:.0%}") if stats else None,
        "rates_chart": _stacked(stats) if stats else None,
        "answers": _wrong_answers(run), "bugs": _rubric_bugs(run),
        "min_for_bug": MIN_FOR_BUG, "bug_rate": BUG_RATE,
        "rows": [(s, "feedback/" + quote(safe_name(s.id), safe="") + ".md")
                 for s in run.submissions],
    }
    return _ENV.get_template("summary.html.j2").render(**ctx)


def write(run: RunResult, out_dir: Path) -> Path:
    """Write ``out_dir/summary.html``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / FILE
    path.write_text(render(run), encoding="utf-8")
    return path
