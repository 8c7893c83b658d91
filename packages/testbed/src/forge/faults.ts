/** Fault injection for the fake forge (and fake Drone): one list, consumed in order. */
export type FaultKind = '5xx' | '429' | 'slow' | 'late-answer' | 'malformed' | 'reset';

export interface FaultSpec {
  /** Which requests: a substring of the API path (no query) or a RegExp. Default: any. */
  path?: string | RegExp;
  /** HTTP method to match. Default: any. */
  method?: string;
  /** How many matching requests get the fault. Default 1. */
  times?: number;
  kind: FaultKind;
  /** For `5xx`: the status. Default 503. */
  status?: number;
  /** For `429`: `Retry-After` as seconds or an HTTP date. Default: no header. */
  retryAfter?: number | string;
  /**
   * For `slow`: delay before handling the request, in ms (dropped if the client gave up). For
   * `late-answer`: the request is carried out after this delay even when the client gave up
   * meanwhile (a comment saved after the client's timeout). Default 2000.
   */
  ms?: number;
}

interface ActiveFault extends FaultSpec {
  remaining: number;
}

export class FaultList {
  private readonly faults: ActiveFault[] = [];

  add(spec: FaultSpec): { remaining(): number } {
    const times = spec.times ?? 1;
    if (!Number.isInteger(times) || times < 1) {
      throw new TypeError(`inject: times must be a positive integer, found ${String(spec.times)}`);
    }
    const fault: ActiveFault = { ...spec, remaining: times };
    this.faults.push(fault);
    return { remaining: () => fault.remaining };
  }

  /** Takes one use of the first fault matching this request, if any. */
  take(method: string, path: string): FaultSpec | undefined {
    for (const fault of this.faults) {
      if (fault.remaining <= 0) continue;
      if (fault.method && fault.method.toUpperCase() !== method) continue;
      if (fault.path !== undefined) {
        const ok =
          typeof fault.path === 'string' ? path.includes(fault.path) : fault.path.test(path);
        if (!ok) continue;
      }
      fault.remaining--;
      return fault;
    }
    return undefined;
  }

  clear(): void {
    this.faults.length = 0;
  }
}
