import { connect } from 'nats';
import { describe, expect, it } from 'vitest';
import { type DomainEvent, InProcessBus, natsBus } from '../src/events.ts';

const NATS_URL = process.env.NATS_URL || 'nats://127.0.0.1:4222';
const natsUp = await connect({ servers: NATS_URL, timeout: 1000 })
  .then(async (nc) => {
    await nc.close();
    return true;
  })
  .catch(() => false);
if (!natsUp) console.warn(`NATS JetStream not reachable at ${NATS_URL}: the JetStream event test is SKIPPED`);

describe('events', () => {
  it('in-process bus delivers to subscribers of the type only', async () => {
    const bus = new InProcessBus();
    const got: DomainEvent[] = [];
    bus.subscribe('case.submitted', (e) => {
      got.push(e);
    });
    await bus.publish('case.submitted', { id: 1 });
    await bus.publish('case.other', { id: 2 });
    expect(got.map((e) => e.payload)).toEqual([{ id: 1 }]);
  });

  it.runIf(natsUp)('JetStream bus: an event published by one process reaches another', async () => {
    const a = await natsBus(NATS_URL);
    const b = await natsBus(NATS_URL);
    const type = `test.t${Date.now()}`;
    const received = new Promise<DomainEvent>((resolve) => b.subscribe(type, resolve));
    await a.publish(type, { hello: '佛山' });
    const e = await Promise.race([
      received,
      new Promise<never>((_, rej) => setTimeout(() => rej(new Error('timeout')), 5000)),
    ]);
    expect(e.payload).toEqual({ hello: '佛山' });
    await a.close();
    await b.close();
  });
});
