// Which guest this process runs in, said by one environment value that the guest job sets for
// the command it runs: the guest backend's name ("uml"), absent on the host. Everything that
// must know (the kernel choice, gc, reports) asks here rather than reading the variable.

export const GUEST_VARIABLE = 'LVS_HARNESS_GUEST';

/** The name of the guest backend this process runs in, or undefined when it runs on the host. */
export function currentGuest(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const value = env[GUEST_VARIABLE];
  return value ? value : undefined;
}

/** True inside a guest the harness booted. */
export function inGuest(env: NodeJS.ProcessEnv = process.env): boolean {
  return currentGuest(env) !== undefined;
}
