#!/usr/bin/env python3
"""A BitTorrent-like peer for l7sniff's network-namespace lab (lab.sh).

It speaks the opening of the BitTorrent peer wire protocol as BEP 3
describes it, which is all a classifier looks at:

  handshake  = <pstrlen=19><"BitTorrent protocol"><8 reserved bytes>
               <20-byte info_hash><20-byte peer_id>
  message    = <4-byte big-endian length><1-byte id><payload>

The connecting peer sends its handshake; the listening peer answers with
its own and a bitfield (id 5); the connecting peer says "interested"
(id 2); the listener answers "unchoke" (id 1); both close. No file is
transferred.

  bt_peer.py serve HOST PORT [PORT...]   # until killed
  bt_peer.py connect HOST PORT           # one exchange, exit 0 on success
"""

import hashlib
import selectors
import socket
import struct
import sys

PSTR = b"BitTorrent protocol"
# The info_hash of an imaginary torrent; any 20 bytes will do.
INFO_HASH = hashlib.sha1(b"l7sniff demo torrent").digest()
# Reserved bits as real clients set them: extension protocol (BEP 10) and
# DHT (BEP 5) and fast extension (BEP 6).
RESERVED = b"\x00\x00\x00\x00\x00\x10\x00\x05"
HANDSHAKE_LEN = 1 + len(PSTR) + 8 + 20 + 20


def handshake(peer_id: bytes) -> bytes:
    assert len(peer_id) == 20
    return bytes([len(PSTR)]) + PSTR + RESERVED + INFO_HASH + peer_id


def message(msg_id: int, payload: bytes = b"") -> bytes:
    return struct.pack(">IB", 1 + len(payload), msg_id) + payload


def recv_exact(sock: socket.socket, n: int) -> bytes:
    buf = b""
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if not chunk:
            raise ConnectionError(f"peer closed after {len(buf)} of {n} bytes")
        buf += chunk
    return buf


def recv_message(sock: socket.socket) -> tuple[int, bytes]:
    (length,) = struct.unpack(">I", recv_exact(sock, 4))
    body = recv_exact(sock, length)
    return body[0], body[1:]


def check_handshake(data: bytes) -> None:
    if data[0] != len(PSTR) or data[1 : 1 + len(PSTR)] != PSTR:
        raise ValueError(f"not a BitTorrent handshake: {data[:20]!r}")


def answer(conn: socket.socket) -> None:
    conn.settimeout(5)
    check_handshake(recv_exact(conn, HANDSHAKE_LEN))
    conn.sendall(handshake(b"-L7SNIF-listener0001") + message(5, b"\xff\xf0"))
    msg_id, _ = recv_message(conn)
    if msg_id == 2:  # interested
        conn.sendall(message(1))  # unchoke


def serve(host: str, ports: list[int]) -> None:
    sel = selectors.DefaultSelector()
    for port in ports:
        ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        ls.bind((host, port))
        ls.listen(16)
        sel.register(ls, selectors.EVENT_READ)
    while True:
        for key, _ in sel.select():
            conn, _ = key.fileobj.accept()
            with conn:
                try:
                    answer(conn)
                except (OSError, ValueError) as e:
                    print(f"bt_peer: {e}", file=sys.stderr, flush=True)


def connect(host: str, port: int) -> None:
    with socket.create_connection((host, port), timeout=5) as s:
        s.sendall(handshake(b"-L7SNIF-connector001"))
        check_handshake(recv_exact(s, HANDSHAKE_LEN))
        msg_id, _ = recv_message(s)  # bitfield
        if msg_id != 5:
            raise ValueError(f"expected bitfield, got message {msg_id}")
        s.sendall(message(2))  # interested
        msg_id, _ = recv_message(s)
        if msg_id != 1:
            raise ValueError(f"expected unchoke, got message {msg_id}")


def main() -> None:
    if len(sys.argv) >= 4 and sys.argv[1] == "serve":
        serve(sys.argv[2], [int(p) for p in sys.argv[3:]])
    elif len(sys.argv) == 4 and sys.argv[1] == "connect":
        connect(sys.argv[2], int(sys.argv[3]))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
