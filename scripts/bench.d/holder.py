#!/usr/bin/env python3
"""Holds connections open against one server for scripts/bench --hold-idle/--hold-slowloris:

  idle       keep-alive connections left open after one GET /health, as a client's connection
             pool leaves them;
  slowloris  connections that send a request head one byte every --interval seconds and never
             finish it.

A connection the server closes (idle or header timeout, connection cap) is counted and opened
again, so the number held stays what was asked for. Everything runs in one thread over
non-blocking sockets. Prints "ready <idle> <slowloris>" once the connections are open (or after
--ready-timeout with as many as made it), then holds them until SIGTERM/SIGINT or --max-seconds,
and prints its counters as one JSON line. Loopback only.
"""
import argparse
import errno
import json
import selectors
import signal
import socket
import sys
import time

HEALTH = b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
# Long enough never to be finished at one byte per interval.
SLOW_HEAD = (b"GET /api/2.0/mlflow/registered-models/get?name=slowloris HTTP/1.1\r\n"
             b"Host: 127.0.0.1\r\nX-Padding: " + b"a" * 60000)
CONNECT_TIMEOUT = 10.0


class Conn:
    def __init__(self, kind):
        self.kind = kind
        self.sock = None
        self.state = "closed"
        self.since = 0.0
        self.buffer = b""
        self.sent = 0
        self.next_byte = 0.0


class Holder:
    def __init__(self, port, idle, slow, interval):
        self.port = port
        self.interval = interval
        self.selector = selectors.DefaultSelector()
        self.conns = [Conn("idle") for _ in range(idle)] + [Conn("slow") for _ in range(slow)]
        self.stats = {"idle_wanted": idle, "slowloris_wanted": slow, "idle_closed_by_server": 0,
                      "slowloris_closed_by_server": 0, "connect_failures": 0,
                      "unexpected_answers": 0}
        self.stopping = False

    def open(self, conn, now):
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setblocking(False)
        try:
            sock.connect(("127.0.0.1", self.port))
        except BlockingIOError:
            pass
        except OSError:
            sock.close()
            self.stats["connect_failures"] += 1
            conn.state, conn.since = "closed", now
            return
        conn.sock, conn.state, conn.since = sock, "connecting", now
        conn.buffer, conn.sent = b"", 0
        self.selector.register(sock, selectors.EVENT_WRITE, conn)

    def close(self, conn, now, by_server):
        if conn.sock is not None:
            try:
                self.selector.unregister(conn.sock)
            except (KeyError, ValueError):
                pass
            conn.sock.close()
        if by_server:
            key = "idle_closed_by_server" if conn.kind == "idle" else "slowloris_closed_by_server"
            self.stats[key] += 1
        conn.sock, conn.state, conn.since = None, "closed", now

    def on_event(self, conn, mask, now):
        if conn.state == "connecting":
            err = conn.sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
            if err:
                self.stats["connect_failures"] += 1
                return self.close(conn, now, False)
            if conn.kind == "idle":
                try:
                    conn.sock.send(HEALTH)
                except OSError:
                    return self.close(conn, now, True)
                conn.state = "asking"
            else:
                conn.state = "trickling"
                conn.next_byte = now
            self.selector.modify(conn.sock, selectors.EVENT_READ, conn)
            return None
        try:
            data = conn.sock.recv(65536)
        except BlockingIOError:
            return None
        except OSError:
            data = b""
        if not data:
            return self.close(conn, now, True)
        if conn.kind == "slow" or conn.state != "asking":
            # A slowloris head answered (503 over the cap, 4xx) or a byte on an idle one: the
            # server closes next.
            self.stats["unexpected_answers"] += 1
            return None
        conn.buffer += data
        head_end = conn.buffer.find(b"\r\n\r\n")
        if head_end < 0:
            return None
        head = conn.buffer[:head_end].decode("latin-1").lower()
        length = 0
        for line in head.split("\r\n")[1:]:
            name, _, value = line.partition(":")
            if name.strip() == "content-length":
                length = int(value.strip() or 0)
        if len(conn.buffer) < head_end + 4 + length:
            return None
        if " 200 " not in head.split("\r\n")[0] + " ":
            self.stats["unexpected_answers"] += 1
        conn.state, conn.buffer = "idle", b""
        return None

    def tick(self, now):
        for conn in self.conns:
            if conn.state == "closed" and not self.stopping and now - conn.since >= 0.1:
                self.open(conn, now)
            elif conn.state == "connecting" and now - conn.since > CONNECT_TIMEOUT:
                self.stats["connect_failures"] += 1
                self.close(conn, now, False)
            elif conn.state == "trickling" and now >= conn.next_byte:
                if conn.sent < len(SLOW_HEAD):
                    try:
                        conn.sock.send(SLOW_HEAD[conn.sent:conn.sent + 1])
                        conn.sent += 1
                    except BlockingIOError:
                        pass
                    except OSError:
                        self.close(conn, now, True)
                        continue
                conn.next_byte = now + self.interval

    def counts(self):
        idle = sum(1 for c in self.conns if c.kind == "idle" and c.state == "idle")
        slow = sum(1 for c in self.conns if c.kind == "slow" and c.state == "trickling")
        return idle, slow

    def run(self, ready_timeout, max_seconds):
        started = time.monotonic()
        ready = False
        opened = 0
        while not self.stopping and time.monotonic() - started < max_seconds:
            now = time.monotonic()
            # Open at most 200 new connections per round, so the listen backlog is not flooded.
            for conn in self.conns:
                if opened >= len(self.conns):
                    break
                if conn.state == "closed" and conn.since == 0.0:
                    self.open(conn, now)
                    opened += 1
                    if opened % 200 == 0:
                        break
            for key, mask in self.selector.select(timeout=0.05):
                self.on_event(key.data, mask, time.monotonic())
            self.tick(time.monotonic())
            idle, slow = self.counts()
            if not ready and ((idle, slow) == (self.stats["idle_wanted"],
                                               self.stats["slowloris_wanted"])
                              or time.monotonic() - started > ready_timeout):
                print(f"ready {idle} {slow}", flush=True)
                ready = True
        idle, slow = self.counts()
        self.stats["idle_open_at_end"] = idle
        self.stats["slowloris_open_at_end"] = slow
        for conn in self.conns:
            self.close(conn, time.monotonic(), False)
        print(json.dumps(self.stats), flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--idle", type=int, default=0)
    parser.add_argument("--slowloris", type=int, default=0)
    parser.add_argument("--interval", type=float, default=1.0,
                        help="seconds between two bytes of a slowloris head (1)")
    parser.add_argument("--ready-timeout", type=float, default=60)
    parser.add_argument("--max-seconds", type=float, default=3600)
    args = parser.parse_args()
    holder = Holder(args.port, args.idle, args.slowloris, args.interval)

    def stop(signum, frame):
        holder.stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    holder.run(args.ready_timeout, args.max_seconds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
