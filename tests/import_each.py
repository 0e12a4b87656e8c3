"""Import each module named on stdin on its own, in a process where no project module is loaded.

``python -m tests.import_each < names.json`` prints ``{module: traceback}`` for the modules
that fail to import alone. Starting one interpreter per module would take minutes (each
loads Flask, SQLAlchemy and the rest again), so this one loads the third-party libraries
once and forks a child per module: the child starts with none of the project's modules
loaded (neither ``taskforce`` nor ``config``), as a fresh interpreter would, and imports
its one module. An import cycle hidden by the order in which the application loads its
modules shows up there.
"""

import importlib
import json
import os
import sys
import traceback

PROJECT = ("taskforce", "config", "tests")


def _ours(name):
    return name.partition(".")[0] in PROJECT


def _in_child(job):
    """Run ``job`` in a forked child; the pid and the pipe its JSON result comes back on."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: run, report, and leave without running the parent's cleanup
        os.close(read_end)
        try:
            result = job()
        except BaseException:  # whatever the import raised is the report
            result = traceback.format_exc()
        with os.fdopen(write_end, "w") as out:
            json.dump(result, out)
        os._exit(0)
    os.close(write_end)
    return pid, read_end


def _result(pid, read_end):
    with os.fdopen(read_end) as given:
        data = given.read()
    os.waitpid(pid, 0)
    return json.loads(data) if data else "the process died without a report"


def _third_party_loaded_by(names):
    """The modules outside the project that importing all of ``names`` loads."""
    for name in names:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: S112 - a module that fails is reported by its own child
            continue
    return [name for name in sys.modules if not _ours(name)]


def _preload(names):
    """Load in this process every third-party module the project uses (not the project's)."""
    for name in _result(*_in_child(lambda: _third_party_loaded_by(names))):
        try:
            importlib.import_module(name)
        except Exception:  # noqa: S112 - some are loaded only as a side effect of others
            continue


def _import_alone(name):
    importlib.import_module(name)
    return None


def failures(names, workers):
    """``{module: traceback}`` of the modules that do not import alone."""
    _preload(names)
    failed, running = {}, []
    for name in names:
        running.append((name, *_in_child(lambda name=name: _import_alone(name))))
        if len(running) >= workers:
            done, *child = running.pop(0)
            failed[done] = _result(*child)
    for done, *child in running:
        failed[done] = _result(*child)
    return {name: error for name, error in failed.items() if error}


if __name__ == "__main__":
    print(json.dumps(failures(json.load(sys.stdin), max(2, os.cpu_count() or 2))))
