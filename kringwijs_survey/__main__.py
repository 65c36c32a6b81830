import sys

from kringwijs_survey.cli import main

sys.exit(main())
