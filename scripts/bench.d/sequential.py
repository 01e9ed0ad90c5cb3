"""The sequential mode of scripts/bench: the registry's searches one after another from one
client, N requests each on one keep-alive connection, with p50/p95/p99 latency per search.

Latency here is what one client sees when nothing else queues in front of its request: the
searches' own cost. Each search draws its parameter (a project, a team, a model, a run id) from
the data set at random per request, so that no single row stays cached; the page walk follows
next_page_token from the first page on, restarting after the last.
"""
import http.client
import json
import random
import time
import urllib.parse

API = "/api/2.0/mlflow"
IS_PROMPT = "mlflow.prompt.is_prompt"
# What MlflowClient.search_registered_models appends to every filter (add_prompt_filter_string).
NOT_PROMPT = f"tag.`{IS_PROMPT}` != 'true'"
TEAMS = ["risk", "growth", "search", "ads", "payments", "support", "platform", "vision"]
FRAMEWORKS = ["sklearn", "xgboost", "pytorch", "tensorflow", "lightgbm"]


class Search:
    """A search and how its requests vary: `params(rng)` gives one request's query parameters."""

    def __init__(self, name, route, description, params, walk=False):
        self.name = name
        self.route = route
        self.description = description
        self.params = params
        self.walk = walk  # Follows next_page_token instead of drawing parameters.


def searches(models, projects, run_ids):
    """The searches of issues 11 and 18, over the data set of seed.py."""
    ordinary = [m.name for m in models if not m.prompt]
    return [
        Search("models-default", "registered-models/search",
               "the Python client's default search (its prompt clause only), 100 per page",
               lambda rng: {"filter": NOT_PROMPT, "max_results": 100}),
        Search("models-name-like", "registered-models/search",
               "name LIKE 'proj-<k>.%' + the prompt clause, 100 per page",
               lambda rng: {"filter": f"name LIKE 'proj-{rng.randrange(projects)}.%' AND "
                                      f"{NOT_PROMPT}", "max_results": 100}),
        Search("models-tag", "registered-models/search",
               "tags.team = '<team>' + the prompt clause, 100 per page",
               lambda rng: {"filter": f"tags.team = '{rng.choice(TEAMS)}' AND {NOT_PROMPT}",
                            "max_results": 100}),
        Search("models-last-updated", "registered-models/search",
               "the prompt clause, order_by last_updated_timestamp DESC, 100 per page",
               lambda rng: {"filter": NOT_PROMPT, "max_results": 100,
                            "order_by": "last_updated_timestamp DESC"}),
        Search("models-page-walk", "registered-models/search",
               "the default search, page after page by next_page_token",
               lambda rng: {"filter": NOT_PROMPT, "max_results": 100}, walk=True),
        Search("versions-of-model", "model-versions/search",
               "name = '<model>', max_results 10000 (the client's default)",
               lambda rng: {"filter": f"name = '{rng.choice(ordinary)}'", "max_results": 10000}),
        Search("versions-run-id", "model-versions/search",
               "run_id = '<run>', max_results 10000",
               lambda rng: {"filter": f"run_id = '{rng.choice(run_ids)}'", "max_results": 10000}),
        Search("versions-tag", "model-versions/search",
               "tags.framework = '<fw>' AND name LIKE 'proj-<k>.%', max_results 10000",
               lambda rng: {"filter": f"tags.framework = '{rng.choice(FRAMEWORKS)}' AND "
                                      f"name LIKE 'proj-{rng.randrange(projects)}.%'",
                            "max_results": 10000}),
    ]


def _target(search, params):
    return f"{API}/{search.route}?{urllib.parse.urlencode(params)}"


class Client:
    """One keep-alive connection; reconnects if the server closed it between requests."""

    def __init__(self, host, port, headers):
        self.host, self.port, self.headers = host, port, headers
        self.conn = None

    def get(self, target):
        for attempt in range(2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
            try:
                self.conn.request("GET", target, headers=self.headers)
                response = self.conn.getresponse()
                return response.status, response.read()
            except (http.client.HTTPException, ConnectionError):
                self.conn.close()
                self.conn = None
                if attempt:
                    raise
        raise AssertionError("unreachable")

    def close(self):
        if self.conn is not None:
            self.conn.close()


def _percentile(sorted_ms, fraction):
    rank = max(1, -(-len(sorted_ms) * fraction // 1))
    return sorted_ms[int(rank) - 1]


def measure(search, client, requests, warmup, seed_value, cpu_of_server, error):
    """Runs `warmup` + `requests` requests of `search`; returns its row of the report."""
    rng = random.Random(seed_value)
    token = None
    latencies = []
    rows = []
    sizes = []
    cpu_start = None
    for i in range(warmup + requests):
        params = search.params(rng)
        if search.walk and token:
            params["page_token"] = token
        target = _target(search, params)
        if i == warmup:
            cpu_start = cpu_of_server()
        started = time.perf_counter()
        status, body = client.get(target)
        elapsed_ms = (time.perf_counter() - started) * 1000
        if status != 200:
            raise error(f"{search.name}: GET {target} answered {status}: {body[:300]!r}")
        answer = json.loads(body or b"{}")
        items = answer.get("registered_models", answer.get("model_versions", []))
        token = answer.get("next_page_token")
        if i >= warmup:
            latencies.append(elapsed_ms)
            rows.append(len(items))
            sizes.append(len(body))
    cpu_ms = (cpu_of_server() - cpu_start) * 1000 / requests
    latencies.sort()
    return {
        "search": search.name,
        "description": search.description,
        "requests": requests,
        "p50_ms": _percentile(latencies, 0.50),
        "p95_ms": _percentile(latencies, 0.95),
        "p99_ms": _percentile(latencies, 0.99),
        "max_ms": latencies[-1],
        "server_cpu_ms": cpu_ms,
        "rows_per_page": sum(rows) / len(rows),
        "empty_pages": sum(1 for n in rows if n == 0),
        "bytes_per_page": sum(sizes) / len(sizes),
    }


def format_table(rows):
    header = ["search", "p50 ms", "p95 ms", "p99 ms", "max ms", "server cpu ms/req", "rows/page",
              "KB/page", "others cpu"]
    lines = [header]
    for r in rows:
        lines.append([r["search"], f"{r['p50_ms']:.2f}", f"{r['p95_ms']:.2f}",
                      f"{r['p99_ms']:.2f}", f"{r['max_ms']:.2f}", f"{r['server_cpu_ms']:.2f}",
                      f"{r['rows_per_page']:.0f}", f"{r['bytes_per_page'] / 1024:.1f}",
                      f"{r['cpu']['other_processes_pct']:.0f}%"])
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    out = []
    for n, line in enumerate(lines):
        cells = [c.ljust(w) if i == 0 else c.rjust(w)
                 for i, (c, w) in enumerate(zip(line, widths))]
        out.append("  ".join(cells).rstrip())
        if n == 0:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join(out)
