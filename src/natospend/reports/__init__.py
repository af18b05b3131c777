"""Running notebooks into report folders: runner, in-process engine, HTML pages, manifest, catalogue, report commands."""
