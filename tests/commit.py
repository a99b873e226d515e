"""Running what a real commit runs, inside a test's transaction.

E-mails go out after the commit (``transaction.on_commit``); a test's transaction never
commits, so a test that reads the sent mail runs the step through ``committed``: the step,
then the callbacks it registered, as the commit at the end of a request would.
"""

from django.test import TestCase


def committed(func, *args, **kwargs):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return func(*args, **kwargs)
