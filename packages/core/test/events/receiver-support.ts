// An event receiver over HTTP on loopback, with streams put straight into its index and the
// import controller (and the hand-off to it through streams) replaced by lists of what they were
// asked.
import type { TestContext } from 'node:test';
import { createLogger } from '../../src/controller/log.js';
import type { StreamObject } from '../../src/controller/shared-informers.js';
import { EventReceiver, SharedToken, type EventReceiverOptions, type FollowedTag } from '../../src/events/index.js';

export interface ReceiverUnderTest {
  url: string;
  putStream(stream: StreamObject): void;
  deleteStream(stream: StreamObject): void;
  /** Every importNow call, in order. */
  asked: FollowedTag[][];
  /** Every recordForLeader call that succeeded, in order. */
  recorded: FollowedTag[][];
  log: string[];
  /** Asks the receiver to stop; resolves once it has closed. */
  stop(): Promise<void>;
}

export async function startReceiver(
  t: TestContext,
  token: string,
  extra: Partial<EventReceiverOptions> & {
    tokenHeader?: string;
    importing?: () => boolean;
    /** Why recording for the leader fails (the API server cannot be written), while it does. */
    recordError?: () => string | undefined;
  } = {},
): Promise<ReceiverUnderTest> {
  const change: Array<(s: StreamObject) => void> = [];
  const remove: Array<(s: StreamObject) => void> = [];
  const asked: FollowedTag[][] = [];
  const recorded: FollowedTag[][] = [];
  const log: string[] = [];
  const receiver = new EventReceiver({
    bindAddress: '127.0.0.1:0',
    token: new SharedToken(token, extra.tokenHeader),
    streams: {
      onStreamChange: (h) => change.push(h),
      onStreamDelete: (h) => remove.push(h),
      synced: async () => undefined,
    },
    importNow: (tags) => {
      if (extra.importing && !extra.importing()) return false;
      asked.push([...tags]);
      return true;
    },
    recordForLeader: async (tags) => {
      const error = extra.recordError?.();
      if (error !== undefined) throw new Error(error);
      recorded.push([...tags]);
    },
    log: createLogger((l) => log.push(l)),
    ...extra,
  });
  const scope = new AbortController();
  const running = receiver.start(scope.signal);
  const stop = async () => {
    scope.abort();
    await running;
  };
  t.after(stop);
  const address = await receiver.listening;
  return {
    url: `http://${address}`,
    asked,
    recorded,
    log,
    stop,
    putStream: (s) => {
      for (const h of change) h(s);
    },
    deleteStream: (s) => {
      for (const h of remove) h(s);
    },
  };
}

export function stream(
  name: string,
  tags: Array<{ name: string; from: string; annotations?: Record<string, string> }>,
  annotations?: Record<string, string>,
): StreamObject {
  return {
    apiVersion: 'image.openshift.io/v1',
    kind: 'ImageStream',
    metadata: { name, namespace: 'ns', annotations },
    spec: {
      tags: tags.map((t) => ({
        name: t.name,
        from: { kind: 'DockerImage', name: t.from },
        annotations: t.annotations,
      })),
    },
  } as StreamObject;
}

export const optIn = { 'istream.io/registry-events': 'true' };
