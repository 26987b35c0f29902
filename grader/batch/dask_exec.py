"""``--executor dask``: the same batch on a Dask distributed cluster.

The client ships data only: the rubric as a bundle (the YAML and the files it names, as
bytes) broadcast once, and each hand-in as (relative name, bytes) pairs. Workers need no
shared file system, only ``grader`` installed (``pip install 'grader[dask]'``).

On each worker process the first task starts, in this order, a Sandbox (before the rubric
is read, as on one machine), then loads the rubric from the bundle, then a MathService;
they are kept in a module-level cache keyed by the rubric bundle's hash and closed by a
worker plugin on teardown. Each task writes the hand-in to a temporary folder, grades it
with ``grade_submission`` (the same code as the local executor) and returns
``SubmissionResult.to_json()``; the client rebuilds the records, flushes them to the cache
and reports progress as they complete. Results equal the local executor's.

Without ``--scheduler`` a LocalCluster runs on loopback (127.0.0.1), one single-threaded
worker process per job.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import threading
from dataclasses import dataclass
from typing import Any, Callable, Sequence

from grader.batch.cache import handin_files_all, rubric_files
from grader.handin.discover import Empty
from grader.handin.model import HandIn
from grader.results import SubmissionResult

Progress = Callable[[SubmissionResult], None]
Store = Callable[[int, SubmissionResult], None]


# ---------------------------------------------------------------- what travels to the workers


@dataclass(frozen=True, slots=True)
class RubricBundle:
    main: str                                   # the rubric's name inside the bundle
    files: tuple[tuple[str, bytes], ...]        # (path relative to the rubric's folder, bytes)

    @property
    def key(self) -> str:
        h = hashlib.sha256()
        for name, data in self.files:
            h.update(name.encode("utf-8", "surrogateescape") + b"\0" + hashlib.sha256(data).digest())
        return h.hexdigest()


@dataclass(frozen=True, slots=True)
class HandInPayload:
    id: str
    path: str
    kind: str                                   # "dir" | "file" | "empty"
    files: tuple[tuple[str, bytes], ...] = ()   # every file of the hand-in (relative name, bytes)
    handin: tuple[str, ...] = ()                # the relative names of its hand-in files


def rubric_bundle(rubric_path: str) -> RubricBundle:
    files = []
    for name, path in rubric_files(rubric_path):
        with open(path, "rb") as fh:
            files.append((name.replace(os.sep, "/"), fh.read()))
    return RubricBundle(main=os.path.basename(rubric_path), files=tuple(files))


def handin_payload(item: HandIn | Empty) -> HandInPayload:
    if isinstance(item, Empty):
        return HandInPayload(id=item.id, path=item.path, kind="empty")
    files = []
    for name, path in handin_files_all(item):
        if os.path.islink(path):
            continue
        with open(path, "rb") as fh:
            files.append((name, fh.read()))
    if os.path.isdir(item.root):
        rel = tuple(os.path.relpath(f, item.root).replace(os.sep, "/") for f in item.files)
        return HandInPayload(id=item.id, path=item.path, kind="dir", files=tuple(files), handin=rel)
    return HandInPayload(id=item.id, path=item.path, kind="file", files=tuple(files),
                         handin=(os.path.basename(item.root),))


def _write_tree(root: str, files: Sequence[tuple[str, bytes]]) -> None:
    real_root = os.path.realpath(root)
    for name, data in files:
        dest = os.path.realpath(os.path.join(root, *[p for p in name.split("/") if p not in ("", ".")]))
        if not dest.startswith(real_root + os.sep):
            raise ValueError(f"unsafe name in a payload: {name!r}")
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        with open(dest, "wb") as fh:
            fh.write(data)


def materialize(payload: HandInPayload, folder: str) -> HandIn | Empty:
    """Rebuild a hand-in from its payload under folder (a fresh temporary folder)."""
    if payload.kind == "empty":
        return Empty(id=payload.id, path=payload.path)
    root = os.path.join(folder, "handin")
    os.makedirs(root)
    _write_tree(root, payload.files)
    files = tuple(os.path.join(root, *n.split("/")) for n in payload.handin)
    if payload.kind == "file":
        return HandIn(id=payload.id, path=payload.path, root=files[0], files=files)
    return HandIn(id=payload.id, path=payload.path, root=root, files=files)


# ---------------------------------------------------------------- the worker side


@dataclass
class _WorkerState:
    rubric: Any
    math: Any
    sandbox: Any
    folder: str

    def close(self) -> None:
        for thing in (self.math, self.sandbox):
            try:
                if thing is not None:
                    thing.close()
            except Exception:  # pragma: no cover - best effort at teardown
                pass
        shutil.rmtree(self.folder, ignore_errors=True)


_STATES: dict[tuple[str, bool, bool], _WorkerState] = {}
_STATES_LOCK = threading.Lock()


def _allow_children() -> None:
    """Dask may run workers as daemonic processes, which multiprocessing forbids to have children;
    the MathPool needs some. (LocalCluster is started with ``distributed.worker.daemon: False``.)"""
    import multiprocessing

    proc = multiprocessing.current_process()
    if getattr(proc, "_config", {}).get("daemon"):
        proc._config["daemon"] = False   # type: ignore[attr-defined]


def _state(bundle: RubricBundle, trust: bool, namespaces: bool, threads: int) -> _WorkerState:
    key = (bundle.key, trust, namespaces)
    with _STATES_LOCK:
        st = _STATES.get(key)
        if st is not None:
            return st
        from grader.batch.run import load_rubric_for, start_sandbox
        from grader.mathservice import MathService

        _allow_children()
        sandbox = start_sandbox(trust, namespaces, threads)      # before the rubric is read
        folder = tempfile.mkdtemp(prefix="grader-dask-")
        # files named as ../x.py stay inside: the rubric sits as deep as they climb
        depth = max((n.split("/").count("..") for n, _ in bundle.files), default=0)
        prefix = ["r"] * depth
        base = os.path.join(folder, "rubric", *prefix)
        os.makedirs(base)
        _write_tree(os.path.join(folder, "rubric"), [("/".join(prefix + [n]), d) for n, d in bundle.files])
        rubric = load_rubric_for(sandbox, os.path.join(base, bundle.main))
        math = MathService(processes=threads, timeout_s=rubric.limits.math_timeout_s,
                           memory_mb=rubric.limits.math_memory_mb, seed=rubric.seed)
        st = _STATES[key] = _WorkerState(rubric=rubric, math=math, sandbox=sandbox, folder=folder)
        return st


def close_worker_states() -> None:
    with _STATES_LOCK:
        for st in _STATES.values():
            st.close()
        _STATES.clear()


def grade_remote(bundle: RubricBundle, payload: HandInPayload, trust: bool, namespaces: bool) -> dict[str, Any]:
    """A Dask task: grade one hand-in on this worker; returns SubmissionResult.to_json()."""
    from grader.grading import grade_submission

    threads = 1
    try:
        from distributed import get_worker

        threads = max(1, int(get_worker().state.nthreads))
    except Exception:
        pass
    st = _state(bundle, trust, namespaces, threads)
    folder = tempfile.mkdtemp(prefix="h-", dir=st.folder)
    try:
        item = materialize(payload, folder)
        return grade_submission(st.rubric, item, math=st.math, sandbox=st.sandbox).to_json()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


try:  # the worker plugin exists only where distributed is installed
    from distributed.diagnostics.plugin import WorkerPlugin

    class GraderWorkerPlugin(WorkerPlugin):
        """Closes each worker's sandbox and math pool when the worker shuts down."""

        name = "grader-worker-state"

        def teardown(self, worker: Any) -> None:
            close_worker_states()
