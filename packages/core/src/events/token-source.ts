import { readFile } from 'node:fs/promises';
import { Buffer } from 'node:buffer';
import { resourcePath, type KubeClient } from '../cluster/index.js';
import { SharedToken } from './token.js';

/** Where the receiver's shared token is kept: a key of a Secret, or a file (a mounted Secret). */
export type EventTokenSource = { secret: { namespace: string; name: string; key: string } } | { file: string };

/** The token cannot be had: says which Secret, key or file, and what is wrong with it. */
export class EventTokenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EventTokenError';
  }
}

/** Reads the token once; a missing Secret, key or file is an error naming it and the fix. */
export async function loadEventToken(api: KubeClient, source: EventTokenSource, header?: string): Promise<SharedToken> {
  if ('file' in source) {
    let text: string;
    try {
      text = await readFile(source.file, 'utf8');
    } catch (error) {
      throw new EventTokenError(
        `cannot read the registry event token file ${source.file}: ${(error as Error).message}`,
      );
    }
    return sharedToken(text, header);
  }
  const { namespace, name, key } = source.secret;
  let data: Record<string, string> | undefined;
  try {
    data = (await api.call<{ data?: Record<string, string> }>(resourcePath('v1', 'secrets', namespace, name))).data;
  } catch (error) {
    throw new EventTokenError(
      `cannot read the registry event token Secret ${namespace}/${name}: ${(error as Error).message}`,
    );
  }
  const value = data?.[key];
  if (value === undefined)
    throw new EventTokenError(`Secret ${namespace}/${name} has no key "${key}" holding the registry event token`);
  return sharedToken(Buffer.from(value, 'base64').toString('utf8'), header);
}

function sharedToken(text: string, header: string | undefined): SharedToken {
  try {
    return new SharedToken(text, header);
  } catch (error) {
    throw new EventTokenError((error as Error).message);
  }
}
