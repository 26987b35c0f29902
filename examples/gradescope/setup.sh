#!/usr/bin/env bash
# Gradescope autograder image setup (runs once, as root, when the autograder is built).
# Zip this folder's files AT THE ZIP ROOT together with your rubric:
#   setup.sh  run_autograder  final_exam.yaml  final_exam/ (reference.py, test_part_b.py)
# and, unless you install grader from PyPI or a git URL, a wheel of grader (grader-*.whl).
set -euo pipefail
apt-get update -qq
apt-get install -y -qq python3 python3-pip python3-venv >/dev/null
python3 -m venv /opt/grader
if ls /autograder/source/grader-*.whl >/dev/null 2>&1; then
    /opt/grader/bin/pip install -q /autograder/source/grader-*.whl
else
    # No wheel in the zip: install from your course's copy of the grader repository.
    /opt/grader/bin/pip install -q "${GRADER_SPEC:?put grader-*.whl in the zip or set GRADER_SPEC=grader @ git+https://...}"
fi
# Prove the rubric against its own answer key now, so a broken rubric fails the build, not a student.
/opt/grader/bin/grader validate /autograder/source/final_exam.yaml
