from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from django.utils import translation
from hypothesis import settings as hypothesis_settings

# Playwright's sync API and Channels' live server run an event loop in the test thread.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# Property tests check behaviour, not speed (bench/ measures speed): on a loaded 2-core CI
# machine a single example can take longer than Hypothesis's default 200 ms deadline.
hypothesis_settings.register_profile("amends", deadline=None)
hypothesis_settings.load_profile("amends")


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    """Every test starts in the default language and register.

    A request through the test client activates the page's language (and a customer's register)
    in the test's thread, and nothing deactivates it afterwards; without this, a test that reads
    translated text would depend on which test ran before it in the same worker.
    """
    translation.deactivate()
    yield
    translation.deactivate()
