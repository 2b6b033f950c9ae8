"""Loads the mailwire harness so `pytest scenarios/ --proxy reference|nginx|'<command>'` runs every scenario."""

import sys
from pathlib import Path

_REPO_ROOT = str(Path(__file__).resolve().parent.parent)
if _REPO_ROOT not in sys.path:
    sys.path.insert(0, _REPO_ROOT)

pytest_plugins = ["harness.plugin"]
