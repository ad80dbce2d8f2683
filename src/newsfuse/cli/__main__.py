"""`python -m newsfuse.cli`: the same as the `newsfuse` console script."""

from . import main

main()
