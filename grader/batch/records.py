"""Rebuild result records from their ``to_json()`` form (the cache and ``results.json``).

``submission_from_json(sub.to_json())`` gives a record whose ``to_json()`` is equal to the
original's.
"""

from __future__ import annotations

from typing import Any, Mapping

from grader.results import CheckResult, QuestionResult, RunResult, Status, SubmissionResult, Visibility


def check_from_json(d: Mapping[str, Any]) -> CheckResult:
    suggested = d.get("suggested_score")
    return CheckResult(name=str(d["name"]), score=float(d["score"]), max_score=float(d["max_score"]),
                       status=Status(d["status"]), visibility=Visibility(d.get("visibility", "public")),
                       message=str(d.get("message", "")), answer=d.get("answer"),
                       suggested_score=None if suggested is None else float(suggested),
                       details=dict(d.get("details") or {}))


def question_from_json(d: Mapping[str, Any]) -> QuestionResult:
    return QuestionResult(id=str(d["id"]), title=str(d.get("title", "")), score=float(d["score"]),
                          max_score=float(d["max_score"]), status=Status(d["status"]), answer=d.get("answer"),
                          feedback=str(d.get("feedback", "")),
                          checks=tuple(check_from_json(c) for c in d.get("checks", ())),
                          pending_review=float(d.get("pending_review", 0.0)), reviewed_by=d.get("reviewed_by"))


def submission_from_json(d: Mapping[str, Any]) -> SubmissionResult:
    return SubmissionResult(id=str(d["id"]), path=str(d["path"]), status=str(d["status"]),
                            score=float(d["score"]), max_score=float(d["max_score"]),
                            pending_review=float(d.get("pending_review", 0.0)),
                            questions=tuple(question_from_json(q) for q in d.get("questions", ())),
                            message=str(d.get("message", "")), sandbox_tier=d.get("sandbox_tier"),
                            files=tuple(d.get("files", ())), duration_s=float(d.get("duration_s", 0.0)),
                            members=tuple(d.get("members", ())))


def run_from_json(d: Mapping[str, Any]) -> RunResult:
    r = d["rubric"]
    return RunResult(rubric_title=str(r.get("title", "")), rubric_path=str(r.get("path", "")),
                     rubric_sha256=str(r.get("sha256", "")), max_score=float(r.get("max_score", 0.0)),
                     submissions=tuple(submission_from_json(s) for s in d.get("submissions", ())),
                     grader_version=str(d.get("grader_version", "")))
