"""natospend's two papermill engines, registered as entry points: `natospend-inprocess` (a warm IPython shell,
natospend.reports.inprocess) and `natospend-kernel` (papermill's nbclient engine and a Jupyter kernel). Both
report cells for `natospend run`'s progress (cell_progress.watch).

papermill imports its engines' entry points while it is itself being imported, so neither class imports
anything of papermill's at module level: each builds its real subclass of papermill's Engine on first use."""

from __future__ import annotations

from typing import Any

from natospend.reports.cell_progress import watch


class LazyEngine:
    """An entry point that builds its papermill Engine class on first use (`_build`) and hands it every call."""

    _engine: Any = None

    @classmethod
    def _build(cls) -> Any:
        raise NotImplementedError

    @classmethod
    def _real(cls) -> Any:
        if cls._engine is None:
            cls._engine = cls._build()  # on the subclass: each engine builds its own
        return cls._engine

    @classmethod
    def execute_notebook(cls, nb, kernel_name, **kwargs):  # type: ignore[no-untyped-def]
        return cls._real().execute_notebook(nb, kernel_name, **kwargs)

    @classmethod
    def nb_kernel_name(cls, nb, name=None):  # type: ignore[no-untyped-def]
        return cls._real().nb_kernel_name(nb, name)

    @classmethod
    def nb_language(cls, nb, language=None):  # type: ignore[no-untyped-def]
        return cls._real().nb_language(nb, language)


class InProcessEngine(LazyEngine):
    """Runs a notebook's cells in this process's warm IPython shell (natospend.reports.inprocess)."""

    @classmethod
    def _build(cls) -> Any:
        from papermill.engines import Engine  # noqa: PLC0415 - see the module docstring

        from natospend.reports.inprocess import execute_managed_notebook  # noqa: PLC0415 - IPython, when used

        return type(
            "NatospendInProcessEngine",
            (Engine,),
            {
                "execute_managed_notebook": classmethod(
                    lambda engine, nb_man, kernel_name, **kw: execute_managed_notebook(nb_man, kernel_name, **kw)
                )
            },
        )


class KernelEngine(LazyEngine):
    """papermill's own engine (nbclient and a Jupyter kernel), reporting cells."""

    @classmethod
    def _build(cls) -> Any:
        from papermill.engines import NBClientEngine  # noqa: PLC0415 - see the module docstring

        def execute_managed_notebook(engine: Any, nb_man: Any, kernel_name: str, **kwargs: Any) -> Any:
            watch(nb_man)
            return NBClientEngine.execute_managed_notebook.__func__(engine, nb_man, kernel_name, **kwargs)

        return type(
            "NatospendKernelEngine",
            (NBClientEngine,),
            {"execute_managed_notebook": classmethod(execute_managed_notebook)},
        )
