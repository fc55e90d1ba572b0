"""``python -m bench``: the one command behind ``make bench``."""

import sys

from bench.runner import main

sys.exit(main())
