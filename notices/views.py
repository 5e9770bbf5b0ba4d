from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import access, selectors, services
from .forms import PreferencesForm
from .unsubscribe import ExpiredLink, InvalidLink, read_token


@login_required
@require_GET
def notice_list(request):
    return render(request, "notices/list.html", {"notices": selectors.recent_notices(request.user)})


@login_required
@require_POST
def read(request, pk):
    """Mark one of your notices read and go where it leads."""
    notice = access.get_notice_for_user(request, pk)
    services.mark_read(notice=notice)
    if not url_has_allowed_host_and_scheme(notice.url, allowed_hosts=None):
        return redirect("notices:list")
    return redirect(notice.url)


@login_required
@require_POST
def read_all(request):
    services.mark_all_read(user=request.user)
    return redirect("notices:list")


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request):
    current = selectors.preferences_for(request.user)
    form = PreferencesForm(request.POST or None, initial_choices=current)
    if request.method == "POST":
        if form.is_valid():
            services.set_preferences(user=request.user, choices=form.cleaned_data)
            messages.success(request, "Saved: your notice settings.")
            return redirect("notices:preferences")
        return render(request, "notices/preferences.html", {"form": form}, status=400)
    return render(request, "notices/preferences.html", {"form": form})


@csrf_exempt  # RFC 8058: a mail client POSTs "List-Unsubscribe=One-Click" with no cookie; the token is the credential
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    """GET shows what the link would stop and a button (link scanners that prefetch change
    nothing); POST stops it, without signing in."""
    try:
        link = read_token(token)
    except ExpiredLink:
        return render(request, "notices/unsubscribe_invalid.html", {"expired": True}, status=410)
    except InvalidLink:
        return render(request, "notices/unsubscribe_invalid.html", {"expired": False}, status=400)
    user = get_user_model().objects.filter(pk=link.user_id).first()
    if user is None:
        return render(request, "notices/unsubscribe_invalid.html", {"gone": True}, status=410)
    if request.method == "POST":
        services.unsubscribe(user=user, what=link.what)
        return render(request, "notices/unsubscribe.html", {"link": link, "done": True})
    return render(request, "notices/unsubscribe.html", {"link": link, "done": False})
