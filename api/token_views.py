"""The "API tokens" page: a person makes, names, scopes and revokes their personal access tokens.
A new token is shown once, in the answer to the POST that made it (never stored, never redirected)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from careerpath.owner import Owner

from . import access, services
from .forms import TokenForm
from .models import PersonalAccessToken


def _page(request, form, *, new_token=None, status=200):
    tokens = PersonalAccessToken.objects.owned_by(Owner.of(request))
    return render(request, "api/tokens.html", {"form": form, "tokens": tokens, "new_token": new_token}, status=status)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def tokens(request):
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            _row, token = services.create_token(user=request.user, **form.cleaned_data)
        except services.TokenError as exc:
            form.add_error(None, str(exc))
        else:
            return _page(request, TokenForm(), new_token=token)
    return _page(request, form)


@never_cache
@login_required
@require_POST
def revoke(request, token_id):
    token = access.get_token_for_user(request, token_id)
    services.revoke_token(token=token)
    messages.success(request, f"Revoked “{token.name}”: it no longer opens the API.")
    return redirect("api_tokens:list")
