"""Back-office tasks run by the queue worker (``manage.py run_tasks``)."""

from __future__ import annotations

from django.core.mail import send_mail
from django.utils import translation

from cabas.tasks.registry import task

from .imports.services import IMPORT_TASK, import_run
from .models import TeamInvitation
from .services import INVITATION_EMAIL_TASK


@task(IMPORT_TASK, max_attempts=3)
def import_run_task(*, job_id: int) -> None:
    import_run(job_id=job_id)


@task(INVITATION_EMAIL_TASK, max_attempts=10)
def invitation_email(*, invitation_id: int, accept_url: str) -> None:
    invitation = TeamInvitation.objects.select_related("shop", "invited_by").get(pk=invitation_id)
    if invitation.accepted_at is not None or invitation.revoked_at is not None:
        return
    with translation.override("fr"):
        role = "gérant·e" if invitation.role == "owner" else "équipier·e"
        inviter = invitation.invited_by.email if invitation.invited_by else "L'équipe"
        send_mail(
            subject=f"Rejoignez l'équipe de {invitation.shop.name} sur Cabas",
            message=(
                f"Bonjour,\n\n{inviter} vous invite à rejoindre l'équipe de "
                f"{invitation.shop.name} sur Cabas, comme {role}.\n\n"
                f"Pour accepter, ouvrez ce lien (valable 7 jours) :\n{accept_url}\n\n"
                "Si vous ne vous attendiez pas à ce message, ignorez-le.\n"
            ),
            from_email=None,
            recipient_list=[invitation.email],
        )
