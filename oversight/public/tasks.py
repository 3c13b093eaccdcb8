"""Background work of the public channel: SMS to complainants, the intake officers' digest of
new complaints, and closing replied complaints that the citizen never rated."""

from django.conf import settings
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task


@db_task()
def send_notice(notice_id: int) -> bool:
    from .notices import send

    return send(notice_id)


@db_periodic_task(crontab(minute="17", hour="1"))
def close_unrated_task() -> int:
    from .services.followup import close_unrated

    return close_unrated()


@db_periodic_task(crontab(minute="*/15"))
def retry_notices_task() -> int:
    from .services.followup import retry_notices

    return retry_notices()


@db_periodic_task(crontab(minute=f"*/{settings.PUBLIC_INTAKE_DIGEST_MINUTES}"))
def intake_digest_task() -> int:
    from .services.followup import intake_digest

    return intake_digest()
