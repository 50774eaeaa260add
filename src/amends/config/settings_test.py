"""Settings for the test suite: the same as production's, with a fast password hasher."""

from amends.config.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
LOGGING["loggers"]["amends"]["level"] = "WARNING"  # type: ignore[index]  # noqa: F405
AMENDS_MAIL_REPLY_BACKEND = ""  # replies go through EMAIL_BACKEND (locmem) like other mail
