"""`/usr/bin/python3 -m harness.soak [options]` from the repository root."""

import sys

from .cli import main

sys.exit(main())
