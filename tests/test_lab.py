"""JupyterLab opens the notebooks, as `make lab` starts it: /lab answers and the contents API lists them."""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from natospend.paths import PROJECT_ROOT

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_jupyterlab_serves_the_notebooks() -> None:
    jupyter = shutil.which("jupyter", path=str(Path(sys.executable).parent))
    if jupyter is None:
        pytest.skip("jupyterlab is not installed (pip install -e '.[lab]')")
    port, token = _free_port(), secrets.token_hex(16)
    args = [
        jupyter,
        "lab",
        "--no-browser",
        f"--port={port}",
        "--ip=127.0.0.1",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={PROJECT_ROOT}",  # as `make lab`: the project root, notebooks/ and reports/ browsable
    ]
    if os.geteuid() == 0:
        args.append("--allow-root")  # as `make lab` does when running as root
    server = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        status = None
        while time.monotonic() < deadline and status != 200:
            try:
                with urllib.request.urlopen(f"{base}/lab?token={token}", timeout=5) as response:
                    status = response.status
            except OSError:
                time.sleep(0.5)
        assert status == 200, "JupyterLab did not answer on /lab"
        headers = {"Authorization": f"token {token}", "Content-Type": "application/json"}

        def contents(path: str, body: bytes | None = None) -> dict:  # type: ignore[type-arg]
            method = "PUT" if body is not None else "GET"
            request = urllib.request.Request(f"{base}/api/contents/{path}", data=body, headers=headers, method=method)
            with urllib.request.urlopen(request, timeout=30) as response:
                return json.loads(response.read())

        assert {"notebooks", "data", "params"} <= {item["name"] for item in contents("")["content"]}
        names = {item["name"] for item in contents("notebooks")["content"]}
        assert {"01_alliance_overview.ipynb", "05_revisions.ipynb"} <= names
        # Saving an unedited notebook, as JupyterLab saves it (the server writes the model back), changes no byte
        for name in sorted(n for n in names if n.endswith(".ipynb")):
            path = PROJECT_ROOT / "notebooks" / name
            before = path.read_bytes()
            model = contents(f"notebooks/{name}")
            contents(f"notebooks/{name}", json.dumps({"type": "notebook", "content": model["content"]}).encode())
            after = path.read_bytes()
            path.write_bytes(before)
            assert after == before, f"{name}: saving it unedited changed it"
    finally:
        server.terminate()
        server.wait(timeout=20)
