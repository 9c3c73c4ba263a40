// SPDX-License-Identifier: MIT
// The dashboard's pure modules under node:test: decimal formatting never goes through floating point, and the
// server-sent-events parser splits a stream the way the HTML standard says, however the bytes are chunked.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EventStreamParser } from '../../dashboard/event-stream.mjs';
import { compareDecimals, count, groupDigits, money, nextUtcDay, percent, signedMoney, signedPercent, time } from '../../dashboard/format.mjs';

test('amounts keep every digit the API wrote; only grouping is added', () => {
  assert.equal(groupDigits('0.00'), '0.00');
  assert.equal(groupDigits('999.99'), '999.99');
  assert.equal(groupDigits('1000.00'), '1,000.00');
  assert.equal(groupDigits('-1234567.891'), '-1,234,567.891');
  assert.equal(groupDigits('1000'), '1,000');
  // Past 2^53 a float would round these; the string is kept exact.
  assert.equal(groupDigits('92233720368547758.07'), '92,233,720,368,547,758.07');
  assert.equal(groupDigits('90071992547409.93'), '90,071,992,547,409.93');
  assert.equal(groupDigits('0.10000000000000001'), '0.10000000000000001');
  // Not a plain decimal: shown as received rather than guessed at.
  for (const odd of ['1e5', '', 'NaN', '12.', '.5', '1,000']) assert.equal(groupDigits(odd), odd);
  assert.equal(money('1234.50', 'USD'), '1,234.50 USD');
  assert.equal(money(null, 'USD'), '–');
  assert.equal(count(1234567), '1,234,567');
});

test('differences carry their sign; percentages name a zero base', () => {
  assert.equal(signedMoney('12.00', 'EUR'), '+12.00 EUR');
  assert.equal(signedMoney('-3.50', 'EUR'), '-3.50 EUR');
  assert.equal(signedMoney('0.00', 'EUR'), '0.00 EUR');
  assert.equal(percent('41.25'), '41.25 %');
  assert.equal(percent('-5.00'), '-5.00 %');
  assert.equal(percent(null), 'n/a');
  assert.equal(signedPercent('4.55'), '+4.55 %');
  assert.equal(signedPercent('-1.20'), '-1.20 %');
  assert.equal(signedMoney('1234.00', 'USD'), '+1,234.00 USD');
  assert.equal(time('2026-11-27T09:30:00.000Z'), '2026-11-27 09:30:00 UTC');
});

test('a period\'s exclusive end is the next UTC day, across months, years and leap days', () => {
  assert.equal(nextUtcDay('2026-11-30'), '2026-12-01');
  assert.equal(nextUtcDay('2026-12-31'), '2027-01-01');
  assert.equal(nextUtcDay('2028-02-28'), '2028-02-29');
  assert.equal(nextUtcDay('2026-03-28'), '2026-03-29'); // a DST change in Europe: UTC days do not care
});

test('decimals compare exactly, signs and lengths included', () => {
  assert.equal(compareDecimals('10.00', '9.99'), 1);
  assert.equal(compareDecimals('9.99', '10.00'), -1);
  assert.equal(compareDecimals('1.5', '1.50'), 0);
  assert.equal(compareDecimals('-1.00', '0.50'), -1);
  assert.equal(compareDecimals('-2.00', '-1.00'), -1);
  assert.equal(compareDecimals('-0.00', '0.00'), 0);
  assert.equal(compareDecimals('90071992547409.93', '90071992547409.92'), 1); // equal as doubles
});

const STREAM = 'event: snapshot\ndata: {"a":1}\n\n: keep-alive\n\nevent: stock\r\ndata: {"b":\r\ndata: 2}\r\n\r\ndata: plain\r\rid: 7\nevent: holds\ndata:{"c":3}\n\n';
const EXPECTED = [
  { event: 'snapshot', data: '{"a":1}' },
  { event: 'stock', data: '{"b":\n2}' },
  { event: 'message', data: 'plain' },
  { event: 'holds', data: '{"c":3}' },
];

test('the event-stream parser: named and unnamed events, multi-line data, comments, CRLF, CR and LF', () => {
  assert.deepEqual(new EventStreamParser().push(STREAM), EXPECTED);
});

test('the same events whatever the chunking, down to one character at a time and splits inside CRLF', () => {
  for (let size = 1; size <= STREAM.length; size++) {
    const parser = new EventStreamParser();
    const events = [];
    for (let i = 0; i < STREAM.length; i += size) events.push(...parser.push(STREAM.slice(i, i + size)));
    assert.deepEqual(events, EXPECTED, `chunks of ${size}`);
  }
  // An event without its closing blank line is not dispatched (the standard drops it at end of stream).
  assert.deepEqual(new EventStreamParser().push('event: stock\ndata: {}\n'), []);
});
