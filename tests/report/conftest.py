"""Fixtures for the report writers' tests; the records are built in report_fixtures.py."""

from __future__ import annotations

import pytest
from report_fixtures import make_big_run, make_empty_run, make_run

from grader.results import RunResult


@pytest.fixture
def run() -> RunResult:
    return make_run()


@pytest.fixture
def empty_run() -> RunResult:
    return make_empty_run()


@pytest.fixture(scope="module")
def big_run() -> RunResult:
    return make_big_run()
