"""pytest's settings for the whole project (tests/ and the notebooks nbval checks); fixtures are in tests/conftest.py."""

from __future__ import annotations

from typing import Any

import pytest
from xdist.scheduler import LoadScopeScheduling

# Files whose tests must run in one process, in order: nbval's cells of a notebook share one kernel, and
# test_adding_a_notebook.py's tests share the run of its module-scoped fixture.
KEPT_TOGETHER = (".ipynb", "tests/test_adding_a_notebook.py")


@pytest.hookimpl(tryfirst=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """pytest-xdist (`-n auto` in addopts) spreads the tests over the cores one by one, except the files in
    KEPT_TOGETHER, each sent to one worker whole. xdist's own `loadgroup` mode should do this with a mark,
    but with pytest 9.2 and xdist 3.8 it did not (a marked test's cases ran on both workers), and `loadscope`,
    which nbval's README recommends, keeps every test module together, the slowest ones on one core."""
    return NotebookScheduling(config, log)


class NotebookScheduling(LoadScopeScheduling):
    def _split_scope(self, nodeid: str) -> str:
        path = nodeid.split("::", 1)[0]
        return path if path.endswith(KEPT_TOGETHER) else nodeid
