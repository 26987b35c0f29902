"""summary.html: parses, holds the charts and every id, escapes, stays self-contained and fast."""

from __future__ import annotations

import dataclasses
import os
import shutil
import subprocess
import time
from html.parser import HTMLParser
from urllib.parse import quote, unquote

import pytest
from report_fixtures import SECRET, make_run, q1, q3, q22, submission

from grader.report import html
from grader.report.html import safe_name
from grader.results import RunResult, Status


class Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.links: list[tuple[str, str]] = []
        self.text: list[str] = []
        self.stack: list[str] = []
        self._href: str | None = None
        self._link_text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        a = dict(attrs)
        if tag == "a":
            self._href, self._link_text = a.get("href"), []
        for key in ("src", "srcset"):
            assert key not in a, f"external resource in <{tag}>"
        if "href" in a and tag != "a":
            raise AssertionError(f"<{tag} href> loads a resource")

    def handle_endtag(self, tag):
        if tag == "a" and self._href is not None:
            self.links.append((self._href, "".join(self._link_text)))
            self._href = None

    def handle_data(self, data):
        self.text.append(data)
        if self._href is not None:
            self._link_text.append(data)


def _parse(text: str) -> Page:
    page = Page()
    page.feed(text)
    page.close()
    return page


def test_summary_html_contents(run: RunResult, tmp_path):
    path = html.write(run, tmp_path)
    assert path == tmp_path / "summary.html"
    text = path.read_text(encoding="utf-8")
    page = _parse(text)
    assert page.tags.count("svg") == 3                       # histogram, means, rates
    assert "script" not in page.tags and "link" not in page.tags and "img" not in page.tags
    assert "http://" not in text.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "https://" not in text
    links = dict(page.links)
    for sub in run.submissions:
        href = "feedback/" + quote(safe_name(sub.id), safe="") + ".md"
        assert links[href] == sub.id.replace("\x1b", "")    # every id, linked (controls dropped)
        assert unquote(href[9:-3]) == safe_name(sub.id)       # the feedback writer's file
    assert "feedback/Team%20Rocket.md" in links and "feedback/%C3%A9l%C3%A8ve%20Zo%C3%AB.md" in links
    assert "gamma" not in page.tags and "exam" not in page.tags  # hostile text escaped
    body = "".join(page.text)
    assert "Beta & <gamma>" in body and "Final <exam> & co" in body
    assert SECRET not in text
    assert not any(ch < " " and ch not in "\n" for ch in text)
    # most common wrong answers: question 1 had "2" once; 2.2 had "\beta = 1/3" three times
    assert "\\beta = 1/3" in body and "Possible rubric bugs" in body


def test_wrong_answers_counted(run: RunResult):
    text = html.render(run)
    assert '<td class="num">2</td><td class="answer">\\beta = 1/3' in text  # Team Rocket, Zoë


def test_rubric_bug_flagged():
    subs = tuple(submission(f"s{i}", (q1(2.0, Status.CORRECT, "1"), q22(1.0, 0.0), q3()))
                 for i in range(10))
    run = dataclasses.replace(make_run(), submissions=subs)
    page = _parse(html.render(run))
    body = " ".join(page.text)
    assert "hidden value" in body and "10 / 10" in body
    assert "essay" not in body.split("Possible rubric bugs")[1].split("Hand-ins")[0]


def test_zero_and_one_submission(empty_run, run: RunResult):
    page = _parse(html.render(empty_run))
    assert "No hand-in was graded." in "".join(page.text) and "svg" not in page.tags
    one = dataclasses.replace(run, submissions=run.submissions[:1])
    page = _parse(html.render(one))
    assert page.tags.count("svg") == 3 and dict(page.links)["feedback/group_0001.md"] == "group_0001"
    only_error = dataclasses.replace(run, submissions=run.submissions[4:5])
    assert "crashy" in "".join(_parse(html.render(only_error)).text)


def test_thousand_submissions_fast(big_run: RunResult, tmp_path):
    start = time.perf_counter()
    path = html.write(big_run, tmp_path)
    elapsed = time.perf_counter() - start
    assert elapsed < 2.0, elapsed
    page = _parse(path.read_text(encoding="utf-8"))
    assert len(page.links) == 1000 and page.tags.count("svg") == 3


def _chromium() -> str | None:
    for name in ("/usr/bin/chromium", "chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return None


@pytest.mark.skipif(_chromium() is None, reason="chromium is not installed")
def test_renders_in_headless_chromium(run: RunResult, tmp_path):
    page = html.write(run, tmp_path / "out")
    shot = tmp_path / "shot.png"
    cmd = [_chromium(), "--headless", "--no-sandbox", "--disable-gpu",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           "--no-first-run", f"--user-data-dir={tmp_path / 'profile'}", "--enable-logging=stderr",
           "--v=0", f"--screenshot={shot}", "--window-size=1200,2000", page.resolve().as_uri()]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "HOME": str(tmp_path)})
    assert shot.exists() and shot.stat().st_size > 10_000, proc.stderr[-2000:]
    console = [line for line in proc.stderr.splitlines() if "CONSOLE" in line]
    assert not console, console


def test_histogram_bins():
    svg = str(html._histogram([0.0, 3.0, 9.5, 10.0, 10.0], 10.0))
    assert "0 to &lt;1: 1 hand-in(s)" in svg and "9 to &lt;10: 1 hand-in(s)" in svg
    assert "<title>10: 2 hand-in(s)</title>" in svg and svg.count("<rect") == 11
    svg = str(html._histogram([0.0, 33.3, 100.0], 100.0))
    assert svg.count("<rect") == 20 and "95 to 100: 1 hand-in(s)" in svg
