"""Back-office tasks run by the queue worker (``manage.py run_tasks``)."""

from __future__ import annotations

from django.core.mail import send_mail
from django.utils import translation
from django.utils.translation import gettext as _

from cabas.tasks.registry import task

from .feeds.services import FEED_TASK, feed_pull
from .imports.services import IMPORT_TASK, import_run
from .models import TeamInvitation
from .team.services import INVITATION_EMAIL_TASK


@task(IMPORT_TASK, max_attempts=3)
def import_run_task(*, job_id: int) -> None:
    import_run(job_id=job_id)


@task(INVITATION_EMAIL_TASK, max_attempts=10)
def invitation_email(*, invitation_id: int, accept_url: str) -> None:
    invitation = TeamInvitation.objects.select_related("shop", "invited_by").get(pk=invitation_id)
    if invitation.accepted_at is not None or invitation.revoked_at is not None:
        return
    with translation.override("fr"):
        role = _("gérant·e") if invitation.role == "owner" else _("équipier·e")
        inviter = invitation.invited_by.email if invitation.invited_by else _("L'équipe")
        send_mail(
            subject=_("Rejoignez l'équipe de %(name)s sur Cabas") % {"name": invitation.shop.name},
            message=(
                _(
                    "Bonjour,\n\n%(inviter)s vous invite à rejoindre l'équipe de %(name)s "
                    "sur Cabas, comme %(role)s.\n\nPour accepter, ouvrez ce lien (valable 7"
                    " jours) :\n%(accept_url)s\n\nSi vous ne vous attendiez pas à ce "
                    "message, ignorez-le.\n"
                )
                % {
                    "inviter": inviter,
                    "name": invitation.shop.name,
                    "role": role,
                    "accept_url": accept_url,
                }
            ),
            from_email=None,
            recipient_list=[invitation.email],
        )


@task(FEED_TASK, max_attempts=1)
def feed_pull_task(*, feed_id: int, marker: str) -> None:
    feed_pull(feed_id=feed_id, marker=marker)
