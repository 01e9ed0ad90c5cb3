#!/usr/bin/env python3
"""A stand-in MLflow tracking server for the proxy tests: the few tracking endpoints modelwarden
reads (runs/get, logged-models/<id>), an echo of any request, a large artifact generated on the
fly, an upload sink that hashes what it streams in, and an endpoint that stalls.

Prints "listening on <port>" once it serves; runs until killed.
"""
import hashlib
import http.server
import json
import os
import sys
import threading
import urllib.parse

RUNS = {
    "run1": {"experiment_id": "1", "metrics": {"val_auc": 0.93, "loss": 0.2}},
    # Artifacts on the tracker's local disk, below FAKE_TRACKER_ARTIFACT_DIR.
    "runlocal": {"experiment_id": "2", "metrics": {},
                 "artifact_uri": os.environ.get("FAKE_TRACKER_ARTIFACT_DIR", "/nonexistent")
                 + "/runlocal/artifacts"},
    "run2": {"experiment_id": "1", "metrics": {"val_auc": 0.7}},
}
# Files behind the artifact proxy (/api/2.0/mlflow-artifacts/artifacts/<path>), served as MLflow
# serves them: streamed in chunks, without Content-Length.
ARTIFACTS = {
    "1/run1/artifacts/model/MLmodel": b"flavors:\n  python_function: {}\nsignature:\n  inputs: '[{\"type\": \"double\", \"name\": \"x\"}]'\n",
    "1/run1/artifacts/model/sub dir/weights \u00e9.bin": bytes(range(256)) * 300,
    "1/models/m-abc/artifacts/MLmodel": b"model_id: m-abc\n",
}
STALLS = {"started": 0}
STALL_LOCK = threading.Lock()
BLOCK = b"0123456789abcdef" * 4096  # 64 KiB


def pattern_digest(size):
    digest = hashlib.sha256()
    left = size
    while left > 0:
        digest.update(BLOCK[: min(left, len(BLOCK))])
        left -= len(BLOCK)
    return digest.hexdigest()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def send_json(self, status, obj, extra=()):
        body = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for name, value in extra:
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def read_body(self):
        """Streams the request body through a hash; returns (length, sha256)."""
        digest = hashlib.sha256()
        length = 0
        if "chunked" in self.headers.get("Transfer-Encoding", ""):
            while True:
                size = int(self.rfile.readline().split(b";")[0], 16)
                if size == 0:
                    self.rfile.readline()
                    break
                left = size
                while left:
                    data = self.rfile.read(min(left, 65536))
                    digest.update(data)
                    left -= len(data)
                    length += len(data)
                self.rfile.readline()
        else:
            left = int(self.headers.get("Content-Length", "0"))
            while left:
                data = self.rfile.read(min(left, 65536))
                if not data:
                    break
                digest.update(data)
                left -= len(data)
                length += len(data)
        return length, digest.hexdigest()

    def handle_any(self):
        url = urllib.parse.urlsplit(self.path)
        query = urllib.parse.parse_qs(url.query)
        path = url.path
        if path == "/api/2.0/mlflow/runs/get":
            run_id = query.get("run_id", [""])[0]
            if run_id not in RUNS:
                return self.send_json(404, {"error_code": "RESOURCE_DOES_NOT_EXIST",
                                            "message": f"Run '{run_id}' not found"})
            run = RUNS[run_id]
            return self.send_json(200, {"run": {
                "info": {"run_id": run_id, "run_uuid": run_id,
                         "experiment_id": run["experiment_id"],
                         "artifact_uri": run.get(
                             "artifact_uri",
                             f"mlflow-artifacts:/{run['experiment_id']}/{run_id}/artifacts"),
                         "lifecycle_stage": "active", "status": "FINISHED"},
                "data": {"metrics": [{"key": k, "value": v, "timestamp": 1, "step": 0}
                                     for k, v in run["metrics"].items()]}}})
        if path.startswith("/api/2.0/mlflow/logged-models/"):
            model_id = path.rsplit("/", 1)[1]
            if model_id != "m-abc":
                return self.send_json(404, {"error_code": "RESOURCE_DOES_NOT_EXIST",
                                            "message": f"Logged model {model_id} not found"})
            return self.send_json(200, {"model": {"info": {
                "model_id": "m-abc", "experiment_id": "1", "source_run_id": "run1",
                "artifact_uri": "mlflow-artifacts:/1/models/m-abc/artifacts"}}})
        if path.startswith("/api/2.0/mlflow-artifacts/artifacts/big"):
            size = int(query.get("size", ["0"])[0])
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Content-Length", str(size))
            self.send_header("X-Digest", pattern_digest(size))
            self.end_headers()
            left = size
            while left > 0 and self.command != "HEAD":
                chunk = BLOCK[: min(left, len(BLOCK))]
                self.wfile.write(chunk)
                left -= len(chunk)
            return None
        artifact_root = "/api/2.0/mlflow-artifacts/artifacts/"
        if path.startswith(artifact_root) and self.command in ("GET", "HEAD"):
            name = urllib.parse.unquote(path[len(artifact_root):])
            if name not in ARTIFACTS:
                # What MLflow 3.6's artifact proxy answers for a missing file (measured).
                return self.send_json(500, {
                    "error_code": "INTERNAL_ERROR",
                    "message": "The following failures occurred while downloading one or more "
                               f"artifacts from /srv/art:\n##### File {name} #####\n[Errno 2] "
                               f"No such file or directory: '/srv/art/{name}'"})
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            if self.command != "HEAD":
                data = ARTIFACTS[name]
                for at in range(0, len(data), 1000):
                    piece = data[at:at + 1000]
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
                self.wfile.write(b"0\r\n\r\n")
            return None
        if path == "/stall":
            with STALL_LOCK:
                STALLS["started"] += 1
            threading.Event().wait(120)
            return self.send_json(200, {"stalled": True})
        if path == "/stalls":
            return self.send_json(200, STALLS)
        # Anything else: echo what arrived.
        length, digest = self.read_body()
        status = int(query.get("status", ["200"])[0])
        headers = [[k, v] for k, v in self.headers.items()]
        return self.send_json(status, {"method": self.command, "target": self.path,
                                       "headers": headers, "body_length": length,
                                       "body_sha256": digest},
                              extra=[("X-Echo", "yes"), ("Set-Cookie", "a=1"),
                                     ("Set-Cookie", "b=2")])

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = do_HEAD = handle_any


def main():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    print(f"listening on {server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
