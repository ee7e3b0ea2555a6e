#!/usr/bin/env python3
"""Reads one compressed Datastar stream over HTTP and decodes it event by event.

An independent check of the SDK's compression: it decodes with Python's own libraries
(brotli, zstandard, zlib), never with the server's code. For event i = 1...N it first asks the
server to send that event (POST --trigger, with n=i), then reads the body until the decoder
has produced a complete SSE event that carries i (`data-n="i"` or `"n":i,`). Since the server
sends nothing more until the next trigger, the event must be decodable from what has arrived:
a compressor that held output back makes this time out.

Prints one JSON object with what it saw; exits 1 with a message on the first failure.
"""
import argparse
import http.client
import json
import sys
import time
import urllib.parse
import zlib


def decoder_for(coding):
    if coding == "br":
        import brotli
        d = brotli.Decompressor()
        return d.process, d.is_finished
    if coding == "zstd":
        import zstandard
        d = zstandard.ZstdDecompressor().decompressobj()
        return d.decompress, lambda: d.eof
    if coding in ("gzip", "deflate"):
        d = zlib.decompressobj(16 + zlib.MAX_WBITS if coding == "gzip" else zlib.MAX_WBITS)
        return d.decompress, lambda: d.eof
    if coding == "identity":
        return (lambda data: data), (lambda: True)
    raise SystemExit(f"unknown coding {coding}")


def fail(message, **extra):
    print(json.dumps({"ok": False, "error": message, **extra}))
    sys.exit(1)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--stream", required=True, help="URL of the stream (GET)")
    parser.add_argument("--trigger", help="URL to POST to make the server send event n (n=i is added)")
    parser.add_argument("--accept", required=True, help="the Accept-Encoding header to send")
    parser.add_argument("--expect", required=True, help="the coding the response must use")
    parser.add_argument("--events", type=int, default=3)
    parser.add_argument("--expect-end", action="store_true", help="the stream must then end, properly encoded")
    parser.add_argument("--wait-first", action="store_true",
                        help="decode one complete event (the stream's greeting) before the first trigger")
    parser.add_argument("--timeout", type=float, default=15.0)
    args = parser.parse_args()

    url = urllib.parse.urlsplit(args.stream)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=args.timeout)
    path = url.path + ("?" + url.query if url.query else "")
    conn.request("GET", path, headers={"Accept": "text/event-stream", "Accept-Encoding": args.accept})
    response = conn.getresponse()
    if response.status != 200:
        fail(f"status {response.status}")
    content_encoding = response.getheader("Content-Encoding")
    vary = response.getheader("Vary") or ""
    expected_header = None if args.expect == "identity" else args.expect
    if content_encoding != expected_header:
        fail(f"Content-Encoding is {content_encoding!r}, expected {expected_header!r}")
    if "accept-encoding" not in vary.lower():
        fail(f"Vary is {vary!r}, expected it to name Accept-Encoding")
    decode, finished = decoder_for(args.expect)

    decoded = b""
    compressed_total = 0
    per_event = []

    def read_until(done, what):
        nonlocal decoded
        started = time.monotonic()
        received = 0
        while True:
            complete = decoded.rsplit(b"\n\n", 1)[0] + b"\n\n" if b"\n\n" in decoded else b""
            if done(complete):
                return received
            if time.monotonic() - started > args.timeout:
                fail(f"{what} was not decodable within {args.timeout}s",
                     decoded_tail=decoded[-200:].decode(errors="replace"))
            try:
                chunk = response.read1(65536)
            except Exception as error:  # noqa: BLE001 - report any read failure
                fail(f"reading {what}: {error}")
            if not chunk:
                fail(f"the stream ended before {what}")
            received += len(chunk)
            try:
                decoded += decode(chunk)
            except Exception as error:  # noqa: BLE001
                fail(f"decoding {what}: {error}")

    if args.wait_first:
        compressed_total += read_until(lambda complete: bool(complete), "the first event")
    for i in range(1, args.events + 1):
        if args.trigger:
            t = urllib.parse.urlsplit(args.trigger)
            tconn = http.client.HTTPConnection(t.hostname, t.port, timeout=args.timeout)
            sep = "&" if t.query else ""
            tconn.request("POST", f"{t.path}?{t.query}{sep}n={i}")
            tresp = tconn.getresponse()
            tresp.read()
            tconn.close()
            if tresp.status >= 300:
                fail(f"trigger {i} answered {tresp.status}")
        markers = (f'data-n="{i}"'.encode(), f'"n":{i},'.encode())
        received = read_until(lambda complete: any(m in complete for m in markers), f"event {i}")
        compressed_total += received
        per_event.append(received)

    ended = None
    if args.expect_end:
        rest = response.read()
        compressed_total += len(rest)
        if rest:
            decoded += decode(rest)
        ended = bool(finished())
        if not ended:
            fail("the stream ended without the coding's end marker")
    conn.close()
    print(json.dumps({
        "ok": True,
        "coding": content_encoding or "identity",
        "events": args.events,
        "compressed_bytes": compressed_total,
        "compressed_per_event": per_event,
        "decoded_bytes": len(decoded),
        "ended": ended,
    }))


if __name__ == "__main__":
    main()
