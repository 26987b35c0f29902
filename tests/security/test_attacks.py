"""Every attack class of the research catalogue, graded through the real sandbox and check kinds.

Each hostile hand-in states the Part B score it must get and a time bound in its docstring
(``expect: N seconds: S``). Every test also asserts that no ``PWNED_*`` marker appears outside the
job's scratch dir and that no process of the job survives. The suite runs twice: at the detected
tier and with namespaces disabled (tier B, like CI runners that deny user namespaces).
"""

from __future__ import annotations

import concurrent.futures as cf
import glob
import os
import socket
import threading
import time

import pytest

from sbxhelpers import HERE, HONEST, HONEST_NB, attack_meta, grade, markers, scores, wait_no_survivors

ATTACKS = sorted(glob.glob(os.path.join(HERE, "attacks", "a*.py")) + glob.glob(os.path.join(HERE, "attacks", "a*.ipynb")))


def _param(p):
    meta = attack_meta(p)
    marks = [pytest.mark.slow] if meta["slow"] else []
    return pytest.param(p, id=os.path.basename(p).split(".")[0], marks=marks)


@pytest.fixture(scope="module", params=["detected", "no-namespaces"])
def sb(request):
    from grader.sandbox import Sandbox
    os.environ["GRADER_SECRET_TOKEN"] = "s3cr3t-token"
    os.environ["GRADER_PID"] = str(os.getpid())
    box = Sandbox.start(namespaces=request.param == "detected", workers=2)
    assert box.refusal is None, box.describe()
    if request.param == "detected":
        assert box.tier == "A", box.describe()
    else:
        assert box.tier == "B", box.describe()
    yield box
    box.close()


class _Listener(list):
    def __init__(self, got, port):
        super().__init__()
        self.got, self.port = got, port

    def __bool__(self):
        return bool(self.got)


def _with_port(path, listener, tmp_dir):
    """The network attack targets the test's own listener (an ephemeral port)."""
    if "a18_" not in path:
        return path
    text = open(path).read().replace("47123", str(listener.port))
    dst = os.path.join(tmp_dir, os.path.basename(path))
    open(dst, "w").write(text)
    return dst


@pytest.fixture(scope="module")
def listener():
    """A loopback TCP listener the network attack tries to reach."""
    got = []
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", 0))
    s.listen(8)
    s.settimeout(0.2)
    stop = threading.Event()

    def loop():
        while not stop.is_set():
            try:
                c, _ = s.accept()
                got.append(c.recv(100))
                c.close()
            except OSError:
                pass
    t = threading.Thread(target=loop, daemon=True)
    t.start()
    got_port = s.getsockname()[1]
    yield _Listener(got, got_port)
    stop.set()
    t.join()
    s.close()


@pytest.fixture(scope="module")
def honest_alone(sb, rubric):
    return scores(grade(HONEST, rubric, sb))


def test_honest_full_marks(sb, rubric, honest_alone):
    r = grade(HONEST, rubric, sb)
    assert r.score == 10.0, scores(r)
    assert grade(HONEST_NB, rubric, sb).score == 10.0


@pytest.mark.parametrize("path", [_param(p) for p in ATTACKS])
def test_attack(path, sb, rubric, listener, tmp_path):
    meta = attack_meta(path)
    path = _with_port(path, listener, str(tmp_path))
    assert not markers(), "stale markers before the test"
    t0 = time.monotonic()
    r = grade(path, rubric, sb)
    took = time.monotonic() - t0
    assert r.score == meta["expect"], scores(r)
    assert took <= meta["seconds"], f"took {took:.1f}s > {meta['seconds']}s"
    assert not markers(), markers()
    assert not wait_no_survivors(sb), wait_no_survivors(sb)
    assert not listener.got, "a job reached the network"
    assert os.path.exists(os.path.join(os.path.dirname(HERE), "..", "rubrics", "final_exam", "test_part_b.py"))
    for q in r.questions:
        for c in q.checks:
            if c.score == 0:
                assert c.message, f"{c.name}: a zero without a reason"
                assert "zygote.py" not in c.message and "grader/" not in c.message


def test_batch_with_honest(sb, rubric, honest_alone, listener, tmp_path):
    """Non-slow attacks + honest hand-ins graded concurrently: time bound, honest unchanged."""
    paths = [_with_port(p, listener, str(tmp_path)) for p in ATTACKS if not attack_meta(p)["slow"]]
    batch = paths + [HONEST, HONEST_NB, HONEST]
    t0 = time.monotonic()
    with cf.ThreadPoolExecutor(sb.workers) as ex:
        results = dict(zip(batch, ex.map(lambda p: grade(p, rubric, sb), batch)))
    took = time.monotonic() - t0
    # each hand-in is 6 jobs (5 questions + the pytest check); only a few hit a limit (wall 4 s)
    slow_jobs = 3
    bound = (slow_jobs * 4.0) / sb.workers + 0.05 * 6 * len(batch) + 5.0
    assert took <= bound, f"batch took {took:.1f}s > {bound:.1f}s"
    for p in paths:
        assert results[p].score == attack_meta(p)["expect"], (p, scores(results[p]))
    for p in (HONEST, HONEST_NB):
        assert scores(results[p]) == honest_alone
    assert not markers()
    assert not wait_no_survivors(sb)
    assert not listener.got


def test_refusal_without_confinement(monkeypatch):
    """Tier C/D (no Landlock): untrusted code is refused unless trusted, with the reason."""
    from grader.sandbox import Sandbox, SandboxRefused, Job, Cell
    from grader.sandbox import session
    sb = Sandbox.start(namespaces=False, workers=1)
    try:
        sb._accept(dict(sb.capabilities, landlock=0, seccomp=True))   # as the zygote of a machine without Landlock
        assert sb.tier == "C"
        assert sb.refusal.startswith("grading untrusted code is refused on this machine: " + session.TIER_TEXT["C"])
        with pytest.raises(SandboxRefused):
            sb.run(Job((Cell("x = 1", "x.py"),)))
        from grader.checks.code import _refusal

        class Ctx:
            sandbox = sb
        assert "refused" in _refusal(Ctx())
    finally:
        sb.close()
