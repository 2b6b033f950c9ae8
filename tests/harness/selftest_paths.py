"""Paths shared by the harness self-tests (a uniquely named module: every test folder has its own conftest)."""

import os
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
NGINX = "/usr/sbin/nginx"

if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))


def find_fake_binary():
    """$MAILWIRE_FAKE, else <repo>/build/fakes/mailwire-fake, else the newest <repo>/build*/fakes/mailwire-fake."""
    if os.environ.get("MAILWIRE_FAKE"):
        return Path(os.environ["MAILWIRE_FAKE"])
    default = REPO_ROOT / "build" / "fakes" / "mailwire-fake"
    if default.is_file():
        return default
    candidates = sorted(REPO_ROOT.glob("build*/fakes/mailwire-fake"), key=lambda p: p.stat().st_mtime)
    return candidates[-1] if candidates else None
