"""The peer for ``bench/mail.py``: django-helpdesk's ``get_email`` over the same mailbox.

django-helpdesk (the Python helpdesk amends is compared with) reads mail per queue from POP3,
IMAP or a local folder of files (``email_box_type = "local"``, ``email_box_local_dir``): its
``helpdesk.email.process_queue`` reads each file, opens a ticket or adds a follow-up (threading
by the ``[queue-id]`` in the subject, or by ``In-Reply-To`` against the Message-IDs of earlier
follow-ups) and deletes the file once processed. So each storefront gets a queue whose folder
holds a copy of that storefront's mails (the originals stay).

It runs in a virtualenv of its own under ``--data-dir`` (``helpdesk-venv``, with the versions
pinned below), with a minimal Django project in a temporary folder: SQLite with the settings
amends uses (WAL, ``synchronous=NORMAL``), the apps its models need, teams off (they would need
pinax-teams), mail sent nowhere (the dummy backend: sending its acknowledgements is not part of
taking mail in). Setting up (migrations, queues, copies) is not
timed; the time is ``call_command("get_email")`` in a process that has Django set up already,
as amends' import is timed. Anything that fails is reported as the reason it was skipped.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

# What ``pip install django-helpdesk==2.6.1`` resolved to on 2026-11-22, pinned.
REQUIREMENTS = (
    "django-helpdesk==2.6.1",
    "Django==5.2.19",
    "asgiref==3.13.0",
    "beautifulsoup4==4.15.0",
    "certifi==2026.10.18",
    "charset-normalizer==3.5.2",
    "django-cleanup==9.0.0",
    "django-model-utils==5.0.0",
    "djangorestframework==3.18.3",
    "email-reply-parser==0.5.12",
    "idna==3.20",
    "Markdown==3.11.3",
    "nh3==0.3.8",
    "oauthlib==4.0.1",
    "requests==2.34.2",
    "requests-oauthlib==2.0.0",
    "soupsieve==4.1.2",
    "sqlparse==0.6.1",
    "typing_extensions==4.16.0",
    "urllib3==2.8.0",
)
INSTALL_TIMEOUT = 900

SETTINGS = """\
SECRET_KEY = "bench-only"
DEBUG = False
USE_TZ = True
SITE_ID = 1
ALLOWED_HOSTS = ["localhost"]
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.sites",
    "django.contrib.admin",
    "django.contrib.messages",
    "django.contrib.humanize",
    "rest_framework",
    "helpdesk",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]
TEMPLATES = [{
    "BACKEND": "django.template.backends.django.DjangoTemplates",
    "APP_DIRS": True,
    "OPTIONS": {"context_processors": [
        "django.template.context_processors.request",
        "django.contrib.auth.context_processors.auth",
        "django.contrib.messages.context_processors.messages",
    ]},
}]
ROOT_URLCONF = "urls"
# The same SQLite settings as amends' own (WAL, synchronous=NORMAL): with Django's defaults
# (a rollback journal, synchronous=FULL) every commit waits for the disk, and the figure would
# say more about the disk than about the software.
DATABASES = {"default": {
    "ENGINE": "django.db.backends.sqlite3",
    "NAME": DATABASE,
    "OPTIONS": {"init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"},
}}
MEDIA_ROOT = MEDIA
STATIC_URL = "/static/"
HELPDESK_TEAMS_MODE_ENABLED = False
EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
DEFAULT_FROM_EMAIL = "helpdesk@bench.example"
LOGGING = {"version": 1, "disable_existing_loggers": False,
           "root": {"handlers": [], "level": "ERROR"}}
"""

URLS = """\
from django.urls import include, path

urlpatterns = [path("helpdesk/", include("helpdesk.urls"))]
"""

# Runs with the helpdesk virtualenv's Python inside the project folder.
RUNNER = """\
import json, os, resource, sys, time
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "settings")
import django
django.setup()
from django.core.management import call_command
from helpdesk.models import FollowUp, FollowUpAttachment, Queue, Ticket

step = sys.argv[1]
if step == "queues":
    for code, (address, folder) in json.loads(sys.argv[2]).items():
        Queue.objects.create(
            title=f"Storefront {code}", slug=code, email_address=address,
            allow_email_submission=True, email_box_type="local",
            email_box_local_dir=folder, email_box_interval=0, logging_type="none",
        )
    print(json.dumps({"queues": Queue.objects.count()}))
