#!/usr/bin/env bash
# Throw-away venv with nbgrader 0.9.x + ipykernel + numpy + sympy, pinned by bench/lock-nbgrader.txt
# (a copy of ../shared/bench-anchors/lock-nbgrader.txt). Idempotent. PyPI only.
#   bash bench/setup_nbgrader.sh [VENV]     (default $VENV_NBGRADER or /tmp/venv-nbgrader)
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
VENV="${1:-${VENV_NBGRADER:-/tmp/venv-nbgrader}}"
if [ -x "$VENV/bin/python" ] && "$VENV/bin/python" -c "import ipykernel, numpy, sympy, nbgrader" 2>/dev/null; then
  echo "ok: $VENV"; exit 0
fi
python3 -m venv "$VENV"
"$VENV/bin/pip" install -q --upgrade pip
"$VENV/bin/pip" install -q -c "$HERE/lock-nbgrader.txt" 'nbgrader>=0.9,<0.10' ipykernel numpy sympy
"$VENV/bin/pip" freeze > "$VENV/freeze.txt"
"$VENV/bin/jupyter" kernelspec list | sed -n 2p      # the venv's own python3 kernel
echo "made: $VENV"
