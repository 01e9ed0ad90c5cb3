#!/usr/bin/env python3
"""A webhook receiver for the delivery tests, written the way an MLflow user would write one:
it checks every delivery's X-MLflow-Signature with Python's own hmac module (independently of
modelwarden's C++), and keeps each delivery once by its X-MLflow-Delivery-Id.

usage: webhook_receiver.py SECRET [--fail-first N] [--fail-status STATUS] [--retry-after S]

The first N POSTs are answered FAIL_STATUS (default 500, with Retry-After when given), the
rest 200. GET /deliveries answers {"requests": <POSTs received>, "deliveries": [...]}, one
entry per distinct delivery id: {"delivery_id", "signature_ok", "timestamp_header", "count",
"payload"}. Prints "listening on <port>" once it serves; runs until killed.
"""
import argparse
import base64
import hashlib
import hmac
import http.server
import json
import threading

parser = argparse.ArgumentParser()
parser.add_argument("secret")
parser.add_argument("--fail-first", type=int, default=0)
parser.add_argument("--fail-status", type=int, default=500)
parser.add_argument("--retry-after")
args = parser.parse_args()

lock = threading.Lock()
state = {"requests": 0, "deliveries": {}}


def signature_ok(headers, body):
    """MLflow's documented check: v1,base64(HMAC-SHA256(secret, "<id>.<timestamp>.<body>"))."""
    delivery_id = headers.get("X-MLflow-Delivery-Id", "")
    timestamp = headers.get("X-MLflow-Timestamp", "")
    signature = headers.get("X-MLflow-Signature", "")
    if not signature.startswith("v1,"):
        return False
    signed = f"{delivery_id}.{timestamp}.{body.decode('utf-8')}".encode("utf-8")
    expected = base64.b64encode(
        hmac.new(args.secret.encode("utf-8"), signed, hashlib.sha256).digest()
    ).decode()
    return hmac.compare_digest(signature[3:], expected)


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        with lock:
            state["requests"] += 1
            failing = state["requests"] <= args.fail_first
            delivery_id = self.headers.get("X-MLflow-Delivery-Id", "")
            seen = state["deliveries"].get(delivery_id)
            if not failing:
                if seen is None:
                    state["deliveries"][delivery_id] = {
                        "delivery_id": delivery_id,
                        "signature_ok": signature_ok(self.headers, body),
                        "timestamp_header": self.headers.get("X-MLflow-Timestamp", ""),
                        "content_type": self.headers.get("Content-Type", ""),
                        "raw": body.decode("utf-8"),
                        "payload": json.loads(body),
                        "count": 1,
                    }
                else:
                    seen["count"] += 1
        status = args.fail_status if failing else 200
        self.send_response(status)
        if failing and args.retry_after:
            self.send_header("Retry-After", args.retry_after)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def do_GET(self):
        with lock:
            text = json.dumps(
                {"requests": state["requests"], "deliveries": list(state["deliveries"].values())}
            ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(text)))
        self.end_headers()
        self.wfile.write(text)

    def log_message(self, *_):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(f"listening on {server.server_address[1]}", flush=True)
server.serve_forever()
