"""A TCP proxy between the site and PostgreSQL (or Redis) that can play an outage.

The tests cannot stop the real server: pytest itself, and whatever else runs, need it. Cutting
the site off at the proxy looks the same from the site's side: ``stop()`` closes every open
connection (the site's next query fails with "server closed the connection unexpectedly") and
refuses new ones ("connection refused"); ``start()`` accepts again, on the same port.

``watch``, when set, sees every chunk the site sends to the database before it is passed on,
with the site's port of that connection: a test can act at an exact point of a transaction.
"""

import contextlib
import socket
import threading

HOST = "127.0.0.1"
CHUNK = 65536
ACCEPT_POLL = 0.2  # seconds


class DatabaseProxy:
    def __init__(self, upstream_host: str, upstream_port: int):
        self.upstream = (upstream_host, upstream_port)
        self.port = 0
        self.watch = None  # watch(data: bytes, site_port: int)
        self._lock = threading.Lock()
        self._listener: socket.socket | None = None
        self._open: set[socket.socket] = set()

    def start(self) -> "DatabaseProxy":
        listener = socket.create_server((HOST, self.port))  # SO_REUSEADDR: the same port again
        listener.settimeout(ACCEPT_POLL)
        self.port = listener.getsockname()[1]
        with self._lock:
            self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()
        return self

    def stop(self) -> int:
        """The database goes away: refuse new connections, cut the open ones; how many were cut."""
        with self._lock:
            listener, self._listener = self._listener, None
            open_sockets, self._open = self._open, set()
        if listener is not None:
            _close(listener)
        for sock in open_sockets:
            _close(sock)
        return len(open_sockets) // 2

    def _accept(self, listener: socket.socket) -> None:
        while True:
            with self._lock:
                if self._listener is not listener:
                    return
            try:
                client, _address = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self._connect(listener, client)

    def _connect(self, listener: socket.socket, client: socket.socket) -> None:
        try:
            client.settimeout(None)
            site_port = client.getpeername()[1]
            server = socket.create_connection(self.upstream, timeout=5)
            server.settimeout(None)
        except OSError:
            _close(client)
            return
        with self._lock:
            if self._listener is not listener:  # stopped meanwhile
                _close(client)
                _close(server)
                return
            self._open |= {client, server}
        for source, target, port in ((client, server, site_port), (server, client, None)):
            threading.Thread(target=self._pump, args=(source, target, port), daemon=True).start()

    def _pump(self, source: socket.socket, target: socket.socket, site_port: int | None) -> None:
        try:
            while data := source.recv(CHUNK):
                if site_port is not None and self.watch is not None:
                    self.watch(data, site_port)
                target.sendall(data)
        except OSError:
            pass
        with self._lock:
            self._open -= {source, target}
        _close(source)
        _close(target)


def _close(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    sock.close()
