"""Background work of the public channel: SMS to complainants, and closing replied complaints
that the citizen never rated."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task


@db_task()
def send_notice(notice_id: int) -> bool:
    from .notices import send

    return send(notice_id)


@db_periodic_task(crontab(minute="17", hour="1"))
def close_unrated_task() -> int:
    from .services import close_unrated

    return close_unrated()


@db_periodic_task(crontab(minute="*/15"))
def retry_notices_task() -> int:
    from .services import retry_notices

    return retry_notices()
