"""Package attributes that import their module on first use, to keep `dsc-tui scan` starting fast."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any


def lazy_attributes(package: str, module_of: Mapping[str, str]) -> Callable[[str], Any]:
    """Return a module `__getattr__` that loads `name` from `package.<module_of[name]>`.

    An unknown name raises AttributeError, so `from package import submodule` still imports the
    submodule.
    """
    def __getattr__(name: str) -> Any:
        module = module_of.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f"{package}.{module}"), name)
        setattr(importlib.import_module(package), name, value)
        return value

    return __getattr__
