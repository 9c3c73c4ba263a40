// SPDX-License-Identifier: MIT
// Server-sent events read from a fetch() body. The browser's EventSource cannot send an Authorization header,
// so the dashboard reads /v1/admin/stream as a byte stream and parses it per the HTML standard's
// "event stream interpretation": lines end in CRLF, LF or CR; `event:` names the event, `data:` lines are
// joined by "\n", a blank line dispatches, lines starting with ":" are comments (keep-alives).

export class EventStreamParser {
  #buffer = "";
  #event = "";
  #data = [];
  #pendingCR = false;

  /** Feeds decoded text; returns the events it completed, [{event, data}] ("message" when unnamed). */
  push(text) {
    const events = [];
    let input = text;
    // A CR at the end of the previous chunk may be the first half of a CRLF.
    if (this.#pendingCR && input.startsWith("\n")) input = input.slice(1);
    this.#pendingCR = false;
    this.#buffer += input;
    let start = 0;
    for (;;) {
      const match = /\r\n|\r|\n/g;
      match.lastIndex = start;
      const found = match.exec(this.#buffer);
      if (!found) break;
      // A lone CR at the very end cannot be told from the start of a CRLF yet: take it as the end of the line,
      // and drop a LF that opens the next chunk.
      if (found[0] === "\r" && found.index === this.#buffer.length - 1) this.#pendingCR = true;
      this.#line(this.#buffer.slice(start, found.index), events);
      start = found.index + found[0].length;
    }
    this.#buffer = this.#buffer.slice(start);
    return events;
  }

  #line(line, events) {
    if (line === "") {
      if (this.#data.length > 0) events.push({ event: this.#event || "message", data: this.#data.join("\n") });
      this.#event = "";
      this.#data = [];
      return;
    }
    if (line.startsWith(":")) return;
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "event") this.#event = value;
    else if (field === "data") this.#data.push(value);
    // `id` and `retry` are not used by this stream; other fields are ignored, as the standard says.
  }
}

/** Yields the events of a fetch() Response body until it ends or `signal` aborts. */
export async function* readEventStream(response, signal) {
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  const parser = new EventStreamParser();
  const stop = () => reader.cancel().catch(() => {});
  signal?.addEventListener("abort", stop, { once: true });
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      yield* parser.push(value);
    }
  } finally {
    signal?.removeEventListener("abort", stop);
    reader.releaseLock();
  }
}
