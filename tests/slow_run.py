"""`python tests/slow_run.py run …`: the command line with every notice's extraction held for
SLOW_SECONDS (default 60) first, so that a test can act on a run in its middle: start a
second run, send a signal, kill the runner. Only the timing differs from `python -m extract`."""

import os
import sys
import time

import extract.pipeline as pipeline
from extract.cli import main

real = pipeline.extract_notice


def held(path, *args, **kwargs):
    time.sleep(float(os.environ.get("SLOW_SECONDS", "60")))
    return real(path, *args, **kwargs)


pipeline.extract_notice = held
sys.exit(main(sys.argv[1:]))
