"""What a requester may open among notices: their own, anyone else's a 404 (docs/architecture.md,
"Who may open what")."""

from django.shortcuts import get_object_or_404

from careerpath.owner import Owner

from .models import Notice


def get_notice_for_user(request, pk):
    """One of the requester's notices, else 404."""
    return get_object_or_404(Notice.objects.owned_by(Owner.of(request)), pk=pk)
