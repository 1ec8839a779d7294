import sys

from drkit.cli import main

sys.exit(main())
