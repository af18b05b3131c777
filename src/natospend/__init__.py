"""natospend: NATO allies' defence spending against the alliance's targets."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["load_spending", "__version__"]

if TYPE_CHECKING:
    from natospend.data.dataset import load_spending


def __getattr__(name: str) -> Any:
    # Lazy: `import natospend` must not pull pandas in (the CLI's --help stays fast).
    if name == "load_spending":
        from natospend.data.dataset import load_spending

        return load_spending
    raise AttributeError(name)
