"""A local stand-in for the few Stripe endpoints Cabas calls, served on loopback.

Used by the tests (the real service is unreachable from here) and by
``PAYMENT_PROVIDER=fake`` for the demo. Responses are shaped like Stripe's recorded
JSON (``object``, ids with Stripe's prefixes, amounts in cents, ``Idempotency-Key``
replays answering the first response). ``/pay/<session>`` is a stand-in for Stripe's
hosted payment page: a button that pays and sends the browser back to ``success_url``.
"""

from __future__ import annotations

import html
import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from .stripe_adapter import sign_payload


def _id(prefix: str) -> str:
    return f"{prefix}_{secrets.token_hex(12)}"


class FakeStripe:
    """The fake's state; every method is thread-safe."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.sessions: dict[str, dict[str, Any]] = {}
        self.intents: dict[str, dict[str, Any]] = {}
        self.transfers: dict[str, dict[str, Any]] = {}
        self.refunds: dict[str, dict[str, Any]] = {}
        self.reversals: dict[str, dict[str, Any]] = {}
        self.replies: dict[str, tuple[int, dict[str, Any]]] = {}
        self.requests: list[tuple[str, str, dict[str, str]]] = []
        self.server: ThreadingHTTPServer | None = None

    # -- what the tests drive ---------------------------------------------------------
    @property
    def base_url(self) -> str:
        assert self.server is not None
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}"

    def complete(self, session_id: str) -> dict[str, Any]:
        """The shopper pays on the hosted page: the session is paid, with an intent and a charge."""
        with self.lock:
            session = self.sessions[session_id]
            if session["payment_status"] != "paid":
                intent_id, charge_id = _id("pi"), _id("ch")
                self.intents[intent_id] = {
                    "id": intent_id,
                    "object": "payment_intent",
                    "amount": session["amount_total"],
                    "currency": session["currency"],
                    "status": "succeeded",
                    "latest_charge": charge_id,
                    "transfer_group": session["_transfer_group"],
                    "metadata": session["metadata"],
                    "_amount_refunded": 0,
                }
                session.update(status="complete", payment_status="paid", payment_intent=intent_id)
            return self._public(session)

    def event(self, event_type: str, session_id: str) -> dict[str, Any]:
        with self.lock:
            session = self._public(self.sessions[session_id])
        return {
            "id": _id("evt"),
            "object": "event",
            "api_version": "2025-06-30.basil",
            "created": int(time.time()),
            "livemode": False,
            "type": event_type,
            "data": {"object": session},
        }

    def charge_refunded_event(self, intent_id: str) -> dict[str, Any]:
        """``charge.refunded`` as Stripe sends it: the charge, its refunds listed."""
        with self.lock:
            intent = self.intents[intent_id]
            refunds = [r for r in self.refunds.values() if r["payment_intent"] == intent_id]
            charge = {
                "id": intent["latest_charge"],
                "object": "charge",
                "amount": intent["amount"],
                "amount_refunded": intent["_amount_refunded"],
                "currency": intent["currency"],
                "payment_intent": intent_id,
                "refunded": intent["_amount_refunded"] == intent["amount"],
                "refunds": {"object": "list", "data": refunds, "has_more": False},
            }
        return {
            "id": _id("evt"),
            "object": "event",
            "api_version": "2025-06-30.basil",
            "created": int(time.time()),
            "livemode": False,
            "type": "charge.refunded",
            "data": {"object": charge},
        }

    @staticmethod
    def signed(event: dict[str, Any], secret: str, timestamp: int | None = None):
        payload = json.dumps(event).encode()
        header = sign_payload(
            payload=payload, secret=secret, timestamp=timestamp or int(time.time())
        )
        return payload, header

    # -- the API -------------------------------------------------------------------------
    @staticmethod
    def _public(row: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in row.items() if not k.startswith("_")}

    def handle(self, method: str, path: str, form: dict[str, str], key: str) -> tuple[int, Any]:
        with self.lock:
            self.requests.append((method, path, form))
            if key and key in self.replies:
                return self.replies[key]
            reply = self._route(method, path.rstrip("/"), form)
            if key and reply[0] < 500:
                self.replies[key] = reply
            return reply

    def _route(self, method: str, path: str, form: dict[str, str]) -> tuple[int, Any]:
        parts = path.strip("/").split("/")
        if method == "POST" and path == "/v1/checkout/sessions":
            return 200, self._session_create(form)
        if parts[:3] == ["v1", "checkout", "sessions"] and len(parts) >= 4:
            session = self.sessions.get(parts[3])
            if session is None:
                return _missing("checkout.session", parts[3])
            if method == "GET" and len(parts) == 4:
                return 200, self._public(session)
            if method == "POST" and parts[4:] == ["expire"]:
                if session["status"] != "open":
                    return 400, _error(
                        f'Only Checkout Sessions with a status in ["open"] can be expired. '
                        f'This Checkout Session has a status of "{session["status"]}".'
                    )
                session["status"] = "expired"
                return 200, self._public(session)
        if method == "GET" and parts[:2] == ["v1", "payment_intents"] and len(parts) == 3:
            intent = self.intents.get(parts[2])
            return (200, self._public(intent)) if intent else _missing("payment_intent", parts[2])
        if method == "POST" and path == "/v1/transfers":
            return self._transfer_create(form)
        if method == "POST" and parts[:2] == ["v1", "transfers"] and parts[3:] == ["reversals"]:
            return self._reversal_create(parts[2], form)
        if method == "POST" and path == "/v1/refunds":
            return self._refund_create(form)
        return 404, _error(f"Unrecognized request URL ({method}: {path}).")

    def _session_create(self, form: dict[str, str]) -> dict[str, Any]:
        session_id = f"cs_test_{secrets.token_hex(16)}"
        amount = int(form["line_items[0][price_data][unit_amount]"])
        session = {
            "id": session_id,
            "object": "checkout.session",
            "mode": form.get("mode", "payment"),
            "amount_total": amount,
            "currency": form["line_items[0][price_data][currency]"],
            "client_reference_id": form.get("client_reference_id"),
            "customer_email": form.get("customer_email"),
            "metadata": {
                k[len("metadata[") : -1]: v for k, v in form.items() if k.startswith("metadata[")
            },
            "payment_intent": None,
            "payment_status": "unpaid",
            "status": "open",
            "success_url": form.get("success_url"),
            "cancel_url": form.get("cancel_url"),
            "expires_at": int(form.get("expires_at") or time.time() + 86400),
            "url": f"{self.base_url}/pay/{session_id}",
            "livemode": False,
            "_transfer_group": form.get("payment_intent_data[transfer_group]", ""),
        }
        self.sessions[session_id] = session
        return self._public(session)

    def _transfer_create(self, form: dict[str, str]) -> tuple[int, Any]:
        destination = form.get("destination", "")
        if not destination.startswith("acct_"):
            return 400, _error(f"No such destination: '{destination}'", param="destination")
        transfer: dict[str, Any] = {
            "id": _id("tr"),
            "object": "transfer",
            "amount": int(form["amount"]),
            "currency": form["currency"],
            "destination": destination,
            "transfer_group": form.get("transfer_group"),
            "source_transaction": form.get("source_transaction"),
            "metadata": _metadata(form),
            "amount_reversed": 0,
            "reversed": False,
        }
        self.transfers[transfer["id"]] = transfer
        return 200, transfer

    def _refund_create(self, form: dict[str, str]) -> tuple[int, Any]:
        """Whole or partial (``amount``) refund; never more than is left on the charge."""
        intent = self.intents.get(form.get("payment_intent", ""))
        if intent is None:
            return _missing("payment_intent", form.get("payment_intent", ""))
        left = intent["amount"] - intent["_amount_refunded"]
        amount = int(form["amount"]) if form.get("amount") else left
        if amount <= 0 or amount > left:
            return 400, _error(
                f"Refund amount ({amount}) is greater than unrefunded amount on charge ({left})",
                param="amount",
            )
        intent["_amount_refunded"] += amount
        refund = {
            "id": _id("re"),
            "object": "refund",
            "amount": amount,
            "charge": intent["latest_charge"],
            "currency": intent["currency"],
            "payment_intent": intent["id"],
            "metadata": _metadata(form),
            "status": "succeeded",
        }
        self.refunds[refund["id"]] = refund
        return 200, refund

    def _reversal_create(self, transfer_id: str, form: dict[str, str]) -> tuple[int, Any]:
        transfer = self.transfers.get(transfer_id)
        if transfer is None:
            return _missing("transfer", transfer_id)
        left = transfer["amount"] - transfer["amount_reversed"]
        amount = int(form["amount"]) if form.get("amount") else left
        if amount <= 0 or amount > left:
            return 400, _error(
                "You have already reversed this transfer, or the amount is more than is left.",
                param="amount",
            )
        transfer["amount_reversed"] += amount
        transfer["reversed"] = transfer["amount_reversed"] == transfer["amount"]
        reversal = {
            "id": _id("trr"),
            "object": "transfer_reversal",
            "amount": amount,
            "currency": transfer["currency"],
            "transfer": transfer_id,
            "metadata": _metadata(form),
        }
        self.reversals[reversal["id"]] = reversal
        return 200, reversal


def _metadata(form: dict[str, str]) -> dict[str, str]:
    return {k[len("metadata[") : -1]: v for k, v in form.items() if k.startswith("metadata[")}


def _error(message: str, param: str | None = None) -> dict[str, Any]:
    error: dict[str, Any] = {"type": "invalid_request_error", "message": message}
    if param:
        error["param"] = param
    return {"error": error}


def _missing(kind: str, ident: str) -> tuple[int, Any]:
    return 404, _error(f"No such {kind}: '{ident}'", param="id")


class _Handler(BaseHTTPRequestHandler):
    fake: FakeStripe

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        return

    def _form(self) -> dict[str, str]:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode() if length else ""
        query = urlsplit(self.path).query
        return dict(parse_qsl(body or query, keep_blank_values=True))

    def _reply(self, status: int, body: Any) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Request-Id", _id("req"))
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        path = urlsplit(self.path).path
        if path.startswith("/pay/"):
            self._pay_page(path.removeprefix("/pay/"))
            return
        self._reply(*self.fake.handle("GET", path, self._form(), ""))

    def do_POST(self) -> None:
        path = urlsplit(self.path).path
        if path.startswith("/pay/"):
            session_id = path.removeprefix("/pay/")
            if session_id not in self.fake.sessions:
                self._reply(*_missing("checkout.session", session_id))
                return
            session = self.fake.complete(session_id)
            target = str(session["success_url"]).replace("{CHECKOUT_SESSION_ID}", session_id)
            self.send_response(303)
            self.send_header("Location", target)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        key = self.headers.get("Idempotency-Key", "")
        self._reply(*self.fake.handle("POST", path, self._form(), key))

    def _pay_page(self, session_id: str) -> None:
        session = self.fake.sessions.get(session_id)
        if session is None:
            self._reply(*_missing("checkout.session", session_id))
            return
        amount = f"{session['amount_total'] / 100:.2f} {session['currency'].upper()}"
        cancel = html.escape(str(session["cancel_url"]))
        page = (
            "<!doctype html><html lang='fr'><meta charset='utf-8'>"
            "<title>Paiement de test</title><main><h1>Paiement de test (simulateur local)</h1>"
            f"<p>Montant : {html.escape(amount)}</p>"
            f"<form method='post'><button>Payer {html.escape(amount)}</button></form>"
            f"<p><a href='{cancel}'>Annuler</a></p></main></html>"
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(page)))
        self.end_headers()
        self.wfile.write(page)


def serve(host: str = "127.0.0.1", port: int = 0) -> FakeStripe:
    """Start a fake on loopback in a daemon thread; ``fake.server.shutdown()`` stops it."""
    fake = FakeStripe()
    handler = type("FakeStripeHandler", (_Handler,), {"fake": fake})
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    fake.server = server
    threading.Thread(target=server.serve_forever, daemon=True, name="fake-stripe").start()
    return fake
