"""The API's one error shape, for every status it answers with (400, 401, 403, 404, 405, 429...):

    {"error": {"status": 404, "code": "not_found", "message": "No such role.", "fields": {}}}

`code` is stable and machine-readable; `message` is for people; `fields` names each bad input
(query parameter or body field) with its messages, and is empty when no single field is to blame.
docs/api.md documents the codes.
"""

import logging

from django.http import JsonResponse
from rest_framework import exceptions
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from careerpath.middleware import RETRY_AFTER_SECONDS, database_unavailable

logger = logging.getLogger("django.request")

MESSAGES = {
    "invalid": "Some of what was sent is not valid: see fields.",
    "not_authenticated": "Log in, or send a personal access token.",
}


def error_body(*, status, code, message, fields=None):
    return {"error": {"status": status, "code": code, "message": message, "fields": fields or {}}}


def _flatten(detail):
    """A ValidationError's detail as {field: [messages]}; errors of no one field go under "non_field"."""
    if isinstance(detail, dict):
        return {
            key: [str(m) for m in value] if isinstance(value, list) else [str(value)] for key, value in detail.items()
        }
    if isinstance(detail, list):
        return {"non_field": [str(m) for m in detail]}
    return {"non_field": [str(detail)]}


def exception_handler(exc, context):
    response = drf_exception_handler(exc, context)
    if response is None:
        return _unexpected(exc, context)
    if isinstance(exc, exceptions.ValidationError):
        code, fields, message = "invalid", _flatten(exc.detail), MESSAGES["invalid"]
    else:
        detail = getattr(exc, "detail", None)
        code = detail.code if hasattr(detail, "code") else getattr(exc, "default_code", "error")
        if isinstance(exc, exceptions.NotFound) or response.status_code == 404:
            code = "not_found"
        message, fields = str(detail) if detail is not None else str(exc), {}
    response.data = error_body(status=response.status_code, code=code, message=message, fields=fields)
    response["Cache-Control"] = "no-store"
    return response


def _unexpected(exc, context):
    """Not an API error: a fault of ours (500) or a database that is away (503), in the same shape.
    Logged as Django logs any server error (ADMINS mail, error trackers), and rolled back."""
    set_rollback()
    request = context["request"]
    if database_unavailable(exc):
        status, code, message = 503, "unavailable", "The service is restarting; try again in a few seconds."
        logger.warning("Service Unavailable: %s", request.path, exc_info=exc)
    else:
        status, code, message = 500, "server_error", "Something went wrong on our side. It has been logged."
        logger.error("Internal Server Error: %s", request.path, exc_info=exc, extra={"status_code": 500})
    response = JsonResponse(error_body(status=status, code=code, message=message), status=status)
    response["Cache-Control"] = "no-store"
    if status == 503:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def not_found_response(path, *, did_you_mean=""):
    """A path under /api/v1/ that names no endpoint."""
    message = f"No API endpoint at {path}." + (
        f" Did you mean {did_you_mean}? Every path ends with a slash." if did_you_mean else " See /api/v1/docs/."
    )
    body = error_body(status=404, code="not_found", message=message)
    response = JsonResponse(body, status=404)
    response["Cache-Control"] = "no-store"
    return response
