/**
 * Temporary files that grow one piece at a time and are later spliced into one output file: how the merge writes
 * an organization-sized document while holding only one account in memory.
 */
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { mkdtemp, open, rm, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { once } from 'node:events';

/** A list written element by element, separated by `separator`; `count` says how many were written. */
export class SectionFile {
  count = 0;
  private constructor(
    readonly path: string,
    private readonly handle: FileHandle,
    private readonly separator: string,
  ) {}

  static async create(path: string, separator = ',\n'): Promise<SectionFile> {
    return new SectionFile(path, await open(path, 'w'), separator);
  }

  /** Appends one element (already serialized). */
  async add(text: string): Promise<void> {
    await this.handle.write(this.count === 0 ? text : `${this.separator}${text}`);
    this.count += 1;
  }

  /** Appends raw text, not counted as an element. */
  async append(text: string): Promise<void> {
    if (text !== '') await this.handle.write(text);
  }

  async close(): Promise<void> {
    await this.handle.close();
  }
}

/** An output file assembled from literal text and the contents of section files, in order. */
export class SplicedFile {
  private constructor(
    readonly path: string,
    private readonly out: WriteStream,
  ) {}

  static create(path: string): SplicedFile {
    return new SplicedFile(path, createWriteStream(path));
  }

  async text(text: string): Promise<void> {
    if (text === '') return;
    if (!this.out.write(text)) await once(this.out, 'drain');
  }

  async section(file: SectionFile): Promise<void> {
    if (file.count === 0) return;
    // A plain copy loop: piping several sources into one open stream would leave listeners on it for each.
    for await (const chunk of createReadStream(file.path)) {
      if (!this.out.write(chunk)) await once(this.out, 'drain');
    }
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve, reject) => this.out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  }
}

/** A private temporary directory, removed with everything in it by `dispose`. */
export interface ScratchDir {
  path: string;
  file(name: string): string;
  dispose(): Promise<void>;
}

export async function scratchDir(parent: string): Promise<ScratchDir> {
  const path = await mkdtemp(join(parent, 'cloud502-merge-'));
  return { path, file: (name) => join(path, name), dispose: () => rm(path, { recursive: true, force: true }) };
}
