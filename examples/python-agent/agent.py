#!/usr/bin/env python3
"""An orch agent in Python 3, standard library only, written from docs/protocol.md.

It connects to the daemon that spawned it, says hello (with the token orch
gave it), signals ready and consumes its messages. It answers every `ping`
with a `ping.reply` and, every few seconds, sends a `ping` of its own to PEER
(a Node agent by default). While it handles a message it renews the
message's lease, so a slow handler (WORK_MS) is not delivered twice.

The whole protocol is in three pieces, each a small function here, so a port
to Go is mostly a transliteration:
  * framing:   one JSON object per line, UTF-8, '\n' at the end      (Conn)
  * calls:     {"id","method","params"} -> {"id","result"|"error"}   (Conn.call, Conn.request)
  * pushes:    {"event":"message","data":<message>} after queue.consume
and one helper thread, LeaseRenewer, that calls queue.extend while a handler runs.
"""

import json
import os
import select
import signal
import socket
import sys
import threading
import time
import uuid

PROTOCOL_VERSION = 1
MAX_FRAME_BYTES = 1024 * 1024  # the daemon drops bigger frames; it never sends one

# The daemon sets these for every agent it spawns.
SOCKET_PATH = os.environ["ORCH_SOCKET"]
AGENT_ID = os.environ["ORCH_AGENT_ID"]  # 'py', or 'py:N' when the agent has several instances
AGENT_NAME = os.environ.get("ORCH_AGENT_NAME", AGENT_ID)
# Proves to the daemon that this process is the one it spawned (new at every spawn).
# Absent when the agent runs outside orch: the config must then declare it `type: 'external'`.
TOKEN = os.environ.get("ORCH_AGENT_TOKEN")

# This example's own settings (from `env` in ecosystem.config.ts).
PEER = os.environ.get("PEER", "agent_1")
PING_EVERY_S = int(os.environ.get("PING_EVERY_MS", "3000")) / 1000
WORK_S = int(os.environ.get("WORK_MS", "0")) / 1000  # how long handling a ping takes: a stand-in for slow work
REPLY_TIMEOUT_S = 30
DEFAULT_LEASE_MS = 30_000  # the daemon sends `leaseMs` with each message; this is only a fallback

BACKOFF_FIRST_S = 0.1
BACKOFF_MAX_S = 5.0


def log(text):
    print(text, flush=True)


class ConnectionLost(Exception):
    """The daemon went away (stopped, restarted or crashed): reconnect."""


class DaemonError(Exception):
    """An error response: `code` is stable (E_NOT_LEASED, E_UNKNOWN_RECIPIENT, ...)."""

    def __init__(self, error):
        super().__init__(f"{error.get('code')}: {error.get('message')}")
        self.code = error.get("code")


