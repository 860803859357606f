// The terminal seen by a command: injected so that every command runs in tests without one.

export interface Output {
  write(text: string): void;
  /** True when a person is watching (progress lines, colour); false in pipes and tests. */
  readonly isTTY: boolean;
}

export interface IOStreams {
  out: Output;
  err: Output;
  /** Reads all of standard input (for `-f -`). */
  readStdin(): Promise<string>;
}

export function processIO(): IOStreams {
  return {
    out: { write: (t) => void process.stdout.write(t), isTTY: process.stdout.isTTY === true },
    err: { write: (t) => void process.stderr.write(t), isTTY: process.stderr.isTTY === true },
    readStdin: async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks).toString('utf8');
    },
  };
}

/** Captures everything a command writes; the IO used by command tests. */
export function bufferIO(stdin = ''): IOStreams & { stdout(): string; stderr(): string } {
  let out = '';
  let err = '';
  return {
    out: {
      write: (t) => {
        out += t;
      },
      isTTY: false,
    },
    err: {
      write: (t) => {
        err += t;
      },
      isTTY: false,
    },
    readStdin: async () => stdin,
    stdout: () => out,
    stderr: () => err,
  };
}
