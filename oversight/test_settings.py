"""Settings for the test suite: the real settings with test defaults for what the environment
does not say. ``DATABASE_URL`` still selects PostgreSQL when set."""

import os

os.environ.setdefault("OVERSIGHT_TESTING", "true")
os.environ.setdefault("SECRET_KEY", "test-only-secret-key-never-used-in-production-0123456789")

from oversight.settings import *  # noqa: E402,F403

# Disclosure sources in tests are served on the loopback or name reserved hosts.
DISCLOSURE_SOURCE_HOSTS = [*DISCLOSURE_SOURCE_HOSTS, "127.0.0.1", "invalid"]  # noqa: F405
