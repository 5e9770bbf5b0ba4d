"""What a token may do: each view names the scope it needs (`required_scope`); a token without it
gets a 403 (`insufficient_scope`). A browser session acts as its person, who may do all of it."""

from rest_framework import exceptions, permissions

from .models import PersonalAccessToken


class TokenScope(permissions.BasePermission):
    def has_permission(self, request, view):
        token = request.auth
        if isinstance(token, PersonalAccessToken):
            scope = view.required_scope
            if scope not in token.scope_set:
                raise exceptions.PermissionDenied(f"This token lacks the {scope} scope.", code="insufficient_scope")
        return True


class SignedIn(TokenScope):
    """A person (by token or session) with the view's scope; a visitor gets a 401."""

    def has_permission(self, request, view):
        if not (request.user and request.user.is_authenticated):
            raise exceptions.NotAuthenticated("Log in, or send a personal access token.")
        return super().has_permission(request, view)
