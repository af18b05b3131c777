"""Running notebooks into report folders: runner, in-process engine, HTML pages, manifest, catalogue, report commands."""

import sys

# nbformat (which papermill and this package import) imports jsonschema, whose format checkers import
# rfc3987_syntax when it is installed (JupyterLab's jupyter-events asks for it). That module compiles
# about 35 Earley grammars at import: 2-3 s of every `natospend run` on a 2-core machine, for the
# "iri" formats that no notebook schema uses (python-jsonschema/jsonschema#1428, opendatahub-io/notebooks#3532).
# jsonschema treats the module as optional, so marking it absent skips only those two checks.
if "jsonschema" not in sys.modules:
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[assignment]
