import test from 'ava';
import {LineDecoder, encodeFrame} from '../../source/protocol/codec.js';
import {parseRequest} from '../../source/protocol/parse.js';

function collect(max = 64) {
  const lines: string[] = [];
  const faults: string[] = [];
  const decoder = new LineDecoder(max, {line: (l) => lines.push(l), fault: (f) => faults.push(f)});
  return {decoder, lines, faults};
}

test('a frame split across many packets is decoded once whole', (t) => {
  const {decoder, lines} = collect();
  const bytes = Buffer.from('{"a":"é😀"}\n');
  for (const byte of bytes) decoder.push(Buffer.from([byte]));
  t.deepEqual(lines, ['{"a":"é😀"}']);
});

test('several frames in one packet come out in order; CRLF and blank lines are tolerated', (t) => {
  const {decoder, lines} = collect();
  decoder.push(Buffer.from('one\r\n\ntwo\nthr'));
  decoder.push(Buffer.from('ee\n'));
  t.deepEqual(lines, ['one', 'two', 'three']);
});

test('an oversized line is reported once, skipped, and the next line still decodes', (t) => {
  const {decoder, lines, faults} = collect(8);
  decoder.push(Buffer.from('0123456789'));
  decoder.push(Buffer.from('0123456789'));
  t.is(decoder.pendingBytes, 0, 'nothing of the oversized line is held');
  decoder.push(Buffer.from('xx\nok\n'));
  t.deepEqual(faults, ['FRAME_TOO_LARGE']);
  t.deepEqual(lines, ['ok']);
});

test('invalid UTF-8 is a bad frame, not a crash', (t) => {
  const {decoder, lines, faults} = collect();
  decoder.push(Buffer.from([0x7b, 0xff, 0xfe, 0x7d, 0x0a]));
  decoder.push(Buffer.from('fine\n'));
  t.deepEqual(faults, ['BAD_FRAME']);
  t.deepEqual(lines, ['fine']);
});

test('encodeFrame writes one line of JSON', (t) => {
  const bytes = encodeFrame({event: 'message', text: 'a\nb'});
  t.is(bytes.toString().split('\n').length, 2);
  t.deepEqual(JSON.parse(bytes.toString()), {event: 'message', text: 'a\nb'});
});

test('requests are validated at the edge with a precise reason', (t) => {
  t.like(parseRequest('not json'), {ok: false, id: null});
  t.like(parseRequest('[1,2]'), {ok: false, id: null});
  const missingId = parseRequest('{"type":"ping"}');
  t.false(missingId.ok);
  const unknown = parseRequest('{"id":1,"type":"dance"}');
  t.is(unknown.ok ? '' : unknown.error.code, 'UNKNOWN_TYPE');
  const badField = parseRequest('{"id":2,"type":"send","salon":1,"text":"\\u001b[2J"}');
  t.is(badField.ok ? '' : badField.error.code, 'BAD_REQUEST');
  t.regex(badField.ok ? '' : badField.error.message, /text/);
  const good = parseRequest('{"id":"a","type":"send","salon":"Général","text":"Bonjour !"}');
  t.true(good.ok);
});
