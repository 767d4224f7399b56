/**
 * `URL[,USERNAME[,CREDENTIAL]]`, as the CLI's `--ice-server` and the diagnostics page take it.
 * Only the first two commas split: a STUN/TURN URL has no comma and a username rarely has
 * one, while a credential may hold anything, commas included.
 */
export interface IceServerSpec {
  readonly urls: string;
  readonly username?: string;
  readonly credential?: string;
}

export function parseIceServerSpec(value: string): IceServerSpec {
  const first = value.indexOf(',');
  if (first === -1) return { urls: value };
  const second = value.indexOf(',', first + 1);
  const urls = value.slice(0, first);
  const username = value.slice(first + 1, second === -1 ? undefined : second);
  return second === -1 ? { urls, username } : { urls, username, credential: value.slice(second + 1) };
}
