#!/usr/bin/env python3
"""A stand-in MLflow tracking server for the proxy tests: the tracking endpoints modelwarden
reads (runs/get, logged-models/<id>, experiments/get, get-by-name and search, traces, a dataset's
experiments), experiments/create, an echo of any other request, a large artifact generated on
the fly, an upload sink that hashes what it streams in, and an endpoint that stalls. Every
request that could change something (any method but GET and HEAD) is counted: GET /_mutations
answers {"count": N}, so a test can show a refused call never reached it.

Prints "listening on <port>" once it serves; runs until killed. With --tls CERT KEY it serves
https with that certificate chain and key.
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
    "run-b": {"experiment_id": "2", "metrics": {}},
}
# Files behind the artifact proxy (/api/2.0/mlflow-artifacts/artifacts/<path>), served as MLflow
# serves them: streamed in chunks, without Content-Length.
ARTIFACTS = {
    "1/run1/artifacts/model/MLmodel": b"flavors:\n  python_function: {}\nsignature:\n  inputs: '[{\"type\": \"double\", \"name\": \"x\"}]'\n",
    "1/run1/artifacts/model/sub dir/weights \u00e9.bin": bytes(range(256)) * 300,
    "1/models/m-abc/artifacts/MLmodel": b"model_id: m-abc\n",
}
EXPERIMENTS = {"0": "Default", "1": "team-a/exp1", "2": "team-b/exp2", "3": "team-a/exp3"}
LOGGED_MODELS = {"m-abc": "1", "m-two": "2"}
TRACES = {"tr-1": "1", "tr-2": "2"}
DATASETS = {"d-1": ["1"], "d-2": ["2"]}
MUTATIONS = {"count": 0}
STATE_LOCK = threading.Lock()
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
    disable_nagle_algorithm = True  # Head and body go out as two writes.

    def log_message(self, *args):
        if os.environ.get("FAKE_TRACKER_LOG"):
            super().log_message(*args)

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
        return True

    def read_body(self):
        """Streams the request body through a hash; returns (length, sha256). Its first 8 KiB are
        kept in self.last_body, as text."""
        digest = hashlib.sha256()
        length = 0
        head = bytearray()
        update = digest.update

        def keep(data):
            if len(head) < 8192:
                head.extend(data[: 8192 - len(head)])
            update(data)
        digest_update = keep
        if "chunked" in self.headers.get("Transfer-Encoding", ""):
            while True:
                size = int(self.rfile.readline().split(b";")[0], 16)
                if size == 0:
                    self.rfile.readline()
                    break
                left = size
                while left:
                    data = self.rfile.read(min(left, 65536))
                    digest_update(data)
                    left -= len(data)
                    length += len(data)
                self.rfile.readline()
        elif self.body_read is not None:
            digest_update(self.body_read)
            length = len(self.body_read)
        else:
            left = int(self.headers.get("Content-Length", "0"))
            while left:
                data = self.rfile.read(min(left, 65536))
                if not data:
                    break
                digest_update(data)
                left -= len(data)
                length += len(data)
        self.last_body = head.decode("utf-8", "replace")
        return length, digest.hexdigest()

    def not_found(self, message):
        return self.send_json(404, {"error_code": "RESOURCE_DOES_NOT_EXIST", "message": message})

    def experiment(self, experiment_id):
        return {"experiment_id": experiment_id, "name": EXPERIMENTS[experiment_id],
                "lifecycle_stage": "active"}

    def search_experiments(self, params):
        """MLflow's paging: max_results per page, the token an offset."""
        max_results = int(params.get("max_results", 1000))
        offset = int(params.get("page_token") or 0)
        ids = sorted(EXPERIMENTS, key=int)
        page = ids[offset:offset + max_results]
        answer = {"experiments": [self.experiment(i) for i in page]}
        if offset + max_results < len(ids):
            answer["next_page_token"] = str(offset + max_results)
        return self.send_json(200, answer)

    def handle_tracking(self, path, query):
        """Answers the tracking endpoints this fake knows (True); None for the rest."""
        get = self.command in ("GET", "HEAD")
        if get and path == "/api/2.0/mlflow/experiments/get":
            experiment_id = query.get("experiment_id", [""])[0]
            if experiment_id not in EXPERIMENTS:
                return self.not_found(f"No Experiment with id={experiment_id} exists")
            return self.send_json(200, {"experiment": self.experiment(experiment_id)})
        if get and path == "/api/2.0/mlflow/experiments/get-by-name":
            name = query.get("experiment_name", [""])[0]
            for experiment_id, known in EXPERIMENTS.items():
                if known == name:
                    return self.send_json(200, {"experiment": self.experiment(experiment_id)})
            return self.not_found(f"Could not find experiment with name '{name}'")
        if path in ("/api/2.0/mlflow/experiments/search", "/ajax-api/2.0/mlflow/experiments/search"):
            if get:
                return self.search_experiments({k: v[0] for k, v in query.items()})
            length = int(self.headers.get("Content-Length", "0"))
            return self.search_experiments(json.loads(self.request_body() or b"{}"))
        if self.command == "POST" and path in ("/api/2.0/mlflow/experiments/create",
                                               "/ajax-api/2.0/mlflow/experiments/create"):
            length = int(self.headers.get("Content-Length", "0"))
            name = json.loads(self.request_body() or b"{}").get("name", "")
            with STATE_LOCK:
                MUTATIONS["count"] += 1
                experiment_id = str(max(int(i) for i in EXPERIMENTS) + 1)
                EXPERIMENTS[experiment_id] = name
            return self.send_json(200, {"experiment_id": experiment_id})
        if (get and path.startswith("/api/3.0/mlflow/traces/") and path.count("/") == 5
                and path.rsplit("/", 1)[1] not in ("get", "batchGet", "search")):
            trace_id = path.rsplit("/", 1)[1]
            if trace_id not in TRACES:
                return self.not_found(f"Trace with ID {trace_id} is not found.")
            return self.send_json(200, {"trace": {"trace_info": {
                "trace_id": trace_id, "trace_location": {
                    "type": "MLFLOW_EXPERIMENT",
                    "mlflow_experiment": {"experiment_id": TRACES[trace_id]}}}}})
        if get and path.startswith("/api/3.0/mlflow/datasets/") and path.endswith("/experiment-ids"):
            dataset_id = path.split("/")[5]
            if dataset_id not in DATASETS:
                return self.not_found(f"Dataset '{dataset_id}' not found")
            return self.send_json(200, {"experiment_ids": DATASETS[dataset_id]})
        return None

    def request_body(self):
        """The whole (small) request body, read once."""
        if self.body_read is None:
            self.body_read = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        return self.body_read

    def handle_any(self):
        # Whatever the answer, the request's body is read off the connection first, so that a
        # kept-alive connection is at the next request's start when it is answered.
        self.body_read = None
        if "chunked" not in self.headers.get("Transfer-Encoding", ""):
            length = int(self.headers.get("Content-Length", "0"))
            if length <= 1 << 20:
                self.request_body()
        self.handle_routes()

    def handle_routes(self):
        url = urllib.parse.urlsplit(self.path)
        query = urllib.parse.parse_qs(url.query)
        path = url.path
        if path == "/_mutations":
            return self.send_json(200, MUTATIONS)
        if self.handle_tracking(path, query) is not None:
            return None
        if path in ("/api/2.0/mlflow/runs/get", "/ajax-api/2.0/mlflow/runs/get"):
            run_id = query.get("run_id", query.get("run_uuid", [""]))[0]
            length = int(self.headers.get("Content-Length", "0"))
            if not url.query and length:
                # MLflow's server: a GET without a query string has its fields in its body.
                run_id = json.loads(self.request_body()).get("run_id", "")
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
        if (self.command in ("GET", "HEAD") and path.startswith("/api/2.0/mlflow/logged-models/")
                and path.count("/") == 5):
            model_id = path.rsplit("/", 1)[1]
            if model_id not in LOGGED_MODELS:
                return self.send_json(404, {"error_code": "RESOURCE_DOES_NOT_EXIST",
                                            "message": f"Logged model {model_id} not found"})
            experiment_id = LOGGED_MODELS[model_id]
            return self.send_json(200, {"model": {"info": {
                "model_id": model_id, "experiment_id": experiment_id, "source_run_id": "run1",
                "artifact_uri": f"mlflow-artifacts:/{experiment_id}/models/{model_id}/artifacts"}}})
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
        if self.command not in ("GET", "HEAD"):
            with STATE_LOCK:
                MUTATIONS["count"] += 1
        length, digest = self.read_body()
        status = int(query.get("status", ["200"])[0])
        headers = [[k, v] for k, v in self.headers.items()]
        return self.send_json(status, {"method": self.command, "target": self.path,
                                       "headers": headers, "body_length": length,
                                       "body_sha256": digest, "body": self.last_body},
                              extra=[("X-Echo", "yes"), ("Set-Cookie", "a=1"),
                                     ("Set-Cookie", "b=2")])

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = do_HEAD = handle_any


def main():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    if len(sys.argv) == 4 and sys.argv[1] == "--tls":
        import ssl
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(sys.argv[2], sys.argv[3])
        # The handshake runs on the connection's own thread (do_handshake_on_connect), not in
        # the accept loop, so a client that never completes one holds up nobody else.
        server.socket = context.wrap_socket(server.socket, server_side=True,
                                            do_handshake_on_connect=False)
    print(f"listening on {server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
