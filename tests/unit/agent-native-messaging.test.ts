/** The agent's native messaging link (agent/src/native-messaging.ts), over streams as the browser drives them. */
import fc from 'fast-check';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { BATCH_MAX, encodeMessage, MAX_TO_BROWSER, nativeSigner, readMessages } from '../../agent/src/native-messaging';

/** Whole messages read from `chunks` fed one by one. */
function readAll(chunks: Buffer[]): { messages: unknown[]; broken: string[] } {
  const input = new PassThrough();
  const messages: unknown[] = [];
  const broken: string[] = [];
  readMessages(
    input,
    (m) => messages.push(m),
    (why) => broken.push(why),
  );
  for (const chunk of chunks) input.emit('data', chunk);
  return { messages, broken };
}

/** `bytes` cut at the given places. */
const cut = (bytes: Buffer, at: number[]) => {
  const points = [...new Set(at.map((a) => a % (bytes.length + 1)))].sort((a, b) => a - b);
  const parts: Buffer[] = [];
  let from = 0;
  for (const p of points) (parts.push(bytes.subarray(from, p)), (from = p));
  parts.push(bytes.subarray(from));
  return parts;
};

describe('native messaging frames', () => {
  it('property: any JSON messages, however their bytes are split, arrive whole and in order', () => {
    fc.assert(
      fc.property(fc.array(fc.jsonValue(), { minLength: 1, maxLength: 8 }), fc.array(fc.nat(), { maxLength: 10 }), (values, at) => {
        const expected = values.map((v) => JSON.parse(JSON.stringify(v)) as unknown);
        const { messages, broken } = readAll(cut(Buffer.concat(values.map(encodeMessage)), at));
        expect(broken).toEqual([]);
        expect(messages).toEqual(expected);
      }),
    );
  });

  it('a length over 64 MiB or a body that is not JSON breaks the link, in words', () => {
    const huge = Buffer.alloc(4);
    huge.writeUInt32LE(64 * 1024 * 1024 + 1);
    expect(readAll([huge]).broken).toEqual([`a message length of ${64 * 1024 * 1024 + 1} bytes`]);
    const notJson = Buffer.from('{nope');
    const length = Buffer.alloc(4);
    length.writeUInt32LE(notJson.length);
    expect(readAll([length, notJson]).broken).toEqual(['a message that is not JSON']);
  });

  it('never writes a message over the browser’s 1 MB limit', () => {
    expect(() => encodeMessage('x'.repeat(MAX_TO_BROWSER))).toThrow(RangeError);
  });
});