else:
    folders = json.loads(sys.argv[2])
    def cpu():
        usage = resource.getrusage(resource.RUSAGE_SELF)
        return usage.ru_utime + usage.ru_stime

    started, cpu_before = time.perf_counter(), cpu()
    call_command("get_email", quiet=True)
    seconds = time.perf_counter() - started
    cpu_seconds = cpu() - cpu_before
    left = sum(len(os.listdir(f)) for f in folders)
    print(json.dumps({
        "seconds": seconds,
        "cpu_seconds": cpu_seconds,
        "tickets": Ticket.objects.count(),
        "followups": FollowUp.objects.count(),
        "attachments": FollowUpAttachment.objects.count(),
        "files_left": left,
        "peak_rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    }))
"""


def venv_python(venv: Path, report: Callable[[str], None]) -> Path:
    """The virtualenv's Python with the pinned requirements installed (installed once)."""
    python = venv / "bin" / "python"
    stamp = venv / "bench-requirements.sha256"
    wanted = hashlib.sha256("\n".join(REQUIREMENTS).encode()).hexdigest()
    if python.exists() and stamp.exists() and stamp.read_text().strip() == wanted:
        return python
    report(f"helpdesk: installing django-helpdesk into {venv}")
    subprocess.run(
        [sys.executable, "-m", "venv", "--clear", str(venv)], check=True, timeout=INSTALL_TIMEOUT
    )
    installed = subprocess.run(
        [str(python), "-m", "pip", "install", "--disable-pip-version-check", *REQUIREMENTS],
        timeout=INSTALL_TIMEOUT,
        capture_output=True,
        text=True,
        check=False,
    )
    if installed.returncode != 0:
        raise OSError(f"pip install failed: {installed.stderr.strip()[-800:]}")
    stamp.write_text(wanted)
    return python


def _run(python: Path, args: list[str], cwd: Path) -> str:
    """Run in the project folder with the virtualenv's Python; its stdout."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "AMENDS_"))}
    env |= {"DJANGO_SETTINGS_MODULE": "settings", "PYTHONUTF8": "1", "LC_ALL": "C.UTF-8"}
    env.pop("DATABASE_URL", None)
    done = subprocess.run(
        [str(python), *args], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args[:2])} failed: {done.stderr.strip()[-800:]}")
    return done.stdout


def measure(
    *,
    folder: Path,
    manifest: dict[str, Any],
    data_dir: Path,
    report: Callable[[str], None],
) -> dict[str, Any]:
    """Time django-helpdesk's ``get_email`` over the mailbox; ``{"skipped": why}`` if it cannot."""
    try:
        python = venv_python(data_dir / "helpdesk-venv", report)
    except (OSError, subprocess.SubprocessError) as exc:  # no registry, no venv module, …
        report(f"helpdesk: cannot install django-helpdesk: {exc}")
        return {"skipped": f"cannot install django-helpdesk: {exc}"}
    work = Path(tempfile.mkdtemp(prefix="helpdesk-", dir=data_dir))
    try:
        return _measure(python, work, folder=folder, manifest=manifest, report=report)
    except Exception as exc:  # whatever the peer does, the benchmark reports amends' figures
        report(f"helpdesk: not measured: {type(exc).__name__}: {exc}")
        return {"skipped": f"{type(exc).__name__}: {exc}"}
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _measure(
    python: Path,
    work: Path,
    *,
    folder: Path,
    manifest: dict[str, Any],
    report: Callable[[str], None],
) -> dict[str, Any]:
    import mailbox_gen

    project = work / "project"
    project.mkdir()
    header = f"DATABASE = {str(work / 'helpdesk.sqlite3')!r}\nMEDIA = {str(work / 'media')!r}\n"
    (project / "settings.py").write_text(header + SETTINGS)
    (project / "urls.py").write_text(URLS)
    (project / "runner.py").write_text(RUNNER)
    report("helpdesk: preparing its database and one queue per storefront")
    _run(python, ["-m", "django", "migrate", "--verbosity", "0"], project)
    queues: dict[str, tuple[str, str]] = {}
    for code, address in mailbox_gen.STOREFRONTS.items():
        inbox = work / "mail" / code
        inbox.mkdir(parents=True)
        queues[code] = (address, str(inbox))
    for row in manifest["mails"]:
        shutil.copyfile(folder / row[0], Path(queues[row[3]][1]) / Path(row[0]).name)
    _run(python, ["runner.py", "queues", json.dumps(queues)], project)
    count = len(manifest["mails"])
    report(f"helpdesk: get_email over {count:,} mails")
    started = time.perf_counter()
    stdout = _run(
        python, ["runner.py", "run", json.dumps([q[1] for q in queues.values()])], project
    )
    wall = time.perf_counter() - started
    result = json.loads(stdout.strip().splitlines()[-1])
    seconds = float(result["seconds"])
    version = subprocess.run(
        [str(python), "-c", "import helpdesk, django; print(django.get_version())"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    row = {
        "seconds": round(seconds, 2),
        "wall_seconds_with_startup": round(wall, 2),
        "cpu_seconds": round(float(result["cpu_seconds"]), 2),
        "per_second": round(count / seconds, 1) if seconds else None,
        "peak_rss_mb": round(int(result["peak_rss_kb"]) / 1024, 1),
        "tickets": result["tickets"],
        "followups": result["followups"],
        "attachments": result["attachments"],
        "files_left": result["files_left"],
        "version": "django-helpdesk 2.6.1, Django " + version,
        "database": "sqlite",
    }
    report(
        f"helpdesk: {row['per_second']} mails/s, {row['tickets']:,} tickets, "
        f"{row['followups']:,} follow-ups, {row['files_left']} files not taken"
    )
    return row
