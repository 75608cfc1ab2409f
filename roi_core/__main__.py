import sys

from roi_core.cli import main

sys.exit(main())