except ImportError:  # pragma: no cover
    GraderWorkerPlugin = None  # type: ignore[assignment,misc]


# ---------------------------------------------------------------- the client side


def _failed(item: HandIn | Empty, rubric_max: float, why: str) -> SubmissionResult:
    return SubmissionResult(id=item.id, path=item.path, status="error", score=0.0, max_score=rubric_max,
                            pending_review=0.0, message=f"internal grader error: {why}")


def grade_batch_dask(rubric_path: str, items: Sequence[HandIn | Empty], *, scheduler: str | None, workers: int,
                     trust_submissions: bool = False, namespaces: bool = True, rubric_max: float = 0.0,
                     progress: Progress | None = None,
                     store: Store | None = None) -> tuple[list[SubmissionResult], bool]:
    """Grade items on a Dask cluster; returns (results in input order, complete)."""
    try:
        import dask
        from distributed import Client, LocalCluster, as_completed
    except ImportError:
        from grader.handin.discover import UsageError

        raise UsageError("--executor dask needs Dask: pip install 'dask[distributed]'") from None
    from grader.batch.records import submission_from_json

    cluster = None
    if scheduler:
        client = Client(scheduler, timeout="30s")
    else:
        with dask.config.set({"distributed.worker.daemon": False}):
            cluster = LocalCluster(n_workers=max(1, workers), threads_per_worker=1, processes=True,
                                   host="127.0.0.1", dashboard_address=None)
        client = Client(cluster)
    results: dict[int, SubmissionResult] = {}
    complete = True
    try:
        if GraderWorkerPlugin is not None:
            client.register_plugin(GraderWorkerPlugin())
        bundle = client.scatter(rubric_bundle(rubric_path), broadcast=True)
        futures = {client.submit(grade_remote, bundle, handin_payload(item), trust_submissions, namespaces,
                                 pure=False): i for i, item in enumerate(items)}
        try:
            for fut in as_completed(list(futures)):
                i = futures[fut]
                if fut.status == "finished":
                    res = submission_from_json(fut.result())
                    if store is not None:
                        store(i, res)
                else:
                    exc = fut.exception()
                    res = _failed(items[i], rubric_max, f"the Dask task failed: {type(exc).__name__}: {exc}")
                results[i] = res
                if progress:
                    progress(res)
        except KeyboardInterrupt:
            complete = False
            client.cancel(list(futures))
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    return [results[i] for i in sorted(results)], complete
