"""`/usr/bin/python3 -m harness run|list ...` from the repository root."""

import sys

from .cli import main

sys.exit(main())
