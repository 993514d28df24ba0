"""The process's long-lived objects kept out of the garbage collector's full passes.

Django, the apps, the URLconf, the compiled statements and the kept configuration are some
140,000 objects that live as long as the process. Python's full collection walks every one of
them each time it runs, which a web process does every few hundred requests (about 0.1-0.3 ms
a ticket created, averaged; docs/benchmarks.md, issue 29). Once the first request has loaded
what serving needs, `gc.freeze()` moves them all to the permanent generation (the standard
library's public API for this): later collections walk only what requests made. The garbage
of that moment is collected first; an object then alive is never collected again, which for
what startup loads changes nothing (it lives as long as the process)."""

import gc

from django.core.signals import request_finished


def freeze_after_first_request():
    """Connect the freeze to the end of this process's first request (once)."""
    request_finished.connect(_freeze, dispatch_uid="tierdesk-freeze-heap")


def _freeze(**kwargs):
    request_finished.disconnect(dispatch_uid="tierdesk-freeze-heap")
    gc.collect()
    gc.freeze()
