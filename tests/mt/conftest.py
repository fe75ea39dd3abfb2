"""The engine tests run with a third-party engine installed next to the built-ins
(tests/support/engine_plugin.py): importing it here, before collection, registers it,
so every test parametrised over the registered engines covers it too."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.engine_plugin import PLUGIN_PATH


@pytest.fixture(scope="session")
def plugin_path() -> Path:
    return PLUGIN_PATH
