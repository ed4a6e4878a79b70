// What the client tests publish, and what an SSE parser must read back. A string `data` is
// sent as its text, line by line, so a client sees every CR, LF and CRLF as LF; other JSON
// values arrive as compact JSON (`expect`: exact text; `json`: compared after JSON.parse).
const text = (name, data, expect = data) => ({ name, publish: { data }, expect });

export function payloadCases() {
  const object = { k: 'v', arr: [1, 2, { n: null }], nested: { deep: [true, false] }, u: 'é 🎉 日本' };
  return [
    text('one line', 'hello'),
    text('several lines', 'line 1\nline 2\nline 3'),
    text('CRLF', 'a\r\nb\r\nc', 'a\nb\nc'),
    text('lone CR', 'a\rb\rc', 'a\nb\nc'),
    text('blank lines of each kind', 'a\n\nb\r\n\r\nc\r\rd', 'a\n\nb\n\nc\n\nd'),
    text('CR then LF as separate breaks', 'a\n\rb', 'a\n\nb'),
    text('trailing LF', 'end\n'),
    text('trailing CRLF', 'end\r\n', 'end\n'),
    text('only a line break', '\r\n', '\n'),
    text('leading spaces', '  two leading spaces'),
    text('one leading space', ' one'),
    text('leading tab', '\tTab'),
    text('leading spaces on every line', ' a\n  b\r\n   c', ' a\n  b\n   c'),
    text('empty string', ''),
    text('looks like SSE fields', 'id: 999\nevent: fake\nretry: 1\n: not a comment\ndata: nested\n\nnot a new event'),
    text('colons', '::: a: b :'),
    text('emoji', 'party 🎉🚀👩‍👩‍👧 flags 🇫🇷'),
    text('CJK and others', '日本語 中文 한국어 עברית العربية Ελληνικά'),
    text('astral plane and combining marks', '𝄞 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 é'),
    text('U+2028 and U+2029 are not line breaks', 'x\u2028y\u2029z'),
    text('NUL inside data', 'a\u0000b'),
    { name: 'JSON object', publish: { data: object }, expect: JSON.stringify(object) },
    // Compared as JSON values: the server's serializer may spell numbers its own way (4.25E1).
    { name: 'JSON number', publish: { data: 42.5 }, json: 42.5 },
    { name: 'JSON integer', publish: { data: -9007199254740991 }, json: -9007199254740991 },
    { name: 'JSON true', publish: { data: true }, expect: 'true' },
    { name: 'JSON null', publish: { data: null }, expect: 'null' },
    { name: 'JSON array', publish: { data: [1, 'two', [3]] }, expect: '[1,"two",[3]]' },
    { name: 'string that looks like JSON', publish: { data: '{"a": 1}' }, expect: '{"a": 1}' },
    { name: 'named event', publish: { event: 'order.created', data: 'o' }, event: 'order.created', expect: 'o' },
    { name: 'non-ASCII event name', publish: { event: 'événement.🎉', data: 'e' }, event: 'événement.🎉', expect: 'e' },
    { name: 'event name with spaces', publish: { event: 'with spaces', data: 's' }, event: 'with spaces', expect: 's' },
    { name: 'explicit message', publish: { event: 'message', data: 'm' }, expect: 'm' },
  ];
}

// About 1 MiB of UTF-8 each: one long line, and 128 lines of 8 KiB with CRLF breaks.
export function bigPayloads() {
  const unit = 'ssehub 1 MiB payload, é 🎉 日本 | '; // multi-byte characters on purpose
  const mib = 1 << 20;
  const whole = Math.floor(mib / Buffer.byteLength(unit));
  const line = unit.repeat(whole) + '.'.repeat(mib - whole * Buffer.byteLength(unit));
  const lines = Array.from({ length: 128 }, (_, i) => `${String(i).padStart(4, '0')} ${'x'.repeat(8192 - 7)}`);
  return [
    { name: '1 MiB, one line', publish: { data: line }, expect: line },
    { name: '1 MiB, 128 CRLF lines', publish: { data: lines.join('\r\n') }, expect: lines.join('\n') },
  ];
}

// Bodies that must be refused with 400, and the error text expected.
export function framingRejects() {
  const ev = (name, event, error) => ({ name, body: { topic: 'reject', event, data: 'x' }, error });
  const tp = (name, topic) => ({ name, body: { topic, data: 'x' }, error: /"topic" must be/ });
  const eventError = /"event" must be/;
  return [
    ev('LF in event', 'a\nb', eventError),
    ev('CR in event', 'a\rb', eventError),
    ev('CRLF in event', 'a\r\nevent: injected', eventError),
    ev('NUL in event', 'a\u0000b', eventError),
    ev('DEL in event', 'a\u007fb', eventError),
    ev('tab in event', 'a\tb', eventError),
    ev('empty event', '', eventError),
    ev('129-byte event', 'e'.repeat(129), eventError),
    ev('reserved ssehub. prefix', 'ssehub.history-lost', /reserved/),
    ev('event not a string', 42, eventError),
    tp('space in topic', 'bad topic'),
    tp('LF in topic', 'a\nb'),
    tp('CR in topic', 'a\rb'),
    tp('NUL in topic', 'a\u0000b'),
    tp('non-ASCII topic', 'ümlaut'),
    tp('? in topic', 'a?b'),
    tp('& in topic', 'a&topic=b'),
    tp('empty topic', ''),
    tp('129-character topic', 't'.repeat(129)),
    tp('topic not a string', ['a']),
    { name: 'one bad event in a batch', body: [{ topic: 'reject', data: 'good' }, { topic: 'reject', event: 'bad\nname', data: 'x' }], error: /^event 1: / },
    { name: 'an id field', body: { topic: 'reject', data: 'x', id: '5' }, error: /unknown field "id"/ },
    { name: 'a retry field', body: { topic: 'reject', data: 'x', retry: 1 }, error: /unknown field "retry"/ },
    { name: 'no data', body: { topic: 'reject' }, error: /"data" is required/ },
    { name: 'empty array', body: [], error: /empty/ },
    { name: 'invalid JSON', body: '{"topic": "reject", "data": ', error: /invalid JSON/ },
    { name: 'not an object', body: '"just a string"', error: /must be a JSON object/ },
  ];
}
