/**
 * Writes text given in pieces to a file, waiting for the stream to drain, so a large document (a report, a raw
 * snapshot) is never one string. Rejects with the stream's own error; the file may then be partly written.
 */
import { createWriteStream } from 'node:fs';

export async function writeChunks(path: string, chunks: Iterable<string>): Promise<void> {
  const out = createWriteStream(path, { encoding: 'utf8' });
  const failed = new Promise<never>((_, reject) => out.once('error', reject));
  failed.catch(() => undefined);
  try {
    for (const chunk of chunks) {
      if (!out.write(chunk)) await Promise.race([new Promise<void>((r) => out.once('drain', () => r())), failed]);
    }
    await Promise.race([new Promise<void>((r) => out.end(() => r())), failed]);
  } catch (err) {
    out.destroy();
    throw err;
  }
}