describe('signing through the extension', () => {
  const answer = { ok: true as const, host: 'external-api.demo.kalshi.co', headers: { 'KALSHI-ACCESS-KEY': 'k' } };
  const request = { token: 'kkb_x', method: 'GET', path: '/trade-api/v2/portfolio/balance' };

  /** The browser's end: what the agent wrote, and a way to answer it. */
  function browser() {
    const toAgent = new PassThrough();
    const fromAgent = new PassThrough();
    const asked: Array<{ id: number; type: string }> = [];
    readMessages(
      fromAgent,
      (m) => asked.push(m as { id: number; type: string }),
      () => undefined,
    );
    return { toAgent, fromAgent, asked, reply: (id: number, a: unknown) => toAgent.write(encodeMessage({ id, answer: a })) };
  }

  it('each request goes with an id and takes the answer with that id, in any order', async () => {
    const b = browser();
    const signer = nativeSigner(b.toAgent, b.fromAgent);
    const first = signer.sign(request);
    const second = signer.sign({ ...request, method: 'POST' });
    await new Promise((r) => setImmediate(r));
    expect(b.asked).toEqual([
      { id: 1, type: 'sign', ...request },
      { id: 2, type: 'sign', ...request, method: 'POST' },
    ]);
    b.reply(2, { ok: false, status: 403, code: 'outside_grant', message: 'no' });
    b.reply(1, answer);
    expect(await first).toEqual(answer);
    expect(await second).toMatchObject({ ok: false, code: 'outside_grant' });
  });

  it('the browser closing answers every waiting request and every later one as closed', async () => {
    const b = browser();
    const signer = nativeSigner(b.toAgent, b.fromAgent);
    const waiting = signer.sign(request);
    b.toAgent.end();
    await expect(waiting).rejects.toThrow('the browser is closed');
    await expect(signer.sign(request)).rejects.toThrow('the browser is closed');
  });

  it('an extension that does not answer in time: the request fails, a late answer changes nothing', async () => {
    const b = browser();
    const signer = nativeSigner(b.toAgent, b.fromAgent, { timeoutMs: 20 });
    await expect(signer.sign(request)).rejects.toThrow('did not answer');
    b.reply(1, answer); // ignored
    b.toAgent.write(encodeMessage({ surprise: true })); // not a reply: ignored
    const next = signer.sign(request);
    await new Promise((r) => setImmediate(r));
    b.reply(2, answer);
    expect(await next).toEqual(answer);
  });

  it('tells the extension Kalshi’s status for what it signed, never for a refusal; hands on other messages', async () => {
    const b = browser();
    const other: unknown[] = [];
    const signer = nativeSigner(b.toAgent, b.fromAgent, { onOther: (m) => other.push(m) });
    const signed = signer.sign(request);
    const refused = signer.sign(request);
    await new Promise((r) => setImmediate(r));
    b.reply(1, answer);
    b.reply(2, { ok: false, status: 403, code: 'outside_grant', message: 'no' });
    b.toAgent.write(encodeMessage({ type: 'off' }));
    signer.outcome(await signed, 200);
    signer.outcome(await refused, 403);
    signer.outcome({ ...answer }, 200); // an answer from another link
    await new Promise((r) => setImmediate(r));
    expect(b.asked.slice(2)).toEqual([{ type: 'outcome', id: 1, status: 200 }]);
    expect(other).toEqual([{ type: 'off' }]);
  });

  const turn = () => new Promise((r) => setImmediate(r));

  it('once the extension says batches: one turn’s requests go as one sign-batch, answered as one message', async () => {
    const b = browser();
    const signer = nativeSigner(b.toAgent, b.fromAgent);
    b.toAgent.write(encodeMessage({ type: 'batches' }));
    await turn();
    const signed = [signer.sign(request), signer.sign({ ...request, method: 'POST' }), signer.sign({ ...request, token: undefined })];
    await turn();
    expect(b.asked).toEqual([
      {
        type: 'sign-batch',
        requests: [
          { id: 1, ...request },
          { id: 2, ...request, method: 'POST' },
          { id: 3, method: 'GET', path: request.path },
        ],
      },
    ]);
    const refusal = { ok: false, status: 401, code: 'unknown_grant', message: 'no' };
    b.toAgent.write(
      encodeMessage({
        type: 'answers',
        answers: [
          { id: 3, answer: refusal },
          { id: 1, answer },
          { id: 2, answer: { ...answer } },
        ],
      }),
    );
    const [first, second, third] = await Promise.all(signed);
    expect([first, second, third]).toEqual([answer, answer, refusal]);
    // Their outcomes in one message too; a lone request or outcome keeps the single form.
    signer.outcome(first!, 200);
    signer.outcome(second!, 201);
    signer.outcome(third!, 401);
    await turn();
    const lone = signer.sign(request);
    await turn();
    expect(b.asked.slice(1)).toEqual([
      {
        type: 'outcomes',
        outcomes: [
          { id: 1, status: 200 },
          { id: 2, status: 201 },
        ],
      },
      { type: 'sign', id: 4, ...request },
    ]);
    b.reply(4, answer);
    signer.outcome(await lone, 200);
    await turn();
    expect(b.asked.at(-1)).toEqual({ type: 'outcome', id: 4, status: 200 });
  });

  it('batches stay within the browser’s 1 MB limit, in as many messages as it takes', async () => {
    const b = browser();
    const signer = nativeSigner(b.toAgent, b.fromAgent, { timeoutMs: 1_000 });
    b.toAgent.write(encodeMessage({ type: 'batches' }));
    await turn();
    const long = { ...request, path: `/trade-api/v2/${'x'.repeat(15_000)}` };
    const many = Array.from({ length: BATCH_MAX + 100 }, () => signer.sign(request));
    const big = Array.from({ length: 80 }, () => signer.sign(long));
    const huge = signer.sign({ ...request, path: 'y'.repeat(MAX_TO_BROWSER) }).catch((e: Error) => e.message);
    await turn();
    const batches = b.asked as unknown as Array<{ type: string; requests: Array<{ id: number }> }>;
    // In order, none over BATCH_MAX requests or the limit; the one request over it alone is refused.
    expect(batches.map((m) => m.requests.length)).toEqual([BATCH_MAX, expect.any(Number), expect.any(Number), expect.any(Number)]);
    expect(batches.every((m) => m.requests.length <= BATCH_MAX && encodeMessage(m).length <= MAX_TO_BROWSER)).toBe(true);
    expect(batches.flatMap((m) => m.requests.map((r) => r.id))).toEqual(Array.from({ length: BATCH_MAX + 180 }, (_, i) => i + 1));
    expect(await huge).toContain('1 MB');
    for (const m of batches) b.toAgent.write(encodeMessage({ type: 'answers', answers: m.requests.map(({ id }) => ({ id, answer })) }));
    expect(await Promise.all([...many, ...big])).toHaveLength(BATCH_MAX + 180);
  });

  it('the browser closing drops what was queued and answers it as closed', async () => {
    const b = browser();
    const signer = nativeSigner(b.toAgent, b.fromAgent);
    b.toAgent.write(encodeMessage({ type: 'batches' }));
    await turn();
    const queued = signer.sign(request);
    b.toAgent.end();
    await expect(queued).rejects.toThrow('the browser is closed');
    await turn();
    expect(b.asked).toEqual([]);
  });
});
