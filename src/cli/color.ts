export interface ColorContext {
  /** Is the destination a terminal? False when writing to --output or a pipe. */
  isTTY: boolean;
  /** `--color` (true unless --no-color). */
  flag: boolean;
  env: Readonly<Record<string, string | undefined>>;
}

/** Colors only on a terminal, and never with --no-color or a non-empty NO_COLOR (https://no-color.org). */
export function shouldUseColor(ctx: ColorContext): boolean {
  if (!ctx.flag) return false;
  if (ctx.env.NO_COLOR !== undefined && ctx.env.NO_COLOR !== '') return false;
  return ctx.isTTY;
}