class Conn:
    """One connection to the daemon: newline-delimited JSON frames over a Unix socket."""

    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(path)  # FileNotFoundError / ConnectionRefusedError while the daemon is down
        self.buf = b""  # bytes received but not yet split into frames
        self.backlog = []  # frames read by call() that are not its response
        self.next_id = 1
        self.pending = {}  # request id -> method, for requests whose response we do not wait for
        self.lock = threading.Lock()  # LeaseRenewer sends from its own thread: one writer at a time

    def close(self):
        self.sock.close()

    def write(self, frame):
        # One frame = compact JSON + '\n'. json.dumps never emits a raw newline (it escapes them in strings).
        data = (json.dumps(frame, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")
        try:
            self.sock.sendall(data)
        except OSError as err:
            raise ConnectionLost(str(err))

    def read_frames(self, timeout):
        """Frames kept back by call() first; else waits up to `timeout` seconds for more (maybe none)."""
        if self.backlog:
            frames, self.backlog = self.backlog, []
            return frames
        return self.recv_frames(timeout)

    def recv_frames(self, timeout):
        """Waits up to `timeout` seconds; returns every complete frame received (maybe none).

        One recv() may hold half a frame, several frames, or a frame cut inside
        a multi-byte character. Split on the byte b'\\n' (it never occurs inside
        a UTF-8 sequence) and decode only complete lines; keep the rest.
        """
        if self.backlog:
            frames, self.backlog = self.backlog, []
            return frames
        ready, _, _ = select.select([self.sock], [], [], max(0, timeout))
        if not ready:
            return []
        try:
            chunk = self.sock.recv(65536)
        except OSError as err:
            raise ConnectionLost(str(err))
        if not chunk:
            raise ConnectionLost("the daemon closed the connection")
        self.buf += chunk
        frames = []
        while b"\n" in self.buf:
            line, self.buf = self.buf.split(b"\n", 1)
            if line.strip():
                frames.append(json.loads(line.decode("utf-8")))
        if len(self.buf) > MAX_FRAME_BYTES:
            raise ConnectionLost("frame over the size limit")
        return frames

    def request(self, method, params, what=None):
        """Sends a request without waiting; its response is checked in handle_response(), which names it `what`."""
        with self.lock:
            rid = self.next_id
            self.next_id += 1
            self.pending[rid] = what or method
            self.write({"id": rid, "method": method, "params": params})
        return rid

    def call(self, method, params, timeout=10):
        """Sends a request and waits for its response. Other frames are kept for later."""
        rid = self.request(method, params)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            frames = self.recv_frames(deadline - time.monotonic())
            for i, frame in enumerate(frames):
                if frame.get("id") == rid and "event" not in frame:
                    with self.lock:
                        del self.pending[rid]
                    self.backlog.extend(frames[i + 1 :])  # a message may share the read with the response
                    if "error" in frame:
                        raise DaemonError(frame["error"])
                    return frame["result"]
                self.backlog.append(frame)
        raise ConnectionLost(f"no answer to {method} within {timeout}s")

    def handle_response(self, frame):
        """A response to a request() we did not wait for: only errors matter."""
        with self.lock:
            method = self.pending.pop(frame.get("id"), "?")
        err = frame.get("error")
        if err and method == "reply" and err.get("code") == "E_UNKNOWN_RECIPIENT":
            # The requester cannot receive (the CLI after `orch send`, or it left): the work is done all the same.
            print(f"warning: reply not delivered: {err.get('message')}", file=sys.stderr, flush=True)
        elif err:
            # E_NOT_LEASED on an ack: the lease ran out and the message will come again.
            # id null: the daemon could not tell which request failed (malformed or oversize frame).
            print(f"{method} failed: {err.get('code')}: {err.get('message')}", file=sys.stderr, flush=True)
        elif isinstance(frame.get("result"), dict):
            # queue.ack {ids} and queue.extend answer ok with the ids they could not ack or renew
            for f in frame["result"].get("failed", []):
                print(f"{method} {f['id']} failed: {f['code']}: {f['message']}", file=sys.stderr, flush=True)


class LeaseRenewer(threading.Thread):
    """While a handler runs, renews its message's lease every leaseMs/3 with queue.extend.

    A delivery is leased for `leaseMs` (the agent's leaseTimeout, 30 s by default);
    past it the daemon gives the message to someone else. Renewing from a thread
    keeps the lease alive however long the handler blocks; stopping the moment the
    handler ends keeps a dead or disconnected agent from holding work.
    """

    def __init__(self, conn, m):
        super().__init__(daemon=True)
        self.conn = conn
        self.id = m["id"]
        self.every_s = m.get("leaseMs", DEFAULT_LEASE_MS) / 3 / 1000  # a third: two renewals can be late
        self.done = threading.Event()

    def run(self):
        while not self.done.wait(self.every_s):
            try:
                self.conn.request("queue.extend", {"ids": [self.id]})
            except ConnectionLost:
                return  # the lease ended with the connection: the message will come again

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *_):
        self.done.set()
        self.join()


class Agent:
    def __init__(self):
        self.conn = None
        self.sent = 0
        self.awaiting = {}  # correlationId -> (time sent, n): our pings waiting for a reply
        self.finished = {}  # correlationId -> time: pings answered or given up on, to know a late reply for one
        self.seen = {}  # message id -> time handled, to spot redeliveries (at-least-once)
        self.online = False  # set once a session got through its handshake

    def session(self):
        """One connection's life: handshake, then the message loop until the daemon goes away."""
        self.conn = conn = Conn(SOCKET_PATH)
        params = {"version": PROTOCOL_VERSION, "client": "agent", "agent": AGENT_ID, "pid": os.getpid()}
        if TOKEN:
            params["token"] = TOKEN  # omit rather than send null: null is refused
        hello = conn.call("hello", params)  # E_AGENT_REFUSED: see run()
        conn.call("agent.ready", {})  # shows `online` in `orch ls` at once
        conn.call("queue.consume", {})  # from now on messages are pushed to us, `concurrency` (default 1) at a time
        self.online = True
        log(f"{AGENT_NAME} connected to daemon pid {hello['daemonPid']}; sending pings to {PEER}")
        next_ping = time.monotonic() + PING_EVERY_S
        while True:
            for frame in conn.read_frames(next_ping - time.monotonic()):
                if frame.get("event") == "message":
                    self.on_message(frame["data"])
                elif frame.get("event") in ("consumer.replaced", "consumer.resumed"):
                    # another connection said hello as AGENT_ID: the newest one receives, until it closes
                    log(f"{AGENT_NAME}: {frame['event']}")
                elif "id" in frame:
                    conn.handle_response(frame)
                # any other event: ignore it, newer daemons may push more kinds
            if time.monotonic() >= next_ping:
                self.ping()
                self.forget_old()
                next_ping = time.monotonic() + PING_EVERY_S

    def on_message(self, m):
        """Handles one delivered message, then acks it. Unacked messages come back once their lease runs out."""
        if m["id"] in self.seen:
            # Delivered again (our ack was lost in a daemon restart): already handled, just ack.
            self.conn.request("queue.ack", {"id": m["id"]})
            return
        cid = m.get("correlationId")
        if m.get("inReplyTo") or cid in self.awaiting or cid in self.finished:
            self.on_reply(m)  # (a peer that predates inReplyTo is recognised by the correlationId alone)
        else:
            log(f"{AGENT_NAME} received from {m['from']}: {json.dumps(m['payload'])}")
            with LeaseRenewer(self.conn, m):
                self.handle(m)
        self.conn.request("queue.ack", {"id": m["id"]})
        self.seen[m["id"]] = time.monotonic()

    def handle(self, m):
        """The agent's work. The lease is renewed meanwhile, however long it takes."""
        if m["type"] == "ping":
            time.sleep(WORK_S)
            self.reply(m, {"pong": m["payload"], "lang": "python"})

    def on_reply(self, m):
        """A reply settles the request it answers; one that answers nothing pending is dropped (acked, not handled)."""
        started = self.awaiting.pop(m.get("correlationId"), None)
        if not started:
            # A second reply (at-least-once), or one after we gave up: handling it would do the work twice.
            log(f"{AGENT_NAME} dropped a {m['type']} from {m['from']}: no pending request (already answered or timed out)")
            return
        self.finished[m["correlationId"]] = time.monotonic()
        log(f"{AGENT_NAME} received from {m['from']}: {json.dumps(m['payload'])}")
        log(f"{AGENT_NAME} ping {started[1]} answered in {(time.monotonic() - started[0]) * 1000:.0f} ms")

    def reply(self, m, payload):
        """The request/reply convention every orch SDK follows (docs/protocol.md, Request/reply)."""
        params = {
            "to": m.get("replyTo") or m["from"],
            "type": m["type"] + ".reply",
            "payload": payload,
            "inReplyTo": m["id"],  # marks it as a reply: never held back by the requester's concurrency
            "hops": m["hops"] + 1,  # the daemon refuses hops > 16: this stops reply loops
        }
        if m.get("correlationId"):
            params["correlationId"] = m["correlationId"]  # omit rather than send null: null is refused
        self.conn.request("queue.send", params, what="reply")

    def ping(self):
        """Our own request to PEER: correlationId and replyTo let the reply find its way back."""
        self.sent += 1
        correlation_id = str(uuid.uuid4())
        self.awaiting[correlation_id] = (time.monotonic(), self.sent)
        self.conn.request(
            "queue.send",
            {
                "to": PEER,
                "type": "ping",
                "payload": {"n": self.sent, "from": "python"},
                "correlationId": correlation_id,
                "replyTo": AGENT_ID,
            },
        )

    def forget_old(self):
        now = time.monotonic()
        for cid, (at, n) in list(self.awaiting.items()):
            if now - at > REPLY_TIMEOUT_S:
                del self.awaiting[cid]
                self.finished[cid] = now
                log(f"{AGENT_NAME} ping {n} to {PEER}: no reply within {REPLY_TIMEOUT_S}s")
        # remember handled ids and finished pings a while: long enough to outlive a lease and a daemon restart
        for memo in (self.seen, self.finished):
            for key in [key for key, at in memo.items() if now - at > 10 * 60]:
                del memo[key]

    def run(self):
        """Reconnects for ever with exponential backoff: a daemon restart removes and recreates the socket."""
        backoff = BACKOFF_FIRST_S
        while True:
            self.online = False
            try:
                self.session()
            except (ConnectionLost, OSError) as err:
                if self.online:
                    backoff = BACKOFF_FIRST_S  # we were connected: the first retry is quick
                print(f"{AGENT_NAME} disconnected: {err}; retrying in {backoff:.1f}s", file=sys.stderr, flush=True)
            except DaemonError as err:
                print(f"{AGENT_NAME}: {err}", file=sys.stderr, flush=True)
                if err.code == "E_AGENT_REFUSED":
                    # Wrong or missing ORCH_AGENT_TOKEN: retrying cannot help. Exit: orch restarts the
                    # agents it spawns with a new token; one started by hand must be declared
                    # `type: 'external'` in the config.
                    sys.exit(1)
                # E_VERSION_MISMATCH or the like: say so, keep retrying slowly.
                backoff = BACKOFF_MAX_S
            finally:
                if self.conn:
                    self.conn.close()
                    self.conn = None
            # Leases end with the connection: what we did not ack comes again, nothing to resend.
            time.sleep(backoff)
            backoff = min(backoff * 2, BACKOFF_MAX_S)


def main():
    # orch stops an agent with SIGTERM (then SIGKILL after killTimeout): exit cleanly.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    log(f"{AGENT_NAME} ({AGENT_ID}) starting, pid {os.getpid()}")
    Agent().run()


if __name__ == "__main__":
    main()
