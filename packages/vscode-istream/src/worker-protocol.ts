import type { Diagnostic, PinStyle, Position, Range } from '@istream/core/language';

/** A language-service call as it crosses to the worker thread (an AbortSignal cannot: see cancel). */
export type ServiceCall =
  | { method: 'validate'; args: [text: string] }
  | { method: 'complete'; args: [text: string, position: Position] }
  | { method: 'hover'; args: [text: string, position: Position] }
  | { method: 'codeActions'; args: [text: string, range: Range, diagnostics: Diagnostic[]] }
  | { method: 'pinImages'; args: [text: string, style: PinStyle] }
  | { method: 'forgetLookups'; args: [] }
  /** The kube context for the status bar: the Kubernetes client lives in the worker only. */
  | { method: 'kubeContext'; args: [] };

export type WorkerRequest =
  | ({ kind: 'call'; id: number } & ServiceCall)
  /** The editor no longer wants the answer to call `id`: abort its lookups. */
  | { kind: 'cancel'; id: number };

export type WorkerResponse = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: string };
