"""Re-execute the committed notebooks with their default parameters and store the outputs.

`python -m natospend.reports.store_outputs [NAME ...]` (or `make notebooks`): run after changing a
notebook or the analysis, then review the diff of the stored outputs that nbval checks.
"""

from __future__ import annotations

import platform
import sys
import tempfile
from pathlib import Path

from natospend.paths import NOTEBOOKS_DIR
from natospend.reports.execution import execute, write_notebook
from natospend.reports.notebook_parameters import notebooks as all_notebooks


def main(argv: list[str] | None = None) -> int:
    names = argv if argv is not None else sys.argv[1:]
    notebooks = [nb.path for nb in all_notebooks().values()]
    if names:
        notebooks = [p for p in notebooks if p.stem in names or p.name in names]
    for path in notebooks:
        with tempfile.TemporaryDirectory() as scratch:
            executed = Path(scratch) / path.name
            nb = execute(path, executed, cwd=NOTEBOOKS_DIR)
            # the Python version as the kernel reports it to JupyterLab: opening and saving an unedited
            # notebook then leaves `git diff` empty
            nb.metadata.setdefault("language_info", {})["version"] = platform.python_version()
            write_notebook(nb, path)
        print(f"stored outputs of {path.relative_to(NOTEBOOKS_DIR.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
