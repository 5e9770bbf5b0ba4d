"""A deleted account leaves no mail behind: its outbox rows (waiting or sent) go with it. Notices
and settings go by the database's cascade."""

from django.conf import settings
from django.db.models.signals import pre_delete
from django.dispatch import receiver

from .models import OutgoingMail
from .selectors import mail_addresses


@receiver(pre_delete, sender=settings.AUTH_USER_MODEL)
def forget_mail(sender, instance, **kwargs):
    for address in mail_addresses(instance):
        OutgoingMail.objects.filter(recipients__iexact=address).delete()
