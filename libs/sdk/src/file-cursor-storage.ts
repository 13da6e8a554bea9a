import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { type CursorStorage, type Cursors, parseCursors } from './cursor-storage';

/**
 * Keeps cursors in a JSON file (Node.js). Each save writes a temporary file and renames it over
 * the old one, so a crash mid-write leaves the previous cursors, never a torn file.
 */
export class FileCursorStorage implements CursorStorage {
  constructor(private readonly path: string) {}

  load(): Cursors {
    try {
      return parseCursors(readFileSync(this.path, 'utf8'));
    } catch {
      return {};
    }
  }

  save(cursors: Cursors): void {
    mkdirSync(dirname(this.path), { recursive: true });
    const temp = `${this.path}.${process.pid}.tmp`;
    writeFileSync(temp, JSON.stringify(cursors));
    renameSync(temp, this.path);
  }
}
