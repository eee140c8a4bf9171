"""``POST /api/v1/payments/stripe/webhook``: the provider tells us a payment's outcome.

No authentication but the signature: the raw body is verified before it is parsed.
Answers 200 ``{"received": true, "result": "processed" | "replayed" | "ignored"}``,
or 400 with ``{"error": {"code": "signature_invalid" …}}`` and nothing written.
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router

from cabas.api.errors import ApiError

from .errors import WebhookError
from .services import webhook_receive

router = Router(tags=["payments"])


@router.post("/stripe/webhook", url_name="stripe_webhook", response={200: dict}, auth=None)
def stripe_webhook(request: HttpRequest):
    try:
        result = webhook_receive(
            payload=request.body, signature=request.headers.get("Stripe-Signature", "")
        )
    except WebhookError as error:
        raise ApiError(error.code, error.message, error.status, error.details) from error
    return {"received": True, "result": result}
