"""``POST /api/v1/payments/stripe/webhook``: the provider tells us a payment's outcome.

No authentication but the signature: the raw body is verified before it is parsed.
Answers 200 ``{"received": true, "result": "processed" | "replayed" | "ignored"}``,
or 400 with ``{"error": {"code": "signature_invalid" …}}`` and nothing written.
"""

from __future__ import annotations

from typing import Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema

from cabas.api.errors import ApiError
from cabas.api.schemas import errors

from .errors import WebhookError
from .services import webhook_receive

router = Router(tags=["payments"])


class WebhookOut(Schema):
    received: bool = Field(..., examples=[True])
    result: Literal["processed", "replayed", "ignored"] = Field(..., examples=["processed"])


@router.post(
    "/stripe/webhook",
    url_name="stripe_webhook",
    response={200: WebhookOut, **errors(400, 404, 409)},
    summary="Événement Stripe signé / signed Stripe event",
    description="Corps brut vérifié avec l'en-tête `Stripe-Signature` / raw body, signed.",
    auth=None,
    openapi_extra={
        "requestBody": {
            "required": False,
            "content": {
                "application/json": {
                    "schema": {"type": "object"},
                    "example": {
                        "id": "evt_1",
                        "type": "checkout.session.completed",
                        "data": {"object": {"id": "cs_test_1"}},
                    },
                }
            },
        }
    },
)
def stripe_webhook(request: HttpRequest):
    try:
        result = webhook_receive(
            payload=request.body, signature=request.headers.get("Stripe-Signature", "")
        )
    except WebhookError as error:
        raise ApiError(error.code, error.message, error.status, error.details) from error
    return {"received": True, "result": result}
