import { EventEmitter } from 'node:events';

export interface DomainEvent<T = unknown> {
  type: string;
  at: string;
  payload: T;
}

export type Handler = (e: DomainEvent) => Promise<void> | void;

/**
 * Events between modules. Publish only after the transaction that caused the event has
 * committed. In-process by default; over NATS JetStream when NATS_URL is set, so that
 * several API processes sharing one database all see every event.
 */
export interface EventBus {
  publish(type: string, payload: unknown): Promise<void>;
  subscribe(type: string, handler: Handler): void;
  close(): Promise<void>;
}

export class InProcessBus implements EventBus {
  private readonly emitter = new EventEmitter();
  async publish(type: string, payload: unknown) {
    const e: DomainEvent = { type, at: new Date().toISOString(), payload };
    for (const h of this.emitter.listeners(type) as Handler[]) await h(e);
  }
  subscribe(type: string, handler: Handler) {
    this.emitter.on(type, handler);
  }
  async close() {
    this.emitter.removeAllListeners();
  }
}

const STREAM = 'YIWANG_EVENTS';

/** JetStream bus: one stream `yiwang.>`; each process consumes with its own ephemeral ordered consumer. */
export async function natsBus(url: string): Promise<EventBus> {
  const { connect, JSONCodec, consumerOpts } = await import('nats');
  const nc = await connect({ servers: url });
  const jsm = await nc.jetstreamManager();
  try {
    await jsm.streams.info(STREAM);
  } catch {
    await jsm.streams.add({ name: STREAM, subjects: ['yiwang.>'], max_age: 7 * 24 * 3600 * 1e9 });
  }
  const js = nc.jetstream();
  const codec = JSONCodec<DomainEvent>();
  const local = new EventEmitter();
  // An ordered push consumer per process that sees the events published from now on.
  const opts = consumerOpts();
  opts.orderedConsumer();
  opts.deliverNew();
  const messages = await js.subscribe('yiwang.>', opts);
  (async () => {
    for await (const m of messages) {
      const e = codec.decode(m.data);
      for (const h of local.listeners(e.type) as Handler[]) {
        try {
          await h(e);
        } catch {
          /* handler failures are the handler's to log */
        }
      }
    }
  })();
  return {
    async publish(type, payload) {
      await js.publish(`yiwang.${type}`, codec.encode({ type, at: new Date().toISOString(), payload }));
    },
    subscribe(type, handler) {
      local.on(type, handler);
    },
    async close() {
      messages.unsubscribe();
      await nc.drain();
    },
  };
}
