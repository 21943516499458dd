/** Minimal argv parsing: positional arguments and --flag / --flag=value / --flag value options. */
export interface Args {
  positional: string[];
  flags: Map<string, string | true>;
}

export function parseArgs(argv: string[], booleans: readonly string[] = []): Args {
  const positional: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? "";
    if (a === "--") {
      positional.push(...argv.slice(i + 1));
      break;
    }
    if (a.startsWith("--")) {
      const eq = a.indexOf("=");
      if (eq > 0) flags.set(a.slice(2, eq), a.slice(eq + 1));
      else {
        const name = a.slice(2);
        const next = argv[i + 1];
        if (!booleans.includes(name) && next !== undefined && !next.startsWith("--")) {
          flags.set(name, next);
          i++;
        } else flags.set(name, true);
      }
    } else positional.push(a);
  }
  return { positional, flags };
}

export function flag(args: Args, name: string): string | undefined {
  const v = args.flags.get(name);
  return typeof v === "string" ? v : undefined;
}

export class UsageError extends Error {}

export function requireFlag(args: Args, name: string, what: string): string {
  const v = flag(args, name);
  if (!v) throw new UsageError(`missing --${name} (${what})`);
  return v;
}
