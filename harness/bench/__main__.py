"""`/usr/bin/python3 -m harness.bench --build-dir BUILD [options]` from the repository root."""

import sys

from .cli import main

sys.exit(main())
