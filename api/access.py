"""What a requester may open among API tokens on the tokens page: their own, anyone else's a 404
(docs/architecture.md, "Who may open what")."""

from django.shortcuts import get_object_or_404

from careerpath.owner import Owner

from .models import PersonalAccessToken


def get_token_for_user(request, token_id):
    """One of the requester's API tokens, else 404."""
    return get_object_or_404(PersonalAccessToken.objects.owned_by(Owner.of(request)), pk=token_id)
