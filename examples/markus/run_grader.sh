#!/usr/bin/env bash
# MarkUs custom tester script (automated-test-specs.json: "script_files": ["run_grader.sh"]).
# MarkUs runs it in a folder with the group's files and the instructor's files (this script,
# final_exam.yaml, final_exam/) on top. stdout carries only the autotester JSON lines;
# everything else goes to stderr. feedback.md is attached if listed in feedback_file_names.
set -uo pipefail
exec grader markus-tester final_exam.yaml . --feedback feedback.md
