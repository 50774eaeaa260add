from __future__ import annotations

import os

# Playwright's sync API and Channels' live server run an event loop in the test thread.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
