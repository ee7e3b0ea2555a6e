// node-baseline: the Node.js baseline for datastar-bench's feed and hub scenarios.
//
// Plain `node:http`, no packages, one process (one JavaScript thread), written the way a Node
// developer would write these endpoints efficiently:
//
//   GET /feed?hz=H  200 with the head the Swift servers and c-epoll-hub send (text/event-stream,
//                   chunked, Vary: Accept-Encoding); then, every 1/H s, one datastar-patch-signals event
//                   {"t":<µs since the epoch>,"n":<counter>} (H: 1…1000, default 1). ONE
//                   setInterval per rate serves every stream of that rate: each firing writes
//                   every stream its event, all at once (no spreading over slots).
//   GET /sub        the same head; the stream joins the subscribers.
//   POST /publish   builds ONE event {"t":<µs since the epoch>}, writes it to every subscriber
//                   and answers 204 (the body, if any, is read and ignored). Keep-alive and
//                   pipelining as node:http does them.
//   anything else   404 (connection closed).
//
// A stream whose socket has not taken the previous writes (node:http buffers up to its high
// water mark, 16 KiB, then `writableNeedDrain`) is dropped, like c-epoll-hub drops a stream that
// cannot take a whole chunk, so a client that does not read costs bounded memory.
//
// Usage: node node-baseline.js [--port N] [--backlog N]   (port 0 picks a free one)
// Prints "node-baseline listening on http://127.0.0.1:PORT" once listening.
'use strict';

const http = require('node:http');
const { performance } = require('node:perf_hooks');

let port = 7400;
let backlog = 65535;
for (let i = 2; i < process.argv.length; i++) {
  const arg = process.argv[i];
  if (arg === '--port' && i + 1 < process.argv.length) {
    port = Number(process.argv[++i]);
  } else if (arg === '--backlog' && i + 1 < process.argv.length) {
    backlog = Number(process.argv[++i]);
  } else {
    process.stderr.write('usage: node node-baseline.js [--port N] [--backlog N]\n');
    process.exit(2);
  }
}
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  process.stderr.write('node-baseline: --port must be 0…65535\n');
  process.exit(2);
}

const MAX_HZ = 1000;

// The head of every stream; node:http adds Date and Transfer-Encoding: chunked.
const streamHead = {
  'Content-Type': 'text/event-stream',
  'Cache-Control': 'no-cache',
  'Connection': 'keep-alive',
  'X-Accel-Buffering': 'no',
};

// Wall-clock µs since the epoch, finer than Date.now().
function microsecondsSinceEpoch() {
  return Math.round((performance.timeOrigin + performance.now()) * 1000);
}

// Writes `event` to `res`, or drops the stream if its socket has not taken what it was given.
function send(res, event) {
  if (res.writableNeedDrain) {
    res.destroy();
    return false;
  }
  res.write(event);
  return true;
}

// The feed's head adds Vary, as the Swift servers' feed head does (a feed may be compressed).
const feedHead = { ...streamHead, 'Vary': 'Accept-Encoding' };

function openStream(res, head = streamHead) {
  res.writeHead(200, head);
  res.flushHeaders();
}

// The streams of one rate and their one timer: rate → { streams: Set, timer }.
const feeds = new Map();

function feedTick(feed) {
  for (const stream of feed.streams) {
    const event =
      'event: datastar-patch-signals\ndata: signals {"t":' + microsecondsSinceEpoch() + ',"n":' + ++stream.n + '}\n\n';
    send(stream.res, event);
  }
}

function joinFeed(res, hz) {
  let feed = feeds.get(hz);
  if (!feed) {
    feed = { streams: new Set(), timer: null };
    feeds.set(hz, feed);
  }
  const stream = { res, n: 0 };
  feed.streams.add(stream);
  if (feed.timer === null) feed.timer = setInterval(feedTick, 1000 / hz, feed);
  res.on('close', () => {
    feed.streams.delete(stream);
    if (feed.streams.size === 0 && feed.timer !== null) {
      clearInterval(feed.timer);
      feed.timer = null;
    }
  });
  openStream(res, feedHead);
}

// The rate of a /feed target: hz=H, 1 if absent or not a number; 0 if out of range.
function feedRate(query) {
  let hz = 1;
  for (const part of query.split('&')) {
    if (part.startsWith('hz=') && /^[0-9]+$/.test(part.slice(3))) hz = Number(part.slice(3));
  }
  return hz >= 1 && hz <= MAX_HZ ? hz : 0;
}

const subscribers = new Set();

function publish() {
  const event = 'event: datastar-patch-signals\ndata: signals {"t":' + microsecondsSinceEpoch() + '}\n\n';
  for (const res of subscribers) send(res, event);
}

const server = http.createServer((req, res) => {
  const url = req.url;
  const question = url.indexOf('?');
  const path = question < 0 ? url : url.slice(0, question);
  if (req.method === 'GET' && path === '/feed') {
    const hz = feedRate(question < 0 ? '' : url.slice(question + 1));
    if (hz === 0) {
      res.writeHead(400, { 'Content-Length': '0', 'Connection': 'close' });
      res.end();
      return;
    }
    joinFeed(res, hz);
  } else if (req.method === 'GET' && path === '/sub') {
    subscribers.add(res);
    res.on('close', () => subscribers.delete(res));
    openStream(res);
  } else if (req.method === 'POST' && path === '/publish') {
    req.resume();
    publish();
    res.writeHead(204);
    res.end();
  } else {
    res.writeHead(404, { 'Content-Length': '0', 'Connection': 'close' });
    res.end();
  }
});
// No idle timeout on keep-alive connections (and so no Keep-Alive header): the publisher's
// connection may wait longer than the default 5 s between publishes (the drain after a phase).
server.keepAliveTimeout = 0;
server.on('clientError', (error, socket) => socket.destroy());
server.listen({ port, host: '127.0.0.1', backlog }, () => {
  process.stdout.write(`node-baseline listening on http://127.0.0.1:${server.address().port}\n`);
});
