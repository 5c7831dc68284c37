"""``python -m landsim``: the same as the ``landsim`` command."""

import sys

from landsim.cli import main

sys.exit(main())
